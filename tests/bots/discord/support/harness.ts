import { afterAll, beforeAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { startDiscord, type DiscordBot } from '../../../../src/bots/discord/start.ts';
import type { Core } from '../../../../src/core/core.ts';
import type { Database } from '../../../../src/db/schema.ts';
import type { Logger } from '../../../../src/logger.ts';
import { FakeDiscord } from '../../../fakes/discord-server.ts';
import { testCore } from '../../../support/core.ts';

export const APPLICATION_ID = '1234567890123456789';
export const GUILD_ID = '1111111111111111111';

/** A token shaped like Discord's (base64 user id . timestamp . hmac), random per run. */
export function fakeToken(): string {
  return `MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.${randomBytes(5).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
}

/** Log lines captured as text (what would reach stderr), at trace level. */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

export interface Harness {
  fake: FakeDiscord;
  bot: DiscordBot;
  core: Core;
  token: string;
  lines: string[];
  close(): Promise<void>;
}

/** A fake Discord and the real adapter logged in to it, over a test database. */
export async function startHarness(db: Kysely<Database>, options: { core?: Core; deferAfterMs?: number; guildId?: string } = {}): Promise<Harness> {
  const token = fakeToken();
  const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID });
  const { log, lines } = captureLog();
  const core = options.core ?? testCore(db);
  const bot = await startDiscord({
    config: { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_ROOT: fake.apiRoot, DISCORD_GUILD_ID: options.guildId },
    core,
    db,
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
export function useDiscordHarness(t: { readonly db: Kysely<Database> }, options: Parameters<typeof startHarness>[1] = {}): Omit<Harness, 'close'> {
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
    get fake() { return started().fake; },
    get bot() { return started().bot; },
    get core() { return started().core; },
    get token() { return started().token; },
    get lines() { return started().lines; },
  };
}
