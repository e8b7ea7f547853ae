import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import type { SendResult } from '../../core/delivery-port.ts';
import { redact } from '../../logger.ts';

/**
 * Discord error codes after which a recipient cannot be reached until someone acts:
 * the channel or user is gone, or the bot lost access or was blocked.
 */
export const GONE_CODES: ReadonlyMap<number, string> = new Map([
  [RESTJSONErrorCodes.UnknownChannel, 'unknown channel (deleted)'],
  [RESTJSONErrorCodes.UnknownUser, 'unknown user'],
  [RESTJSONErrorCodes.UnknownGuild, 'unknown server (bot removed)'],
  [RESTJSONErrorCodes.MissingAccess, 'missing access to the channel'],
  [RESTJSONErrorCodes.MissingPermissions, 'missing permissions in the channel'],
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser, 'cannot send messages to this user (DMs closed or bot blocked)'],
  [RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel, 'not a text channel'],
  [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds, 'no server in common with this user any more'],
  [RESTJSONErrorCodes.ThreadLocked, 'thread is locked'],
]);

/** Maps an error from a send onto the delivery port's outcome. The reason is redacted. */
export function sendResultFor(error: unknown, secrets: readonly string[]): SendResult {
  if (error instanceof RateLimitError) {
    return { status: 'retry-after', retryAfterMs: Math.max(error.retryAfter, error.timeToReset, 1000) };
  }
  if (error instanceof DiscordAPIError) {
    const gone = typeof error.code === 'number' ? GONE_CODES.get(error.code) : undefined;
    if (gone) return { status: 'gone', reason: `${gone} (Discord ${error.code})` };
    const retryable = error.status === 429 || error.status >= 500;
    return { status: 'failed', reason: redact(`Discord ${error.status} ${error.code}: ${error.message}`, secrets), retryable };
  }
  if (error instanceof HTTPError) {
    return { status: 'failed', reason: `Discord HTTP ${error.status}`, retryable: error.status >= 500 || error.status === 408 };
  }
  return { status: 'failed', reason: redact(describe(error), secrets), retryable: true };
}

/**
 * A log-safe view of an error: name, message, code and status, with every secret (and
 * its URL-encoded form) redacted. Log this instead of the raw error, which may carry
 * request URLs, headers or bodies.
 */
export function safeError(error: unknown, secrets: readonly string[]): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redact(String(error), secrets) };
  const info: Record<string, unknown> = { name: error.name, message: redact(error.message, secrets) };
  const extra = error as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown };
  if (extra.code !== undefined) info.code = extra.code;
  if (typeof extra.status === 'number') info.status = extra.status;
  if (typeof extra.method === 'string') info.method = extra.method;
  if (typeof extra.url === 'string') info.url = redactPath(redact(extra.url, secrets));
  if (error.stack) info.stack = redact(error.stack, secrets);
  return info;
}

/** Interaction and webhook tokens sit in URL paths; they are short-lived but still secrets. */
function redactPath(url: string): string {
  return url.replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/?]+/g, '/$1/[token]');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}: ${error.message}${code ? ` (${String(code)})` : ''}`;
  }
  return String(error);
}
