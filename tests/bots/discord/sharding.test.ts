import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordStartError, startDiscord } from '../../../src/bots/discord/start.ts';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, discordTestCore, fakeToken } from '../../support/discord/harness.ts';
import { inDm, inGuild, slash } from '../../support/discord/interactions.ts';
import { FakeDiscord, guildOnShard, shardOfGuild } from '../../support/fakes/discord-server.ts';
import { captureLog } from '../../support/log.ts';

/** The routing rule of Discord's gateway, as the fake applies it. */
describe('the fake gateway’s shard routing', () => {
  it('is (guild_id >> 22) % num_shards', () => {
    // 2^22 = 4194304: the guild id's timestamp part decides.
    expect(shardOfGuild(String(4_194_304n * 7n + 5n), 2)).toBe(1);
    expect(shardOfGuild(String(4_194_304n * 8n), 2)).toBe(0);
    expect(shardOfGuild(String(4_194_304n * 7n), 4)).toBe(3);
    expect(shardOfGuild(guildOnShard(2, 3), 3)).toBe(2);
  });
});

describe('Discord sharding over several instances', () => {
  const t = useTestDb('pglite');
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function fakeDiscord(token: string, extra: { recommendedShards?: number; maxConcurrency?: number } = {}) {
    const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID, ...extra });
    cleanup.push(() => fake.close());
    return fake;
  }

  /** One instance of the bot, serving `ids` of `count` shards (environment values, as an operator gives them). */
  async function instance(fake: FakeDiscord, token: string, count: string, ids?: string) {
    const { log, lines } = captureLog();
    const bot = await startDiscord({
      config: {
        DISCORD_TOKEN: token,
        DISCORD_APPLICATION_ID: APPLICATION_ID,
        DISCORD_API_ROOT: fake.apiRoot,
        DISCORD_GUILD_ID: undefined,
        DISCORD_SHARD_COUNT: count === 'auto' ? 'auto' : Number(count),
        DISCORD_SHARD_IDS: ids?.split(',').map(Number),
      },
      core: discordTestCore(t.db),
      log,
    });
    cleanup.push(() => bot.stop());
    const received: string[] = [];
    bot.client.on(Events.InteractionCreate, (interaction) => received.push(interaction.id));
    return { bot, lines, received };
  }

  const commandRequests = (fake: FakeDiscord) => fake.requests.filter((r) => r.path.startsWith(`/applications/${APPLICATION_ID}/commands`));

  it('two instances with 2 shards: each gets only its shards’ interactions (DMs on shard 0); only shard 0’s registers the commands', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token);
    const second = await instance(fake, token, '2', '1');
    expect(commandRequests(fake)).toEqual([]);
    expect(second.lines.join('\n')).toContain('discord commands are registered by the instance holding shard 0');
    const first = await instance(fake, token, '2', '0');
    expect(commandRequests(fake).map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(fake.identifies.map((identify) => identify.shard)).toEqual([
      [1, 2],
      [0, 2],
    ]);
    expect(fake.shards).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(first.bot.shards()).toEqual({ count: 2, held: [{ id: 0, connected: true }] });
    expect(second.bot.shards()).toEqual({ count: 2, held: [{ id: 1, connected: true }] });
    expect(first.bot.connected() && second.bot.connected()).toBe(true);

    const onShard0 = slash(APPLICATION_ID, inGuild('2000000000000000051', '3000000000000000051', guildOnShard(0, 2)), 'help');
    const onShard1 = slash(APPLICATION_ID, inGuild('2000000000000000052', '3000000000000000052', guildOnShard(1, 2)), 'help');
    const inDirectMessage = slash(APPLICATION_ID, inDm('2000000000000000053'), 'help');
    for (const interaction of [onShard0, onShard1, inDirectMessage]) {
      const callback = await fake.ask(interaction);
      expect(callback.type).toBe(4);
    }
    // Answered once each (a second answer would be refused: 40060), by the instance holding the shard.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const interaction of [onShard0, onShard1, inDirectMessage]) expect(fake.callbacksFor(interaction.id)).toHaveLength(1);
    expect(first.received).toEqual([onShard0.id, inDirectMessage.id]);
    expect(second.received).toEqual([onShard1.id]);
  });

  it('a count alone: one instance serves every shard of it', async () => {
    const token = fakeToken();
    // discord.js identifies shards of one max_concurrency bucket 5 s apart; Discord gives large bots more.
    const fake = await fakeDiscord(token, { maxConcurrency: 16 });
    const { bot } = await instance(fake, token, '3');
    expect(bot.shards()).toEqual({
      count: 3,
      held: [
        { id: 0, connected: true },
        { id: 1, connected: true },
        { id: 2, connected: true },
      ],
    });
    expect(commandRequests(fake).map((r) => r.method)).toEqual(['GET', 'PUT']);
  });

  it('auto: the count Discord recommends (GET /gateway/bot), for all shards or for the ids given', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token, { recommendedShards: 2, maxConcurrency: 16 });
    const all = await instance(fake, token, 'auto');
    expect(all.bot.shards()).toEqual({
      count: 2,
      held: [
        { id: 0, connected: true },
        { id: 1, connected: true },
      ],
    });
    await all.bot.stop();
    const some = await instance(fake, token, 'auto', '1');
    expect(some.bot.shards()).toEqual({ count: 2, held: [{ id: 1, connected: true }] });
  });

  it('auto with ids beyond the recommended count: a clear start error, nothing connected', async () => {
    const token = fakeToken();
    const fake = await fakeDiscord(token, { recommendedShards: 2 });
    const error = (await instance(fake, token, 'auto', '2,3').catch((e: unknown) => e)) as DiscordStartError;
    expect(error).toBeInstanceOf(DiscordStartError);
    expect(error.message).toBe(
      'Discord shards: DISCORD_SHARD_IDS has shard 2, but Discord recommends 2 shards (DISCORD_SHARD_COUNT=auto): ids run from 0 to 1. ' +
        'Give every instance the same fixed DISCORD_SHARD_COUNT instead.',
    );
    expect(error.message).not.toContain(token);
    expect(fake.identifies).toEqual([]);
  });
});
