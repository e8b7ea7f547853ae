import { webApi } from '@slack/bolt';
import type { SendResult } from '../../core/delivery-port.ts';
import { redact } from '../../logger.ts';

/**
 * Web API errors that mean the recipient cannot be posted to any more: the channel (or user)
 * does not exist or is not visible to the bot, the bot is not in the private channel, the
 * user was deactivated, the channel was archived.
 */
export const GONE_ERRORS: ReadonlySet<string> = new Set(['channel_not_found', 'not_in_channel', 'account_inactive', 'is_archived']);

/** Errors about the app itself (its token), which no retry fixes. */
const APP_ERRORS: ReadonlySet<string> = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive_app', 'missing_scope']);

/** The Web API's own error code (`channel_not_found`) of a platform error, if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (isCallError(error) && error.code === webApi.ErrorCode.PlatformError) return String(error.data.error);
  return undefined;
}

/**
 * A one-line description of any error, safe to log or show: every secret is redacted and the
 * cause chain included (the Web API wraps network errors).
 */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    if (current instanceof Error) {
      const code = slackErrorCode(current);
      parts.push(`${current.name}: ${current.message}${code && !current.message.includes(code) ? ` (${code})` : ''}`);
      current = isCallError(current) && current.code === webApi.ErrorCode.RequestError ? current.original : current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return redact(parts.join(' ← '), secrets);
}

/**
 * Maps an error from chat.postMessage onto the delivery port's outcomes: 429 → retry-after
 * (`Retry-After` seconds); `channel_not_found`, `not_in_channel`, `account_inactive`,
 * `is_archived` → gone; a bad token or missing scope → failed, not retryable; 5xx, network
 * errors and timeouts → failed, retryable; anything else Slack refused (invalid_blocks,
 * msg_too_long) → failed, not retryable.
 */
export function sendFailure(error: unknown, secrets: readonly string[]): SendResult {
  if (isCallError(error)) {
    switch (error.code) {
      case webApi.ErrorCode.RateLimitedError:
        return { status: 'retry-after', retryAfterMs: Math.max(1, error.retryAfter) * 1000 };
      case webApi.ErrorCode.PlatformError: {
        const code = String(error.data.error);
        if (GONE_ERRORS.has(code)) return { status: 'gone', reason: `slack: ${code}` };
        if (APP_ERRORS.has(code)) return { status: 'failed', reason: `slack: ${code} (check SLACK_BOT_TOKEN and the app's scopes)`, retryable: false };
        if (code === 'internal_error' || code === 'fatal_error' || code === 'service_unavailable' || code === 'request_timeout') {
          return { status: 'failed', reason: `slack: ${code}`, retryable: true };
        }
        return { status: 'failed', reason: `slack: ${code}`, retryable: false };
      }
      case webApi.ErrorCode.HTTPError:
        return { status: 'failed', reason: describeError(error, secrets), retryable: error.statusCode >= 500 || error.statusCode === 408 };
      case webApi.ErrorCode.RequestError:
        return { status: 'failed', reason: describeError(error, secrets), retryable: true };
    }
  }
  return { status: 'failed', reason: describeError(error, secrets), retryable: false };
}

function isCallError(error: unknown): error is webApi.WebAPICallError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('slack_webapi_');
}
