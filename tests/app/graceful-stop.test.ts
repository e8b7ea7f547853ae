import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppDatabase, appDatabase } from '../support/app-database.ts';
import { engines } from '../support/db.ts';
import { FakeTelegramBotApi } from '../support/fakes/telegram-bot-api.ts';
import { addPapers, addSubscription, ledger, paper } from '../support/schedule.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));
const RECIPIENTS = 40;
/** How long the fake Bot API takes to answer a sendMessage (the report's 400 ms). */
const SLOW_ANSWER_MS = 400;
/** Stops must be prompt: the sends under way take 400 ms; the rest is handed back, not waited for. */
const PROMPT_MS = 5000;

/** A paperboy process (with every process it started) running in a process group of its own. */
class Child {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process of the group has let go of our pipes: nothing of it is left running. */
  readonly gone: Promise<void>;
  private readonly process: ChildProcess;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.process = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', INGEST_ON_START: 'false', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [this.process.stdout!, this.process.stderr!]) stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.gone = Promise.all(
      [this.process.stdout!, this.process.stderr!].map(
        (stream) => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve()))),
      ),
    ).then(() => undefined);
  }

  /** `kill <pid>`, as an operator or a supervisor stops a service. */
  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** The signal to the whole process group, as Ctrl-C in a terminal (or systemd's default KillMode) sends it. */
  killGroup(signal: NodeJS.Signals): void {
    process.kill(-this.process.pid!, signal);
  }

  /** Stops it, and every process of its group, for good (after a failed test). */
  destroy(): void {
    try {
      process.kill(-this.process.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Signals, then waits for the exit and for every process of the group to be gone; returns the code and how long it took. */
  async stop(send: () => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; tookMs: number }> {
    const start = performance.now();
    send();
    const exit = await this.exited;
    await this.gone;
    return { ...exit, tookMs: performance.now() - start };
  }
}

const npmStart = (env: Record<string, string>) => new Child('npm', ['start'], env);
const paperboyDeliver = (env: Record<string, string>) => new Child(process.execPath, [BIN, 'deliver'], env);

describe.each(engines)('stopping a process that posts 40 digests through a Bot API answering in 400 ms (%s)', (engine) => {
  let telegram: FakeTelegramBotApi;
  let database: AppDatabase;
  const children: Child[] = [];
  const track = (child: Child) => {
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    telegram = await FakeTelegramBotApi.start({ maxHoldMs: 300 });
  });
  afterAll(async () => {
    await telegram.close();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.destroy();
    await database?.remove();
  });

  /** 40 private chats subscribed for a time three minutes ago (UTC), with papers listed today. */
  async function seed(): Promise<Record<string, string>> {
    telegram.reset();
    telegram.answerAfter('sendMessage', SLOW_ANSWER_MS);
    database = await appDatabase(engine);
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const sendTime = new Date(now.getTime() - 3 * 60_000).toISOString().slice(11, 16);
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
    await database.use(async ({ db }) => {
      await addPapers(
        db,
        Array.from({ length: 6 }, (_, i) => paper(`2611.${String(i + 1).padStart(5, '0')}`, today, { upvotes: 10 + i })),
      );
      for (let i = 1; i <= RECIPIENTS; i++) {
        await addSubscription(db, { platform: 'telegram', externalId: String(5000 + i), sendTime, at: yesterday });
      }
    });
    return { ...database.env, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot };
  }

  /** Posts the fake took, per chat. */
  const postsPerChat = () => {
    const posts = new Map<number, number>();
    for (const call of telegram.callsOf('sendMessage', { all: true }))
      posts.set(Number(call.payload.chat_id), (posts.get(Number(call.payload.chat_id)) ?? 0) + 1);
    return posts;
  };

  /** Waits until the fake has taken `n` posts (the stop then comes in the middle of the pass). */
  const postsTaken = (n: number) =>
    telegram.waitForCall('sendMessage', { where: () => telegram.callsOf('sendMessage', { all: true }).length >= n, timeoutMs: 60_000 });

  /** After a stop: every post the platform took is recorded as sent, the rest handed back (claimed, lease ended), none left mid-send. */
  async function expectCleanStop(): Promise<void> {
    const rows = await database.use(({ db }) => ledger(db));
    const taken = postsPerChat();
    expect(rows.filter((row) => row.status === 'sending')).toEqual([]);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(taken.size);
    const handedBack = rows.filter((row) => row.status === 'claimed');
    expect(handedBack.length).toBeGreaterThan(0);
    expect(handedBack.every((row) => row.lease_expires_at !== null && row.lease_expires_at.getTime() <= Date.now())).toBe(true);
    expect(taken.size + handedBack.length).toBe(RECIPIENTS);
  }

  /** After the restart: every recipient got its digest exactly once. */
  async function expectEveryoneOnce(): Promise<void> {
    const posts = postsPerChat();
    expect(posts.size).toBe(RECIPIENTS);
    expect([...posts.values()].filter((n) => n > 1)).toEqual([]);
    const rows = await database.use(({ db }) => ledger(db));
    expect(rows.map((row) => row.status)).toEqual(Array(RECIPIENTS).fill('sent'));
  }

  it('npm start: SIGTERM mid-pass records the posts under way, hands back the rest and exits 0 at once; after a restart each recipient has one post', async () => {
    const env = await seed();
    const first = track(npmStart(env));
    await postsTaken(10);
    // To npm's own pid, as `kill` or a supervisor sends it: npm forwards it to the bot.
    const stopped = await first.stop(() => first.kill('SIGTERM'));
    expect(stopped, first.output.join('')).toMatchObject({ code: 0 });
    expect(stopped.tookMs).toBeLessThan(PROMPT_MS);
    await expectCleanStop();

    const second = track(npmStart(env));
    // The handed-back claims go out in the pass the restart makes at once; stopping while the last are under way still records them.
    await waitUntil(() => postsPerChat().size >= RECIPIENTS, 60_000);
    // Ctrl-C: SIGINT to the whole process group (npm, its shell, the bot), some of them twice.
    const again = await second.stop(() => second.killGroup('SIGINT'));
    expect(again.code, second.output.join('')).toBe(0);
    expect(again.tookMs).toBeLessThan(PROMPT_MS);
    await expectEveryoneOnce();
  }, 120_000);

  it('paperboy deliver: SIGTERM mid-pass records the posts under way, hands back the rest and exits 0 at once; the next run sends the rest once', async () => {
    const env = await seed();
    const first = track(paperboyDeliver(env));
    await postsTaken(10);
    const stopped = await first.stop(() => first.kill('SIGTERM'));
    expect(stopped, first.output.join('')).toMatchObject({ code: 0 });
    expect(stopped.tookMs).toBeLessThan(PROMPT_MS);
    expect(first.output.join('')).toMatch(/Stopped by SIGTERM: \d+ handed back unsent for the next pass\./);
    await expectCleanStop();

    const second = track(paperboyDeliver(env));
    expect((await second.exited).code, second.output.join('')).toBe(0);
    await second.gone;
    await expectEveryoneOnce();
  }, 120_000);
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
