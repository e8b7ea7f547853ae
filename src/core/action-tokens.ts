import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Prefix that marks a button payload as a stored token rather than inline command text. */
export const TOKEN_PREFIX = '~';

/**
 * A short, stable token for an action command too long for a platform's button payload
 * (Telegram's 64-byte callback_data). The same command always gets the same token.
 */
export async function tokenForCommand(db: Kysely<Database>, command: string): Promise<string> {
  const token = TOKEN_PREFIX + createHash('sha256').update(command).digest('base64url').slice(0, 16);
  await db
    .insertInto('action_tokens')
    .values({ token, command })
    .onConflict((oc) => oc.column('token').doNothing())
    .execute();
  return token;
}

/** The command behind a token, or undefined if it was never stored. */
export async function commandForToken(db: Kysely<Database>, token: string): Promise<string | undefined> {
  const row = await db.selectFrom('action_tokens').select('command').where('token', '=', token).executeTakeFirst();
  return row?.command;
}
