import { type Logger as BoltLogger, LogLevel, webApi } from '@slack/bolt';
import { type Logger, redact } from '../../logger.ts';

/** How long one Web API call may take. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * The Web API client options paperboy uses: the API root (`SLACK_API_ROOT`, a fake in tests),
 * our logger, a timeout, and few retries (5xx and network errors twice, quickly; the SDK's
 * default keeps retrying for about 30 minutes). `forDelivery`: rate limits are not waited
 * out inside the client but rejected at once, so the delivery port can report them to the
 * scheduler as `retry-after`, and nothing is retried (later passes do that).
 */
export function webClientOptions(options: { apiRoot: string; logger: BoltLogger; forDelivery?: boolean }): webApi.WebClientOptions {
  return {
    slackApiUrl: `${options.apiRoot.replace(/\/+$/, '')}/`,
    logger: options.logger,
    timeout: CALL_TIMEOUT_MS,
    retryConfig: options.forDelivery ? { retries: 0 } : { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    ...(options.forDelivery ? { rejectRateLimitedCalls: true } : {}),
  };
}

/** A Web API client that only posts (for `paperboy deliver` and the delivery port). */
export function createDeliveryClient(options: { token: string; apiRoot: string; log: Logger; secrets: readonly string[] }): webApi.WebClient {
  const logger = boltLogger(options.log, options.secrets);
  return new webApi.WebClient(options.token, webClientOptions({ apiRoot: options.apiRoot, logger, forDelivery: true }));
}

/**
 * Bolt's and the Web API's logger interface over pino, every line redacted. Their debug output
 * (which includes whole request payloads) goes to pino's trace level.
 */
export function boltLogger(log: Logger, secrets: readonly string[]): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    redact(
      parts.map((part) => (part instanceof Error ? `${part.name}: ${part.message}` : typeof part === 'string' ? part : safeJson(part))).join(' '),
      secrets,
    );
  return {
    debug: (...parts) => log.trace({ from: 'bolt' }, text(parts)),
    info: (...parts) => log.debug({ from: 'bolt' }, text(parts)),
    warn: (...parts) => log.warn({ from: 'bolt' }, text(parts)),
    error: (...parts) => log.error({ from: 'bolt' }, text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
