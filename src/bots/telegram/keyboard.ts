import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Action, Vote } from '../../core/answer.ts';
import { followButton, markedVoteButton, type TelegramButton } from './render.ts';

/** Telegram's limit for `callback_data`, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

/** The `callback_data` for an action: the core's payload, a stored token when it would not fit in 64 bytes. */
export function callbackDataFor(codec: ActionCodec, action: Action): Promise<string> {
  return codec.encode(action, CALLBACK_DATA_LIMIT);
}

/** Turns rendered button rows into Telegram's inline keyboard; undefined when there are none. */
export async function toInlineKeyboard(codec: ActionCodec, rows: readonly TelegramButton[][]): Promise<InlineKeyboardMarkup | undefined> {
  if (rows.length === 0) return undefined;
  const inline_keyboard = await Promise.all(rows.map((row) => Promise.all(row.map((button) => toInlineButton(codec, button)))));
  return { inline_keyboard };
}

async function toInlineButton(codec: ActionCodec, button: TelegramButton): Promise<InlineKeyboardButton> {
  return { text: button.text, callback_data: await callbackDataFor(codec, button.action) };
}

/** The card number a vote button's label starts with ("3 👍" → "3 "), to keep when it is rebuilt. */
const NUMBER_PREFIX = /^\d+ /;

/**
 * The keyboard after a 👍/👎 click on `paperId`: the button of the chosen vote reads "👍 ✓"
 * and clears the vote when clicked again; the other votes as before. `vote` null (cleared)
 * unmarks both. The paper's buttons are found, and told apart, by their decoded actions (a
 * "clear" button stands for the direction its paper's other button does not have); only the
 * card number is kept from the old labels. Other buttons are untouched.
 */
export async function markVote(codec: ActionCodec, markup: InlineKeyboardMarkup, paperId: string, vote: Vote | null): Promise<InlineKeyboardMarkup> {
  const actions = await decodeButtons(codec, markup);
  const ours = (action: Action | undefined): action is Extract<Action, { kind: 'vote' }> => action?.kind === 'vote' && action.paperId === paperId;
  const mine = actions.flat().filter(ours);
  const unclaimed: Vote[] = (['up', 'down'] as const).filter((direction) => !mine.some((action) => action.vote === direction));
  return mapButtons(markup, actions, async (button, action) => {
    if (!ours(action)) return button;
    const direction = action.vote === 'clear' ? unclaimed.shift() : action.vote;
    if (direction === undefined) return button;
    const prefix = NUMBER_PREFIX.exec(button.text)?.[0] ?? '';
    return toInlineButton(codec, markedVoteButton(prefix, paperId, direction, direction === vote));
  });
}

/**
 * The keyboard after a Follow / Unfollow click on `topic`: its buttons (found by their
 * decoded actions) flip to the opposite action for the same topic. Other buttons are untouched.
 */
export async function markFollow(codec: ActionCodec, markup: InlineKeyboardMarkup, topic: string, nowFollowing: boolean): Promise<InlineKeyboardMarkup> {
  const actions = await decodeButtons(codec, markup);
  const replacement = followButton({ kind: 'follow', topic, follow: !nowFollowing });
  return mapButtons(markup, actions, async (button, action) =>
    action?.kind === 'follow' && action.topic === topic ? toInlineButton(codec, replacement) : button,
  );
}

/** The action behind each button of a posted keyboard (undefined for links and payloads that are not ours). */
function decodeButtons(codec: ActionCodec, markup: InlineKeyboardMarkup): Promise<(Action | undefined)[][]> {
  return Promise.all(
    markup.inline_keyboard.map((row) =>
      Promise.all(row.map((button) => ('callback_data' in button && button.callback_data ? codec.decode(button.callback_data) : undefined))),
    ),
  );
}

/** Rebuilds a keyboard button by button, in order; `actions` are the buttons' decoded actions. */
async function mapButtons(
  markup: InlineKeyboardMarkup,
  actions: readonly (readonly (Action | undefined)[])[],
  change: (button: InlineKeyboardButton, action: Action | undefined) => Promise<InlineKeyboardButton>,
): Promise<InlineKeyboardMarkup> {
  const inline_keyboard: InlineKeyboardButton[][] = [];
  for (const [r, row] of markup.inline_keyboard.entries()) {
    const next: InlineKeyboardButton[] = [];
    for (const [b, button] of row.entries()) next.push(await change(button, actions[r]?.[b]));
    inline_keyboard.push(next);
  }
  return { inline_keyboard };
}
