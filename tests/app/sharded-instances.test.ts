import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.ts';
import { createConfig } from '../../src/config.ts';
import { type AppDatabase, appDatabase } from '../support/app-database.ts';
import { engines } from '../support/db.ts';
import { APPLICATION_ID, fakeToken } from '../support/discord/harness.ts';
import { inGuild, MODERATOR, slash, str } from '../support/discord/interactions.ts';
import { FakeDiscord, guildOnShard } from '../support/fakes/discord-server.ts';
import { captureLog } from '../support/log.ts';
import { addPapers, ledger, paper } from '../support/schedule.ts';

/**
 * Every instance runs the scheduler with a cron tick at second 0 of each minute. Steps that must
 * not be split by a tick (so one chosen instance claims) start only well clear of it.
 */
async function clearOfTheMinuteTick(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second >= 45) await new Promise((resolve) => setTimeout(resolve, (62 - second) * 1000));
}

// Two app instances share one database: only a real server (PGlite is one process's).
describe.skipIf(!engines.includes('postgres'))('two instances of the app on one Postgres, each holding one of 2 Discord shards', () => {
  let fake: FakeDiscord;
  let database: AppDatabase;
  const apps: App[] = [];
  const logs = [captureLog('info'), captureLog('info')];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: fakeToken(), applicationId: APPLICATION_ID });
    database = await appDatabase('postgres');
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await fake.close();
    await database.remove();
  });

  /** An instance as an operator starts it: the same environment but for DISCORD_SHARD_IDS. */
  async function instance(shardIds: string, workerId: string, log: (typeof logs)[number]): Promise<App> {
    const config = createConfig({
      ...database.env,
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_ROOT: fake.apiRoot,
      DISCORD_SHARD_COUNT: '2',
      DISCORD_SHARD_IDS: shardIds,
      INGEST_ON_START: 'false',
      HTTP_PORT: '0',
    });
    const app = await startApp({ config, log: log.log, workerId });
    apps.push(app);
    return app;
  }

  it('a channel subscribed through shard 1’s instance gets its daily post once, claimed and posted by shard 0’s; each reports its own shard', async () => {
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    await database.use(({ db }) => addPapers(db, [paper('2611.00001', today, { upvotes: 12, title: 'Grokking at the edge of stability' })]));

    const second = await instance('1', 'instance-shard-1', logs[1]!);
    // A moderator subscribes a channel of a guild whose events go to shard 1.
    const channel = '3000000000000000061';
    const sendTime = new Date(now.getTime() - 2 * 60_000).toISOString().slice(11, 16);
    const subscribe = slash(APPLICATION_ID, inGuild('2000000000000000061', channel, guildOnShard(1, 2), MODERATOR), 'subscribe', [
      str('time', sendTime),
      str('timezone', 'UTC'),
    ]);
    await fake.ask(subscribe);
    expect(fake.routed.get(subscribe.id)).toEqual([1]);
    const [subscription] = await database.use(({ db }) => db.selectFrom('subscriptions').selectAll().execute());
    expect(subscription).toMatchObject({ send_time: sendTime, timezone: 'UTC', status: 'active' });

    await clearOfTheMinuteTick();
    // Made after today's send time, it would first be due tomorrow: made yesterday, today's post is owed now.
    const yesterday = new Date(now.getTime() - 86_400_000);
    await database.use(({ db }) => sql`update subscriptions set created_at = ${yesterday}, updated_at = ${yesterday}`.execute(db));
    // Shard 0's instance starts; its first pass claims the post and sends it over REST, though the guild is on shard 1.
    const first = await instance('0', 'instance-shard-0', logs[0]!);
    await fake.waitFor(() => fake.posted.some((post) => post.channelId === channel), 10_000, 'the daily post');
    const rows = await database.use(({ db }) => ledger(db));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', claimed_by: 'instance-shard-0' });

    // Only the instance holding shard 0 registered the command.
    expect(fake.puts.get('global')).toBe(1);
    expect(logs[1]!.messages('info')).toContain('discord commands are registered by the instance holding shard 0');

    for (const [app, shard] of [
      [first, 0],
      [second, 1],
    ] as const) {
      const health = await (await fetch(`http://127.0.0.1:${app.opsPort}/healthz`)).json();
      expect(health).toMatchObject({ adapters: { discord: true }, shards: { discord: { count: 2, held: [{ id: shard, connected: true }] } } });
      const metrics = await (await fetch(`http://127.0.0.1:${app.opsPort}/metrics`)).text();
      expect(metrics).toContain('paperboy_gateway_shards{platform="discord"} 2');
      expect(metrics).toContain(`paperboy_gateway_shard_connected{platform="discord",shard="${shard}"} 1`);
      expect(metrics).not.toContain(`paperboy_gateway_shard_connected{platform="discord",shard="${1 - shard}"}`);
    }

    // Both instances have run their passes: the post stays one.
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    expect(fake.posted.filter((post) => post.channelId === channel)).toHaveLength(1);
    expect((await database.use(({ db }) => ledger(db))).map((row) => row.status)).toEqual(['sent']);
  }, 60_000);
});
