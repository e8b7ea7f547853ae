import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, GUILD_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { BOT_CAN_POST, channelOption, inDm, inGuild, MEMBER, MODERATOR, slash, str } from '../../support/discord/interactions.ts';

const ALICE = '2000000000000000011';
const CHANNEL = '3000000000000000011';
const OTHER = '3000000000000000012';
const EPHEMERAL = 64;

describe('Discord subscribe/unsubscribe permissions', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);

  async function subscriptions() {
    return t.db
      .selectFrom('subscriptions')
      .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
      .select(['recipients.external_id', 'recipients.kind', 'subscriptions.send_time', 'subscriptions.timezone'])
      .orderBy('recipients.external_id')
      .execute();
  }

  it('refuses a member without Manage Channels, privately, and subscribes nothing', async () => {
    const callback = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), 'subscribe', [str('time', '08:30')]));
    expect(callback.type).toBe(4);
    expect(callback.data.flags).toBe(EPHEMERAL);
    expect(callback.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change');
    expect(await subscriptions()).toEqual([]);
  });

  it('lets a member with Manage Channels subscribe the channel at a local time', async () => {
    const callback = await h.fake.ask(
      slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'subscribe', [str('time', '08:30'), str('timezone', 'Europe/Berlin')]),
    );
    expect(callback.data.flags).toBe(EPHEMERAL);
    expect(callback.data.embeds[0].description).toContain('Subscribed');
    expect(await subscriptions()).toEqual([{ external_id: CHANNEL, kind: 'channel', send_time: '08:30', timezone: 'Europe/Berlin' }]);
  });

  it('checks the permission in the chosen channel, not the one typed in', async () => {
    // Moderator here, plain member over there: refused.
    const there = channelOption(OTHER, MEMBER);
    const refused = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'subscribe', [there.option], there.resolved));
    expect(refused.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change');
    expect(await subscriptions()).toEqual([]);

    // Plain member here, Manage Channels over there: the other channel is subscribed.
    const allowed = channelOption(OTHER, MODERATOR);
    const ok = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), 'subscribe', [allowed.option], allowed.resolved));
    expect(ok.data.embeds[0].description).toContain('Subscribed');
    expect(await subscriptions()).toEqual([{ external_id: OTHER, kind: 'channel', send_time: '09:00', timezone: 'UTC' }]);
  });

  it('says so when the bot cannot post in the chosen channel', async () => {
    const there = channelOption(OTHER, MODERATOR, BOT_CAN_POST & ~PermissionFlagsBits.SendMessages);
    const callback = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'subscribe', [there.option], there.resolved));
    expect(callback.data.flags).toBe(EPHEMERAL);
    expect(callback.data.embeds[0].description).toContain('lacks Send Messages there');
    expect(await subscriptions()).toEqual([]);
  });

  it('gates unsubscribe the same way', async () => {
    await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'subscribe'));
    const refused = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), 'unsubscribe'));
    expect(refused.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change');
    expect(await subscriptions()).toHaveLength(1);
    const done = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'unsubscribe'));
    expect(done.data.embeds[0].description).toContain('Unsubscribed');
    expect(await subscriptions()).toEqual([]);
  });

  it('subscribes the user in DMs, and where the bot is not in the server (user install)', async () => {
    const dm = await h.fake.ask(slash(APPLICATION_ID, inDm(ALICE), 'subscribe', [str('time', '07:00')]));
    expect(dm.data.embeds[0].description).toContain('Subscribed');
    const elsewhere = { ...inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), botInstalled: false };
    const again = await h.fake.ask(slash(APPLICATION_ID, elsewhere, 'subscribe', [str('time', '07:15')]));
    expect(again.data.embeds[0].description).toContain('Updated');
    expect(await subscriptions()).toEqual([{ external_id: ALICE, kind: 'user', send_time: '07:15', timezone: 'UTC' }]);
  });

  it('shows settings to anyone but lets only managers change them', async () => {
    await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'subscribe'));
    const shown = await h.fake.ask(slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), 'settings'));
    expect(shown.data.embeds[0].description).toContain('Time: 09:00 UTC');
    const refused = await h.fake.ask(
      slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER), 'settings', [str('setting', 'time'), str('value', '10:00')]),
    );
    expect(refused.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change');
    const changed = await h.fake.ask(
      slash(APPLICATION_ID, inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR), 'settings', [str('setting', 'time'), str('value', '10:00')]),
    );
    expect(changed.data.embeds[0].description).toContain('Settings saved');
    expect(await subscriptions()).toEqual([{ external_id: CHANNEL, kind: 'channel', send_time: '10:00', timezone: 'UTC' }]);
  });
});
