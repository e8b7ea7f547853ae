import { GrammyError, HttpError } from 'grammy';
import type { SendResult } from '../../core/delivery-port.ts';
import { redact } from '../../logger.ts';

/**
 * A one-line description of any error, safe to log or show: grammY's `HttpError` wraps
 * the fetch error whose message holds the request URL, and so the bot token. Every
 * secret is redacted; the cause chain is included (redacted) because it says what broke.
 */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current instanceof HttpError ? current.error : current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return redact(parts.join(' ← '), secrets);
}

/** True for the harmless 400 Telegram returns when an edit would change nothing. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/**
 * 400 descriptions that mean the chat is gone for good (deleted, never existed, bot removed),
 * or that the bot may not post there any more (a channel admin took its Post messages right).
 */
const GONE_DESCRIPTIONS =
  /chat not found|peer_id_invalid|user not found|group chat was deactivated|chat was deleted|bot was kicked|not a member|need administrator rights|not enough rights to send/i;

/**
 * Maps an error from a send onto the delivery port's outcomes:
 * 429 → retry-after (`parameters.retry_after` seconds); 400 with
 * `parameters.migrate_to_chat_id` → migrated; 403 (blocked, kicked, deactivated) or
 * 400 "chat not found" → gone; 5xx and network errors → failed, retryable; anything
 * else (a 400 for a malformed message, 401 bad token) → failed, not retryable.
 */
export function sendFailure(error: unknown, secrets: readonly string[]): SendResult {
  if (error instanceof GrammyError) {
    const description = redact(error.description, secrets);
    const parameters = error.parameters ?? {};
    if (error.error_code === 429) return { status: 'retry-after', retryAfterMs: Math.max(1, parameters.retry_after ?? 5) * 1000 };
    if (typeof parameters.migrate_to_chat_id === 'number') return { status: 'migrated', newExternalId: String(parameters.migrate_to_chat_id) };
    if (error.error_code === 403) return { status: 'gone', reason: description };
    if (error.error_code === 400 && GONE_DESCRIPTIONS.test(error.description)) return { status: 'gone', reason: description };
    if (error.error_code >= 500) return { status: 'failed', reason: description, retryable: true };
    return { status: 'failed', reason: `${error.error_code}: ${description}`, retryable: false };
  }
  if (error instanceof HttpError) return { status: 'failed', reason: describeError(error, secrets), retryable: true };
  return { status: 'failed', reason: describeError(error, secrets), retryable: false };
}
