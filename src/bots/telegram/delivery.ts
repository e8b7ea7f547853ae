import { Api, type Transformer } from 'grammy';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Answer } from '../../core/answer.ts';
import type { DeliveryPort, SendOptions, SendResult } from '../../core/delivery-port.ts';
import { describeRecipient, type RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { deliveryRetry, logFailedCalls, messageThrottler, type TelegramLimits } from './api-plugins.ts';
import { TELEGRAM } from './chat-context.ts';
import { toInlineKeyboard } from './keyboard.ts';
import { linkPreviewOptions, renderAnswer } from './render.ts';
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
 * `deliveryRetry()` and the throttler. Renders the answer (split between cards when it is long,
 * the first card's picture as a large link preview above it) and posts it with its 👍/👎
 * keyboard. Never throws: 429 → retry-after, 400 migrate_to_chat_id → migrated, 403 / chat
 * not found → gone, 5xx and network → failed (retryable). If the first message went out and a later part
 * fails, the post counts as delivered (the failure is logged) so it is not sent twice.
 *
 * Stopping (`SendOptions.signal` aborted): a post still waiting in the throttler (a group's 20
 * messages a minute can hold one back for most of a minute) or in a short retry wait is given up
 * at once as `not-sent`; once one of its messages has left for the Bot API, the post is finished
 * and the request is never aborted, so its outcome is known.
 */
export function createTelegramDeliveryPort(options: TelegramDeliveryOptions): DeliveryPort {
  const { token, actions, log } = options;
  const secrets = [...new Set([token, ...(options.secrets ?? [])])];
  const api = new Api(token, options.apiRoot ? { apiRoot: options.apiRoot } : {});
  const handovers = new WeakMap<AbortSignal, Handover>();
  // Transformers run last-installed first: the throttler queues, auto-retry retries, the failed-call log logs, and the handover gate is where a call leaves.
  api.config.use(handoverGate(handovers), logFailedCalls(log, secrets), deliveryRetry(), options.throttle ?? messageThrottler(options.limits));
  return {
    platform: TELEGRAM,
    async send(target: RecipientRef, answer: Answer, sendOptions?: SendOptions): Promise<SendResult> {
      if (target.platform !== TELEGRAM) {
        return { status: 'failed', reason: `not a Telegram recipient: ${describeRecipient(target)}`, retryable: false };
      }
      const chatId = /^-?\d+$/.test(target.externalId) ? Number(target.externalId) : target.externalId;
      const handover = trackHandover(handovers, sendOptions?.signal);
      let sent = 0;
      try {
        // A post leads with its top pick's picture (when it has one).
        for (const message of renderAnswer(answer, { maxMessages: MAX_MESSAGES_PER_POST, leadImage: true })) {
          const reply_markup = await toInlineKeyboard(actions, message.keyboard);
          const call = api.sendMessage(
            chatId,
            message.html,
            { parse_mode: 'HTML', link_preview_options: linkPreviewOptions(message), ...(reply_markup ? { reply_markup } : {}) },
            // grammY types its signal with the abort-controller package; Node's is the same at runtime.
            handover?.key as Parameters<typeof api.sendMessage>[3],
          );
          if (handover && (await unlessStoppedFirst(call, handover)) === NOT_HANDED_OVER) throw new NotHandedOver();
          await call;
          sent++;
        }
        return { status: 'ok' };
      } catch (error) {
        if (error instanceof NotHandedOver && sent === 0) {
          log.info({ recipient: describeRecipient(target) }, 'stopping: telegram post not handed over, given back');
          return { status: 'not-sent', reason: 'stopped before the post reached Telegram' };
        }
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

/** The state of one post that may be stopped: `key` is the signal its Api calls carry. */
interface Handover {
  /** Aborted when the sender stops; identifies the post's calls to the handover gate. */
  key: AbortSignal;
  /** One of the post's messages has left for the Bot API: the post is finished, whatever happens. */
  handed: boolean;
}

const NOT_HANDED_OVER: unique symbol = Symbol('not handed over');

/** A stopping post was cut before any of it reached the Bot API. */
class NotHandedOver extends Error {
  override name = 'NotHandedOver';
}

/** A handover record for a post sent under `stopping`, or undefined when the send cannot be stopped. */
function trackHandover(handovers: WeakMap<AbortSignal, Handover>, stopping: AbortSignal | undefined): Handover | undefined {
  if (!stopping) return undefined;
  const controller = new AbortController();
  if (stopping.aborted) controller.abort();
  else stopping.addEventListener('abort', () => controller.abort(), { once: true });
  const handover = { key: controller.signal, handed: false };
  handovers.set(controller.signal, handover);
  return handover;
}

/**
 * The innermost transformer, right where a call leaves for the Bot API. A call of a stopping post
 * none of which has left yet is cut here (nothing reaches Telegram); otherwise it goes out without
 * the signal, so a request under way is never aborted and its answer is always read.
 */
function handoverGate(handovers: WeakMap<AbortSignal, Handover>): Transformer {
  return (prev, method, payload, signal) => {
    const handover = signal ? handovers.get(signal as unknown as AbortSignal) : undefined;
    if (!handover) return prev(method, payload, signal);
    if (handover.key.aborted && !handover.handed) throw new NotHandedOver();
    handover.handed = true;
    return prev(method, payload);
  };
}

/** `call`'s result, or NOT_HANDED_OVER as soon as the post stops while still queued (the call then ends at the gate). */
function unlessStoppedFirst<T>(call: Promise<T>, handover: Handover): Promise<T | typeof NOT_HANDED_OVER> {
  return new Promise((resolve, reject) => {
    const onStop = () => {
      if (handover.handed) return;
      call.catch(() => {});
      resolve(NOT_HANDED_OVER);
    };
    if (handover.key.aborted) onStop();
    else handover.key.addEventListener('abort', onStop, { once: true });
    call.then(resolve, reject).finally(() => handover.key.removeEventListener('abort', onStop));
  });
}
