import { Api, type Transformer } from 'grammy';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Answer } from '../../core/answer.ts';
import type { DeliveryPort, SendResult } from '../../core/delivery-port.ts';
import { describeRecipient, type RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { deliveryRetry, logFailedCalls, messageThrottler, type TelegramLimits } from './api-plugins.ts';
import { TELEGRAM } from './chat-context.ts';
import { toInlineKeyboard } from './keyboard.ts';
import { renderAnswer } from './render.ts';
import { describeError, sendFailure } from './telegram-errors.ts';

/** How many messages one scheduled post may take before cards are dropped (listed by id). */
export const MAX_MESSAGES_PER_POST = 4;

export interface TelegramDeliveryOptions {
  /** The bot token to post with. */
  token: string;
  /** Bot API server, without a trailing slash. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Encodes the buttons' actions into `callback_data` (`Core.actions`, or a codec over the same token store). */
  actions: ActionCodec;
  log: Logger;
  /** Everything to redact from logs and results besides the token (which is always redacted). */
  secrets?: readonly string[];
  /** Flood limits, when the port gets its own throttler. Default `TELEGRAM_LIMITS`. Ignored when `throttle` is given. */
  limits?: Partial<TelegramLimits>;
  /**
   * The throttler to post through. Pass the one the bot replies through (`messageThrottler`)
   * so chat replies and scheduled posts share Telegram's limits; default a throttler of the port's own.
   */
  throttle?: Transformer;
}

/**
 * The delivery port for scheduled posts to Telegram chats. Needs neither a Core nor a
 * running bot (the `paperboy deliver` CLI posts with it alone): it builds its own Api,
 * whose calls pass through, innermost first, a logger of failed calls (secrets redacted),
 * `deliveryRetry()` and the throttler. Renders the answer (split
 * between cards when it is long) and posts it with its 👍/👎 keyboard. Never throws:
 * 429 → retry-after, 400 migrate_to_chat_id → migrated, 403 / chat not found → gone,
 * 5xx and network → failed (retryable). If the first message went out and a later part
 * fails, the post counts as delivered (the failure is logged) so it is not sent twice.
 */
export function createTelegramDeliveryPort(options: TelegramDeliveryOptions): DeliveryPort {
  const { token, actions, log } = options;
  const secrets = [...new Set([token, ...(options.secrets ?? [])])];
  const api = new Api(token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  api.config.use(logFailedCalls(log, secrets), deliveryRetry(), options.throttle ?? messageThrottler(options.limits));
  return {
    platform: TELEGRAM,
    async send(target: RecipientRef, answer: Answer): Promise<SendResult> {
      if (target.platform !== TELEGRAM) {
        return { status: 'failed', reason: `not a Telegram recipient: ${describeRecipient(target)}`, retryable: false };
      }
      const chatId = /^-?\d+$/.test(target.externalId) ? Number(target.externalId) : target.externalId;
      let sent = 0;
      try {
        for (const message of renderAnswer(answer, { maxMessages: MAX_MESSAGES_PER_POST })) {
          const reply_markup = await toInlineKeyboard(actions, message.keyboard);
          await api.sendMessage(chatId, message.html, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(reply_markup ? { reply_markup } : {}),
          });
          sent++;
        }
        return { status: 'ok' };
      } catch (error) {
        if (sent > 0) {
          log.warn({ recipient: describeRecipient(target), sent, error: describeError(error, secrets) }, 'telegram post only partly sent');
          return { status: 'ok' };
        }
        const result = sendFailure(error, secrets);
        log.info({ recipient: describeRecipient(target), result }, 'telegram post not delivered');
        return result;
      }
    },
  };
}
