import type { Api } from 'grammy';
import type { Kysely } from 'kysely';
import type { Answer } from '../../core/answer.ts';
import type { DeliveryPort, SendResult } from '../../core/delivery-port.ts';
import { type RecipientRef, describeRecipient } from '../../core/recipient.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import { TELEGRAM } from './chat-context.ts';
import { toInlineKeyboard } from './keyboard.ts';
import { renderAnswer } from './render.ts';
import { describeError, sendFailure } from './telegram-errors.ts';

/** How many messages one scheduled post may take before cards are dropped (listed by id). */
export const MAX_MESSAGES_PER_POST = 4;

export interface TelegramDeliveryOptions {
  /** An Api for posting: the bot's token, the shared throttler and `deliveryRetry()` installed. */
  api: Api;
  db: Kysely<Database>;
  log: Logger;
  secrets: readonly string[];
}

/**
 * The delivery port for scheduled posts to Telegram chats. Renders the answer (split
 * between cards when it is long) and posts it with its 👍/👎 keyboard. Never throws:
 * 429 → retry-after, 400 migrate_to_chat_id → migrated, 403 / chat not found → gone,
 * 5xx and network → failed (retryable). If the first message went out and a later part
 * fails, the post counts as delivered (the failure is logged) so it is not sent twice.
 */
export function createTelegramDeliveryPort(options: TelegramDeliveryOptions): DeliveryPort {
  const { api, db, log, secrets } = options;
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
          const reply_markup = await toInlineKeyboard(db, message.keyboard);
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
