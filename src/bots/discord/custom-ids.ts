import type { Kysely } from 'kysely';
import { TOKEN_PREFIX, commandForToken, tokenForCommand } from '../../core/action-tokens.ts';
import type { Answer } from '../../core/answer.ts';
import type { Database } from '../../db/schema.ts';

/** Marks our buttons; anything else clicked on a message is not ours to handle. */
export const CUSTOM_ID_PREFIX = 'pb:';
/** Discord's limit on a component's custom_id. */
export const MAX_CUSTOM_ID_LENGTH = 100;

/**
 * The custom_id of a button that runs `command`: the command text itself when it fits
 * (`pb:search grokking 2`), else a stored token (`pb:~AbC…`) from the core's action tokens.
 */
export async function customIdFor(db: Kysely<Database>, command: string): Promise<string> {
  const inline = CUSTOM_ID_PREFIX + command;
  if (inline.length <= MAX_CUSTOM_ID_LENGTH && !command.startsWith(TOKEN_PREFIX)) return inline;
  return CUSTOM_ID_PREFIX + (await tokenForCommand(db, command));
}

/** Custom ids for every action of an answer, keyed by command text (for `renderAnswer`). */
export async function customIdsFor(db: Kysely<Database>, answer: Answer): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const action of answer.actions) {
    if (!ids.has(action.command)) ids.set(action.command, await customIdFor(db, action.command));
  }
  return ids;
}

/**
 * The command behind a clicked button: null when the id is not one of ours, undefined when
 * it is ours but its token is unknown (a button from a wiped database).
 */
export async function commandForCustomId(db: Kysely<Database>, customId: string): Promise<string | null | undefined> {
  if (!customId.startsWith(CUSTOM_ID_PREFIX)) return null;
  const rest = customId.slice(CUSTOM_ID_PREFIX.length);
  return rest.startsWith(TOKEN_PREFIX) ? commandForToken(db, rest) : rest;
}
