import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Action } from '../answer.ts';
import { parseCommandCall } from '../commands/index.ts';
import type { ActionTokenStore } from '../ports/action-token-store.ts';

/** Marks a payload as a stored token rather than an inline action. */
export const TOKEN_PREFIX = '~';

/**
 * Turns typed actions into button payloads and back. A payload is a short readable text
 * (`vote 2401.01234 up`, `follow grokking`, `similar 2401.01234`, `page next search {"query":"x","page":2}`); one
 * longer than the platform allows is stored and replaced by a token (`~` and 16 characters).
 * Payloads come back from the platform untrusted, so decoding validates them.
 */
export interface ActionCodec {
  /** The payload for `action`, at most `maxBytes` bytes of UTF-8 (a token when the inline form is longer). */
  encode(action: Action, maxBytes: number): Promise<string>;
  /** The action behind a payload, or undefined when it is not one (an unknown token, a foreign or damaged payload). */
  decode(payload: string): Promise<Action | undefined>;
}

const VOTE = /^vote (\S{1,64}) (up|down|clear)$/;
const FOLLOW = /^(follow|unfollow) (.{1,200})$/s;
const SIMILAR = /^similar (\S{1,64})$/;
const PAGE = /^page (next|prev) ([a-z][a-z-]{0,31}) (\{.*\})$/s;
const pageArgs = z.record(z.string(), z.unknown());

/**
 * The codec over a token store. Payloads of buttons posted before actions were typed (plain
 * command text such as `search grokking 2`) are read as the command they name, so they keep working.
 */
export function createActionCodec(tokens: ActionTokenStore): ActionCodec {
  async function encode(action: Action, maxBytes: number): Promise<string> {
    const inline = inlinePayload(action);
    if (Buffer.byteLength(inline, 'utf8') <= maxBytes) return inline;
    const token = TOKEN_PREFIX + createHash('sha256').update(inline).digest('base64url').slice(0, 16);
    await tokens.put(token, inline);
    return token;
  }

  async function decode(payload: string): Promise<Action | undefined> {
    if (payload.startsWith(TOKEN_PREFIX)) {
      const stored = await tokens.get(payload);
      return stored === undefined || stored.startsWith(TOKEN_PREFIX) ? undefined : decodeInline(stored);
    }
    return decodeInline(payload);
  }

  function decodeInline(payload: string): Action | undefined {
    const vote = VOTE.exec(payload);
    if (vote) return { kind: 'vote', paperId: vote[1]!, vote: vote[2] as 'up' | 'down' | 'clear' };
    const follow = FOLLOW.exec(payload);
    if (follow) return { kind: 'follow', topic: follow[2]!.trim(), follow: follow[1] === 'follow' };
    const similar = SIMILAR.exec(payload);
    if (similar) return { kind: 'similar', paperId: similar[1]! };
    const page = PAGE.exec(payload);
    if (page) {
      const args = parseJson(page[3]!);
      return args === undefined ? undefined : { kind: 'page', direction: page[1] as 'next' | 'prev', call: { command: page[2]!, args } };
    }
    // A button from before typed actions: its payload was the command text a click ran.
    const call = parseCommandCall(payload);
    return call && { kind: 'page', direction: 'next', call };
  }

  return { encode, decode };
}

function inlinePayload(action: Action): string {
  switch (action.kind) {
    case 'vote':
      return `vote ${action.paperId} ${action.vote}`;
    case 'follow':
      return `${action.follow ? 'follow' : 'unfollow'} ${action.topic}`;
    case 'page':
      return `page ${action.direction} ${action.call.command} ${JSON.stringify(action.call.args)}`;
    case 'similar':
      return `similar ${action.paperId}`;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = pageArgs.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
