import { createHash } from 'node:crypto';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { type Bot, GrammyError, HttpError } from 'grammy';
import { type Env, secretsOf } from '../../config.ts';
import type { Core } from '../../core/core.ts';
import type { DeliveryPort } from '../../core/delivery-port.ts';
import type { Logger } from '../../logger.ts';
import type { TelegramLimits } from './api-plugins.ts';
import { createTelegramBot } from './bot.ts';
import { describeError } from './telegram-errors.ts';
import { startWebhookServer } from './webhook-server.ts';

/**
 * The update kinds the bot handles; everything else is not even fetched. `channel_post`: commands
 * posted in a channel; `my_chat_member`: the bot was added to or removed from a chat, its rights
 * changed, or a user blocked or unblocked it.
 */
export const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query', 'my_chat_member'] as const;

/** Thrown when the Telegram adapter cannot start; the message never contains the token. */
export class TelegramStartError extends Error {
  override name = 'TelegramStartError';
}

/** How long `stop()` waits for updates still being handled. */
const DRAIN_MS = 10_000;

export interface StartTelegramOptions {
  /** Reads TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_URL / _SECRET / _PORT. */
  config: Env;
  core: Core;
  log: Logger;
  /** Flood limits; default Telegram's. Only tests and self-hosted Bot API servers change them. */
  limits?: Partial<TelegramLimits>;
  /** How long to keep retrying `getMe` while the Bot API is unreachable or failing (5xx) at start. Default 30 s. */
  startTimeoutMs?: number;
}

/** The running Telegram adapter. */
export interface TelegramService {
  /** The delivery port for scheduled posts (`platform: 'telegram'`). */
  port: DeliveryPort;
  /** Stops taking updates (polling or webhook server) and waits up to 10 s for those in flight. Idempotent. */
  stop(): Promise<void>;
  /** In webhook mode: the public URL registered with Telegram and the local port listening. */
  webhook?: { url: string; port: number };
  /** The grammY bot, for diagnostics. */
  bot: Bot;
  /** Whether updates are being taken (the runner polls, or the webhook server listens); for /healthz. */
  connected(): boolean;
}

/**
 * Starts the Telegram adapter. Contract for `src/main.ts`:
 *
 * - Call only when `config.TELEGRAM_BOT_TOKEN` is set (it throws otherwise).
 * - Resolves once the bot is live: `getMe` succeeded (retried up to `startTimeoutMs`
 *   while the Bot API is unreachable), the command menu is registered
 *   (a failure there is only logged), and updates flow — by long polling with
 *   @grammyjs/runner (after `deleteWebhook`), or, when `TELEGRAM_WEBHOOK_URL` is set, by a
 *   node:http server on `TELEGRAM_WEBHOOK_PORT` after `setWebhook(url, secret_token)`.
 *   Run a reverse proxy with TLS in front of that port; Telegram only calls https URLs.
 *   The secret is `TELEGRAM_WEBHOOK_SECRET`, or, when unset, one derived from the token
 *   (the same on every instance, so several can sit behind one load balancer).
 * - Rejects with a `TelegramStartError` (token redacted from the message) when the Bot API
 *   cannot be reached or refuses the token; nothing is left running then.
 * - Register `port` with the scheduler; call `stop()` on SIGTERM before closing the db.
 *   `stop()` leaves the webhook registered, so other instances keep receiving updates.
 */
export async function startTelegram(options: StartTelegramOptions): Promise<TelegramService> {
  const { config, core } = options;
  const log = options.log.child({ platform: 'telegram' });
  const token = config.TELEGRAM_BOT_TOKEN;
  if (!token) throw new TelegramStartError('TELEGRAM_BOT_TOKEN must be set to start the Telegram bot.');
  const webhookSecret = config.TELEGRAM_WEBHOOK_SECRET ?? derivedWebhookSecret(token);
  const secrets = [...new Set([token, webhookSecret, ...secretsOf(config)])];
  const { bot, port, registerCommands } = createTelegramBot({
    token,
    apiRoot: config.TELEGRAM_API_ROOT,
    core,
    log,
    secrets,
    ...(options.limits ? { limits: options.limits } : {}),
  });

  try {
    bot.botInfo = await logIn(bot, options.startTimeoutMs ?? 30_000, log, secrets);
  } catch (error) {
    throw startError(`could not log in at ${config.TELEGRAM_API_ROOT} (getMe)`, error, secrets);
  }
  await registerCommands().catch((error: unknown) => log.warn({ error: describeError(error, secrets) }, 'telegram: setMyCommands failed'));

  if (config.TELEGRAM_WEBHOOK_URL) {
    const url = config.TELEGRAM_WEBHOOK_URL;
    const server = await startWebhookServer(bot, { port: config.TELEGRAM_WEBHOOK_PORT, secretToken: webhookSecret, log, secrets });
    try {
      await bot.api.setWebhook(url, { secret_token: webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    } catch (error) {
      await server.close();
      throw startError('setWebhook failed', error, secrets);
    }
    log.info({ bot: bot.botInfo.username, url, port: server.port }, 'telegram bot receiving updates by webhook');
    let stopping: Promise<void> | undefined;
    return {
      port,
      bot,
      webhook: { url, port: server.port },
      connected: () => stopping === undefined,
      stop: () => (stopping ??= server.close()),
    };
  }

  try {
    await bot.api.deleteWebhook();
  } catch (error) {
    throw startError('deleteWebhook failed', error, secrets);
  }
  const runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
  runner.task()?.catch((error: unknown) => {
    log.error({ error: describeError(error, secrets) }, 'telegram polling stopped (another instance polling with this token?)');
  });
  log.info({ bot: bot.botInfo.username }, 'telegram bot polling for updates');
  let stopping: Promise<void> | undefined;
  return { port, bot, connected: () => runner.isRunning(), stop: () => (stopping ??= stopRunner(runner)) };
}

/**
 * `getMe`, retried with backoff while the failure looks transient (network, 5xx, 429)
 * until `timeoutMs` has passed; a refused token fails at once. grammY's own `bot.init()`
 * would retry network errors forever, which would hang the start.
 */
async function logIn(bot: Bot, timeoutMs: number, log: Logger, secrets: readonly string[]): Promise<Bot['botInfo']> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await bot.api.getMe();
    } catch (error) {
      const transient = error instanceof HttpError || (error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429));
      if (!transient || Date.now() + delay > deadline) throw error;
      log.warn({ error: describeError(error, secrets), retryInMs: delay }, 'telegram: Bot API not reachable yet');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function startError(what: string, error: unknown, secrets: readonly string[]): TelegramStartError {
  return new TelegramStartError(`Telegram: ${what}: ${describeError(error, secrets)}`);
}

async function stopRunner(runner: RunnerHandle): Promise<void> {
  if (runner.isRunning()) await runner.stop();
  const deadline = Date.now() + DRAIN_MS;
  while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** A webhook secret derived from the token: stable across instances, useless without the token. */
export function derivedWebhookSecret(token: string): string {
  return createHash('sha256').update(`paperboy telegram webhook\n${token}`).digest('base64url');
}
