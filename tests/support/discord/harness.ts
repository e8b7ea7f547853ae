import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { type DiscordBot, startDiscord } from '../../../src/bots/discord/start.ts';
import { type Core, createCore } from '../../../src/core/core.ts';
import type { Database } from '../../../src/db/schema.ts';
import { createStorage } from '../../../src/db/storage.ts';
import { fixedClock } from '../core.ts';
import { FakeDiscord } from '../fakes/discord-server.ts';
import { captureLog, silentLog } from '../log.ts';

export const APPLICATION_ID = '1234567890123456789';
export const GUILD_ID = '1111111111111111111';

/** A token shaped like Discord's (base64 user id . timestamp . hmac), random per run. */
export function fakeToken(): string {
  return `MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.${randomBytes(5).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

/**
 * The core the adapter runs on in these tests: the real one over the test database (the
 * adapter itself never sees the database), at a fixed instant on the sample papers' day.
 */
export function discordTestCore(db: Kysely<Database>, clockIso = '2024-05-24T12:00:00Z'): Core {
  return createCore({ storage: createStorage(db), log: silentLog, clock: fixedClock(clockIso) });
}

export interface Harness {
  fake: FakeDiscord;
  bot: DiscordBot;
  core: Core;
  token: string;
  lines: string[];
  close(): Promise<void>;
}

/** A fake Discord and the real adapter logged in to it, running a core over a test database. */
export interface HarnessOptions {
  /** Wraps the core the adapter runs on (to record or extend what it is asked). */
  wrapCore?: (core: Core) => Core;
  deferAfterMs?: number;
  guildId?: string;
}

export async function startHarness(db: Kysely<Database>, options: HarnessOptions = {}): Promise<Harness> {
  const token = fakeToken();
  const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID });
  const { log, lines } = captureLog();
  const real = discordTestCore(db);
  const core = options.wrapCore ? options.wrapCore(real) : real;
  const bot = await startDiscord({
    config: { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiRoot, DISCORD_GUILD_ID: options.guildId },
    core,
    log,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  return {
    fake,
    bot,
    core,
    token,
    lines,
    async close() {
      await bot.stop();
      await fake.close();
    },
  };
}

/**
 * Starts the harness for the enclosing describe block over its test database and closes it
 * afterwards. Read its fields inside tests or hooks, not at collection time.
 */
export function useDiscordHarness(t: { readonly db: Kysely<Database> }, options: HarnessOptions = {}): Omit<Harness, 'close'> {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(t.db, options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  const started = (): Harness => {
    if (!harness) throw new Error('Discord harness not started yet: use it inside a test or hook');
    return harness;
  };
  return {
    get fake() {
      return started().fake;
    },
    get bot() {
      return started().bot;
    },
    get core() {
      return started().core;
    },
    get token() {
      return started().token;
    },
    get lines() {
      return started().lines;
    },
  };
}
