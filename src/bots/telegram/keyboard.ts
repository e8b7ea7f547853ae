import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Kysely } from 'kysely';
import { TOKEN_PREFIX, commandForToken, tokenForCommand } from '../../core/action-tokens.ts';
import type { Vote } from '../../core/answer.ts';
import type { Database } from '../../db/schema.ts';
import { shorten } from './html.ts';
import { CHOSEN_MARK, type TelegramButton } from './render.ts';

/** Telegram's limit for `callback_data`, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

/**
 * The `callback_data` for a button's command: the command text itself when it fits in
 * 64 bytes (and cannot be mistaken for a token), else a stored token.
 */
export async function callbackDataFor(db: Kysely<Database>, command: string): Promise<string> {
  if (Buffer.byteLength(command, 'utf8') <= CALLBACK_DATA_LIMIT && !command.startsWith(TOKEN_PREFIX)) return command;
  return tokenForCommand(db, command);
}

/** The command behind a button's `callback_data`, or undefined for an unknown token. */
export async function commandForCallbackData(db: Kysely<Database>, data: string): Promise<string | undefined> {
  return data.startsWith(TOKEN_PREFIX) ? commandForToken(db, data) : data;
}

/** Turns rendered button rows into Telegram's inline keyboard; undefined when there are none. */
export async function toInlineKeyboard(db: Kysely<Database>, rows: readonly TelegramButton[][]): Promise<InlineKeyboardMarkup | undefined> {
  if (rows.length === 0) return undefined;
  const inline_keyboard = await Promise.all(
    rows.map((row) => Promise.all(row.map(async (button) => ({ text: button.text, callback_data: await callbackDataFor(db, button.command) })))),
  );
  return { inline_keyboard };
}

const VOTE_DATA = /^vote (\S+) (up|down|clear)$/;

/**
 * The keyboard after a 👍/👎 click on `paperId`: the chosen button reads "👍 ✓" and
 * clears the vote when clicked again; the other button votes as before. `vote` null
 * (cleared) unmarks both. Other rows are untouched.
 */
export function markVote(markup: InlineKeyboardMarkup, paperId: string, vote: Vote | null): InlineKeyboardMarkup {
  return mapButtons(markup, (button) => {
    const data = 'callback_data' in button ? button.callback_data : undefined;
    const match = data ? VOTE_DATA.exec(data) : null;
    if (!match || match[1] !== paperId) return button;
    const kind: Vote = button.text.includes('👍') ? 'up' : 'down';
    const base = button.text.endsWith(CHOSEN_MARK) ? button.text.slice(0, -CHOSEN_MARK.length) : button.text;
    return kind === vote
      ? { text: base + CHOSEN_MARK, callback_data: `vote ${paperId} clear` }
      : { text: base, callback_data: `vote ${paperId} ${kind}` };
  });
}

/**
 * The keyboard after a Follow / Unfollow button click: the clicked button (found by its
 * callback_data) flips to the opposite action for the same topic.
 */
export async function markFollow(
  db: Kysely<Database>,
  markup: InlineKeyboardMarkup,
  clickedData: string,
  topic: string,
  nowFollowing: boolean,
): Promise<InlineKeyboardMarkup> {
  const replacement = nowFollowing
    ? { text: shorten(`✓ Following “${topic}”`, 60), callback_data: await callbackDataFor(db, `unfollow ${topic}`) }
    : { text: shorten(`Follow “${topic}”`, 60), callback_data: await callbackDataFor(db, `follow ${topic}`) };
  return mapButtons(markup, (button) => ('callback_data' in button && button.callback_data === clickedData ? replacement : button));
}

function mapButtons(markup: InlineKeyboardMarkup, change: (button: InlineKeyboardButton) => InlineKeyboardButton): InlineKeyboardMarkup {
  return { inline_keyboard: markup.inline_keyboard.map((row) => row.map(change)) };
}
