import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Action, Answer } from '../../core/answer.ts';

/** Marks our buttons; anything else clicked on a message is not ours to handle. */
export const CUSTOM_ID_PREFIX = 'pb:';
/** Discord's limit on a component's custom_id. */
export const MAX_CUSTOM_ID_LENGTH = 100;

/**
 * A stable key for an action (same action, same key, whatever the order its fields were
 * written in): how `renderAnswer` finds the custom_id computed for it beforehand.
 */
export function actionKey(action: Action): string {
  return stableJson(action);
}

/**
 * The custom_id of a button for `action`: our prefix and the core's payload for it, which
 * the core's codec keeps within what is left of Discord's 100 characters (a stored token
 * when the readable form is longer). The codec counts UTF-8 bytes, never fewer than characters.
 */
export async function customIdFor(actions: ActionCodec, action: Action): Promise<string> {
  return CUSTOM_ID_PREFIX + (await actions.encode(action, MAX_CUSTOM_ID_LENGTH - CUSTOM_ID_PREFIX.length));
}

/** Custom ids for every action of an answer, keyed by {@link actionKey} (for `renderAnswer`). */
export async function customIdsFor(actions: ActionCodec, answer: Answer): Promise<Map<string, string>> {
  const unique = new Map(answer.actions.map((action) => [actionKey(action), action]));
  const encoded = await Promise.all([...unique].map(async ([key, action]) => [key, await customIdFor(actions, action)] as const));
  return new Map(encoded);
}

/**
 * The action behind a clicked button: null when the custom_id is not one of ours,
 * undefined when it is ours but names no action any more (an unknown token, a damaged payload).
 */
export async function actionForCustomId(actions: ActionCodec, customId: string): Promise<Action | null | undefined> {
  if (!customId.startsWith(CUSTOM_ID_PREFIX)) return null;
  return actions.decode(customId.slice(CUSTOM_ID_PREFIX.length));
}

/** JSON with object keys sorted at every level. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
