import { describe, expect, it } from 'vitest';
import type { DeliveryPort } from '../../../src/core/delivery-port.ts';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { inDm, slash, str } from '../../support/discord/interactions.ts';
import { makeGroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { addPapers, ledger, paper, pass } from '../../support/schedule.ts';
import { useTelegramBot } from '../../support/telegram-harness.ts';

/**
 * End to end: a subscription made through a chat command, digests sent by delivery passes
 * through the real adapters (grammY, discord.js) against their fake servers. The chat
 * commands run on the harnesses' clock (2024-05-24 12:00 UTC); passes run at chosen instants.
 */

/** Passes at each instant (UTC), as the scheduler's minute ticks would. */
async function passesAt(db: Parameters<typeof pass>[0], port: DeliveryPort, instants: string[], waits: number[] = []) {
  for (const at of instants) await pass(db, at, [port], { observer: { rateLimited: (_p, ms) => waits.push(ms) } });
}

describe('daily picks through the real Telegram adapter', () => {
  const t = useTestDb('pglite');
  const h = useTelegramBot(t);

  it('a /subscribe in a private chat brings exactly one post per local day, at 09:00 Berlin time', async () => {
    await seedPapers(t.db);
    const alice = makeUser(501, 'Alice');
    const chat = privateChat(alice);
    expect((await h.say(alice, chat, '/subscribe 09:00 Europe/Berlin')).text).toContain('Subscribed');
    const digests = () => h.fake.callsOf('sendMessage', { chatId: chat.id }).filter((c) => String(c.payload.text).includes('Daily picks for'));

    const waits: number[] = [];
    // 2024-05-25: 09:00 CEST is 07:00 UTC. Telegram answers the first attempt with a long 429.
    h.fake.failNext(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } },
      { where: (p) => Number(p.chat_id) === chat.id },
    );
    await passesAt(t.db, h.service.port, ['2024-05-25T06:59:00Z', '2024-05-25T07:00:00Z', '2024-05-25T07:01:00Z', '2024-05-25T21:00:00Z'], waits);
    expect(digests()).toHaveLength(1);
    expect(waits).toEqual([30_000]);
    const first = digests()[0]!;
    expect(first.payload.text).toContain('Daily picks for 2024-05-25');
    expect(first.payload.parse_mode).toBe('HTML');
    expect(JSON.stringify(first.payload.reply_markup)).toContain('👍');

    // The next day brings the next new papers, once.
    await addPapers(t.db, [paper('2405.99001', '2024-05-26', { title: 'Grokking, once more', upvotes: 9 })]);
    await passesAt(t.db, h.service.port, ['2024-05-26T06:30:00Z', '2024-05-26T07:00:00Z', '2024-05-26T07:10:00Z']);
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.payload.text).toContain('Daily picks for 2024-05-26');
    expect(digests()[1]!.payload.text).toContain('Grokking, once more');
    expect((await ledger(t.db)).map((r) => [r.local_date, r.status])).toEqual([
      ['2024-05-25', 'sent'],
      ['2024-05-26', 'sent'],
    ]);
  });

  it('follows a group that became a supergroup, and pauses a chat that blocked the bot', async () => {
    await seedPapers(t.db);
    const admin = makeUser(601, 'Admin');
    const group = makeGroup(-4242, 'Reading group');
    h.fake.setMemberStatus(group.id, admin.id, 'administrator');
    expect((await h.say(admin, group, '/subscribe 08:00 UTC')).text).toContain('Subscribed');
    const bob = makeUser(602, 'Bob');
    expect((await h.say(bob, privateChat(bob), '/subscribe 08:00 UTC')).text).toContain('Subscribed');

    h.fake.failNext(
      'sendMessage',
      { error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1009999 } },
      { where: (p) => Number(p.chat_id) === group.id },
    );
    h.fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, { where: (p) => Number(p.chat_id) === bob.id });
    await passesAt(t.db, h.service.port, ['2024-05-25T08:00:00Z']);

    expect(h.fake.callsOf('sendMessage', { chatId: -1009999 }).filter((c) => String(c.payload.text).includes('Daily picks for'))).toHaveLength(1);
    const recipients = await t.db
      .selectFrom('subscriptions')
      .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
      .select(['recipients.external_id', 'subscriptions.status', 'subscriptions.paused_reason'])
      .orderBy('recipients.external_id')
      .execute();
    expect(recipients).toEqual([
      { external_id: '-1009999', status: 'active', paused_reason: null },
      { external_id: '602', status: 'paused', paused_reason: expect.stringContaining('blocked') },
    ]);
  });
});

describe('daily picks through the real Discord adapter', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);

  it('a /papers subscribe in a DM brings exactly one post per local day, at 07:30 Kolkata time', async () => {
    await seedPapers(t.db);
    const ALICE = '2000000000000000077';
    const interaction = slash(APPLICATION_ID, inDm(ALICE), 'subscribe', [str('time', '07:30'), str('timezone', 'Asia/Kolkata')]);
    h.fake.interact(interaction);
    const reply = await h.fake.waitFor(() => h.fake.callbacksFor(interaction.id)[0], 5000, 'subscribe reply');
    expect(reply.data.embeds[0].description).toContain('Subscribed');

    const digests = () => h.fake.posted.filter((p) => String(p.body.embeds?.[0]?.title ?? '').startsWith('Daily picks'));
    // 07:30 in Kolkata is 02:00 UTC.
    await passesAt(t.db, h.bot.port, ['2024-05-25T01:59:00Z', '2024-05-25T02:00:00Z', '2024-05-25T02:01:00Z', '2024-05-25T18:00:00Z']);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.body.embeds[0].title).toBe('Daily picks for 2024-05-25');
    expect(digests()[0]!.body.allowed_mentions).toEqual({ parse: [] });

    await addPapers(t.db, [paper('2405.99002', '2024-05-26', { title: 'Agents that read papers', upvotes: 4 })]);
    await passesAt(t.db, h.bot.port, ['2024-05-26T02:00:00Z', '2024-05-26T02:30:00Z']);
    expect(digests().map((d) => d.body.embeds[0].title)).toEqual(['Daily picks for 2024-05-25', 'Daily picks for 2024-05-26']);
    expect(new Set(digests().map((d) => d.channelId)).size).toBe(1);
  });
});
