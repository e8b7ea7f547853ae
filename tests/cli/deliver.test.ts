import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/create-db.ts';
import { runPaperboy, templateDataDir } from '../support/cli.ts';
import { FakeTelegramBotApi } from '../support/fakes/telegram-bot-api.ts';
import { addPapers, addSubscription, ledger, paper } from '../support/schedule.ts';

describe('paperboy deliver and paperboy subscriptions', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  async function withDb<T>(work: (db: Awaited<ReturnType<typeof createDb>>['db']) => Promise<T>): Promise<T> {
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      return await work(handle.db);
    } finally {
      await handle.close();
    }
  }

  beforeAll(async () => {
    await withDb(async (db) => {
      await addPapers(db, [
        paper('2611.00001', '2026-11-27', { title: 'Grokking at the edge of stability', upvotes: 12 }),
        paper('2611.00002', '2026-11-27', { title: 'Optics', upvotes: 3 }),
      ]);
      await addSubscription(db, { externalId: 'alice', platform: 'terminal', follows: ['grokking'], sendTime: '09:00', timezone: 'Europe/Berlin' });
      await addSubscription(db, { externalId: '4242', platform: 'telegram', sendTime: '09:00', timezone: 'Europe/Berlin' });
    });
  });
  afterAll(() => data.remove());

  it('--dry-run prints what would be posted and claims nothing', async () => {
    const result = await runPaperboy(['deliver', '--at', '2026-11-27T08:05:00Z', '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run as of 2026-11-27T08:05:00.000Z: nothing is claimed or sent.');
    expect(result.stdout).toContain('── terminal user alice · 2026-11-27, due 2026-11-27T08:00:00.000Z ──\nDaily picks for 2026-11-27');
    expect(result.stdout).toContain('★ matches your follow: grokking');
    expect(result.stdout).toContain('── telegram user 4242 · 2026-11-27');
    expect(result.stdout).toContain('2 digests would be posted; 0 with nothing new (no post).');
    expect(await withDb((db) => ledger(db))).toEqual([]);
    expect(await withDb((db) => db.selectFrom('delivered_papers').selectAll().execute())).toEqual([]);
  });

  it('delivers as of --at: terminal digests print here, platforms without an adapter are left for the bot', async () => {
    const first = await runPaperboy(['deliver', '--at', '2026-11-27T08:05:00+00:00'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('── to alice (terminal) ──\nDaily picks for 2026-11-27');
    expect(first.stdout).toContain('Delivery pass as of 2026-11-27T08:05:00.000Z: 1 sent, 0 with nothing new, 0 failed');
    expect(first.stdout).toContain('1 due on telegram left for an instance with its adapter (set TELEGRAM_BOT_TOKEN).');
    const again = await runPaperboy(['deliver', '--at', '2026-11-27T08:06:00Z'], env);
    expect(again.stdout).toContain('nothing was due.');
    expect((await withDb((db) => ledger(db))).map((row) => row.status)).toEqual(['sent']);
  });

  it('lists subscriptions with their next send time and last outcome', async () => {
    const result = await runPaperboy(['subscriptions'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+RECIPIENT\s+SCHEDULE\s+NEXT POST\s+LAST DELIVERY$/);
    // The next post is read from the real clock: a later send time, or, once today's 09:00 in
    // Berlin has passed unsent, "due now" for today.
    expect(lines[1]).toMatch(
      /^1\s+terminal user alice\s+09:00 Europe\/Berlin daily\s+(\S.*UTC \(.* local\)|due now \(\d{4}-\d{2}-\d{2}\))\s+2026-11-27 sent at 2026-11-27 08:05 UTC, 1 paper$/,
    );
    expect(lines[2]).toMatch(/^2\s+telegram user 4242\s+09:00 Europe\/Berlin daily\s+.*\s+none yet$/);
    const json = JSON.parse((await runPaperboy(['subscriptions', '--json', '--status', 'active'], env)).stdout);
    expect(json.map((s: { id: number }) => s.id)).toEqual([1, 2]);
  });

  it('explains bad options', async () => {
    const at = await runPaperboy(['deliver', '--at', 'tomorrow'], env);
    expect(at.code).toBe(2);
    expect(at.stderr).toContain('--at must be an instant with a timezone, like 2026-11-28T09:00:00Z');
    expect((await runPaperboy(['deliver', '--at', '2026-11-28T09:00'], env)).stderr).toContain('--at must be an instant with a timezone');
    expect((await runPaperboy(['deliver', '--now'], env)).code).toBe(2);
    expect((await runPaperboy(['subscriptions', '--status', 'gone'], env)).stderr).toContain('--status must be active or paused');
  });

  it('refuses clearly while the bot holds the embedded database, claiming and sending nothing', async () => {
    const bot = await createDb({ dataDir: data.dataDir, migrate: false, command: 'paperboy start' });
    try {
      const result = await runPaperboy(['deliver', '--at', '2026-11-28T08:05:00Z'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`paperboy deliver: the embedded database in ${data.dataDir} is in use by "paperboy start" (pid ${process.pid}`);
      expect(result.stderr).toContain('Nothing was claimed or sent. A running bot already delivers due digests every minute');
      expect(result.stderr).toContain('DATABASE_URL');
      expect(result.stdout).toBe('');
    } finally {
      await bot.close();
    }
  });
});

describe('paperboy subscriptions agrees with the delivery pass on what is due', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };
  afterAll(() => data.remove());

  it('does not call a post "due now" when the settings changed after its send time (it goes out tomorrow)', async () => {
    // As in the issue: subscribed at 23:44 for 23:00. Times relative to now, since the listing reads the clock.
    const now = Date.now();
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const sendTime = hhmm(now - 30 * 60_000);
    const tomorrow = (new Date(now - 30 * 60_000).getUTCDay() % 7) + 1;
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      await addPapers(handle.db, [paper('2611.00001', '2026-11-27', { upvotes: 3 })]);
      await addSubscription(handle.db, { externalId: 'late', platform: 'terminal', sendTime, at: new Date(now - 5 * 60_000).toISOString() });
      await addSubscription(handle.db, { externalId: 'early', platform: 'terminal', sendTime, at: new Date(now - 60 * 60_000).toISOString() });
      // Weekly on tomorrow's weekday (UTC): not due now, whatever the time.
      await addSubscription(handle.db, {
        externalId: 'weekly',
        platform: 'terminal',
        sendTime,
        weeklyDay: tomorrow,
        at: new Date(now - 60 * 60_000).toISOString(),
      });
    } finally {
      await handle.close();
    }
    const rows = JSON.parse((await runPaperboy(['subscriptions', '--json'], env)).stdout) as { recipient: { externalId: string }; next: { state: string } }[];
    expect(Object.fromEntries(rows.map((row) => [row.recipient.externalId, row.next.state]))).toEqual({ late: 'scheduled', early: 'due', weekly: 'scheduled' });
    const table = (await runPaperboy(['subscriptions'], env)).stdout.split('\n');
    expect(table.find((line) => line.includes('terminal user late'))).not.toContain('due now');
    expect(table.find((line) => line.includes('terminal user early'))).toContain('due now');
    expect(table.find((line) => line.includes('terminal user weekly'))).toContain(
      `${sendTime} UTC weekly ${['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][tomorrow - 1]}`,
    );
    // The dry run previews exactly the one the listing calls due.
    const preview = await runPaperboy(['deliver', '--dry-run'], env);
    expect(preview.stdout).toContain('── terminal user early');
    expect(preview.stdout).not.toContain('── terminal user late');
  });
});

describe('paperboy deliver through a configured adapter', () => {
  const data = templateDataDir();
  let fake: FakeTelegramBotApi;
  beforeAll(async () => {
    fake = await FakeTelegramBotApi.start({ maxHoldMs: 200 });
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      await addPapers(handle.db, [paper('2611.00001', '2026-11-27', { title: 'Grokking, explained', upvotes: 7 })]);
      await addSubscription(handle.db, { externalId: '777', platform: 'telegram', sendTime: '09:00', timezone: 'UTC' });
    } finally {
      await handle.close();
    }
  });
  afterAll(async () => {
    await fake.close();
    data.remove();
  });

  it('posts due digests through Telegram (posting only, no updates taken) exactly once', async () => {
    const env = { PAPERBOY_DATA_DIR: data.dataDir, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot };
    const first = await runPaperboy(['deliver', '--at', '2026-11-27T09:01:00Z'], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('1 sent');
    expect((await runPaperboy(['deliver', '--at', '2026-11-27T09:02:00Z'], env)).stdout).toContain('nothing was due');
    const posts = fake.callsOf('sendMessage', { chatId: 777 });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.payload.text).toContain('Daily picks for 2026-11-27');
    expect(fake.callsOf('getUpdates', { all: true })).toEqual([]);
  });
});
