import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { Transformer } from 'grammy';
import type { Logger } from '../../logger.ts';
import { redact } from '../../logger.ts';
import { describeError } from './telegram-errors.ts';

/** Telegram's flood limits, as the throttler enforces them. */
export interface TelegramLimits {
  /** Messages per second over all chats. Default 30 (Telegram: about 30 for bulk sends). */
  globalPerSecond: number;
  /** Minimum gap between two messages into one chat, in ms. Default 1000 (Telegram: about 1 per second per chat). */
  perChatIntervalMs: number;
  /**
   * Messages per minute into one group or channel. Default 20 (Telegram: at most 20 per minute).
   * The throttler counts every negative chat id as a group's, so channels (-100…) are held to it
   * too; paperboy always posts by numeric id, never by @username.
   */
  groupPerMinute: number;
}

/** The limits Telegram documents; self-hosted Bot API servers and tests may pass looser ones. */
export const TELEGRAM_LIMITS: TelegramLimits = { globalPerSecond: 30, perChatIntervalMs: 1000, groupPerMinute: 20 };

/**
 * A throttler for methods that post messages (`send*`, `copyMessage(s)`, `forwardMessage(s)`).
 * Edits, callback answers and reads such as `getChatMember` pass straight through, so they
 * neither wait nor use up a group's 20 messages a minute. Share one instance between every
 * Api that posts as the same bot, so the limits hold across chat replies and digests.
 */
export function messageThrottler(limits: Partial<TelegramLimits> = {}): Transformer {
  const { globalPerSecond, perChatIntervalMs, groupPerMinute } = { ...TELEGRAM_LIMITS, ...limits };
  // The overall limit is a token bucket (most of a second's worth after a pause, then a fifth
  // of the limit every ~200 ms), not a reservoir refilled once a second: that let a burst at the end
  // of one second meet a full reservoir at the start of the next, 60 messages within moments,
  // and 10 % of a 10,000-digest fan-out came back 429 (docs/benchmarks.md). A step of a fifth
  // of the limit is added every 201 ms at the earliest (never faster than the limit); Bottleneck
  // adds it on its 10 ms heartbeat, so on average ~5 ms later: about 97 % of the limit. The
  // bucket holds one step less than a second's worth, because the next step may land right
  // after a burst has emptied it.
  const step = Math.max(1, Math.floor(globalPerSecond / 5));
  const burst = Math.max(1, globalPerSecond - step);
  const throttle = apiThrottler({
    global: {
      reservoir: burst,
      reservoirIncreaseAmount: step,
      reservoirIncreaseInterval: Math.ceil((1000 * step) / globalPerSecond) + 1,
      reservoirIncreaseMaximum: burst,
      heartbeatInterval: 10,
    },
    group: {
      maxConcurrent: 1,
      minTime: perChatIntervalMs,
      reservoir: groupPerMinute,
      reservoirRefreshAmount: groupPerMinute,
      reservoirRefreshInterval: 60_000,
    },
    out: { maxConcurrent: 1, minTime: perChatIntervalMs },
  });
  const pace = chatPacer(perChatIntervalMs);
  return (prev, method, payload, signal) =>
    /^(send|copyMessage|forwardMessage)/.test(method) ? throttle((m, p, s) => pace(prev, m, p, s), method, payload, signal) : prev(method, payload, signal);
}

/**
 * Spaces the messages into one chat by the interval (and 5 % more) counted from when each one
 * actually leaves, under the throttler. The throttler's per-chat limiter counts from when it lets
 * a message go, but the message may then still wait for the overall limit while the next one
 * does not: two messages of a post could arrive well under a second apart, and 23 % of a
 * channel-heavy fan-out's sends came back 429 (docs/benchmarks.md).
 */
function chatPacer(intervalMs: number): Transformer {
  const gap = Math.ceil(intervalMs * 1.05);
  const lastSent = new Map<string, number>();
  return async (prev, method, payload, signal) => {
    const chat = payload && 'chat_id' in payload ? String(payload.chat_id) : undefined;
    if (chat === undefined || gap === 0) return prev(method, payload, signal);
    const wait = (lastSent.get(chat) ?? Number.NEGATIVE_INFINITY) + gap - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = performance.now();
    lastSent.set(chat, now);
    if (lastSent.size > 10_000) for (const [key, at] of lastSent) if (at < now - gap) lastSent.delete(key);
    return prev(method, payload, signal);
  };
}

/** How chat replies retry: 429s up to a minute are waited out, 5xx retried a few times, network errors surface. */
export function replyRetry(): Transformer {
  return autoRetry({ maxDelaySeconds: 60, maxRetryAttempts: 3, rethrowHttpErrors: true });
}

/**
 * How scheduled posts retry: only short 429s are waited out; longer ones, 5xx and network
 * errors go back to the scheduler as `retry-after` / `failed`, which reschedules them.
 */
export function deliveryRetry(): Transformer {
  return autoRetry({ maxDelaySeconds: 5, maxRetryAttempts: 2, rethrowHttpErrors: true, rethrowInternalServerErrors: true });
}

/**
 * Logs every failed Bot API call (each attempt, so retries show) with secrets redacted.
 * "Message is not modified" is expected when an edit changes nothing and stays at debug.
 */
export function logFailedCalls(log: Logger, secrets: readonly string[]): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        const quiet = /message is not modified/i.test(result.description);
        log[quiet ? 'debug' : 'warn'](
          { method, errorCode: result.error_code, description: redact(result.description, secrets), parameters: result.parameters },
          'telegram call failed',
        );
      }
      return result;
    } catch (error) {
      if (!signal?.aborted) log.warn({ method, error: describeError(error, secrets) }, 'telegram call failed');
      throw error;
    }
  };
}
