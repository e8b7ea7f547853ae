import { sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { Core } from '../../core/core.ts';
import type { DeliveryPort } from '../../core/delivery-port.ts';
import type { Logger } from '../../logger.ts';
import { logFailedCalls, messageThrottler, replyRetry, type TelegramLimits } from './api-plugins.ts';
import { commandMenu } from './command-menu.ts';
import { createTelegramDeliveryPort } from './delivery.ts';
import { createDispatcher } from './dispatch.ts';
import { createMembershipHandler } from './membership.ts';
import { describeError } from './telegram-errors.ts';

export interface TelegramBotOptions {
  token: string;
  /** Bot API server, without a trailing slash. Default `https://api.telegram.org`. */
  apiRoot?: string;
  core: Core;
  log: Logger;
  /** Everything to redact from logs and errors besides the token (webhook secret, database password). */
  secrets?: readonly string[];
  /** Flood limits for the throttler. Default `TELEGRAM_LIMITS` (Telegram's own). */
  limits?: Partial<TelegramLimits>;
}

/** The assembled adapter: the grammY bot, the delivery port for scheduled posts, and the command menu. */
export interface TelegramBot {
  /** The grammY bot, middleware installed; start it with the runner or a webhook (see `startTelegram`). */
  bot: Bot;
  /** Posts answers to chats for the scheduler. Shares the bot's throttler (see `createTelegramDeliveryPort`). */
  port: DeliveryPort;
  /** Registers the command menu (`setMyCommands`) from the core's registry. */
  registerCommands(): Promise<void>;
}

/**
 * Builds the Telegram adapter over the core without starting it. Outgoing calls pass
 * through, innermost first: a logger of failed calls (secrets redacted), auto-retry
 * (chat replies wait out 429s up to a minute and retry 5xx; scheduled posts only wait
 * short 429s) and one throttler shared by both, so replies and digests together stay
 * within ≈30 messages/s, ≈1/s per chat and 20/min per group. Updates from one chat are
 * handled in order (runner `sequentialize`), different chats concurrently.
 */
export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const { token, core, log } = options;
  const secrets = [...new Set([token, ...(options.secrets ?? [])])];
  const throttle = messageThrottler(options.limits);

  const bot = new Bot(token, { client: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  bot.api.config.use(logFailedCalls(log, secrets), replyRetry(), throttle);

  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(createMembershipHandler({ core, log, secrets }));
  bot.use(createDispatcher({ core, log, secrets }));
  bot.catch((error) => {
    log.error({ updateId: error.ctx.update.update_id, error: describeError(error.error, secrets) }, 'telegram update failed');
  });

  return {
    bot,
    port: createTelegramDeliveryPort({ token, apiRoot: options.apiRoot, actions: core.actions, log, secrets, throttle }),
    async registerCommands() {
      await bot.api.setMyCommands(commandMenu(core.commands));
    },
  };
}
