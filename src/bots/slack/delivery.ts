import type { webApi } from '@slack/bolt';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Answer } from '../../core/answer.ts';
import type { DeliveryPort, SendOptions, SendResult } from '../../core/delivery-port.ts';
import { describeRecipient, type RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { SLACK } from './context.ts';
import { buttonValues, renderAnswer } from './render.ts';
import { sendFailure, slackErrorCode } from './slack-errors.ts';

/** Slack allows about one message a second into one channel (short bursts tolerated). */
export const CHANNEL_INTERVAL_MS = 1000;

export interface SlackDeliveryOptions {
  /** A Web API client made for delivery (`createDeliveryClient`: 429s rejected, not retried inside). */
  client: webApi.WebClient;
  /** Encodes the buttons' actions into values (`Core.actions`, or a codec over the same token store). */
  actions: ActionCodec;
  log: Logger;
  /** Redacted from logs and results (the tokens). */
  secrets: readonly string[];
  /** The gap kept between two posts into one channel. Default {@link CHANNEL_INTERVAL_MS}. */
  channelIntervalMs?: number;
}

/**
 * The delivery port for Slack: posts an answer with chat.postMessage into a channel, or into
 * the app's direct messages with a user (a user id as `channel`), never unfurling links. Keeps
 * about one post a second per channel; maps Slack's answers onto `SendResult` (429 →
 * retry-after with its `Retry-After`; channel_not_found, not_in_channel, account_inactive,
 * is_archived → gone, which pauses the subscription; see `sendFailure`). A post Slack refuses
 * as invalid_blocks while it shows thumbnails (Slack could not fetch an image) goes again
 * once without them. Never throws.
 *
 * Stopping (`SendOptions.signal` aborted) while a post still waits for its channel's turn:
 * `not-sent`. A request made is never aborted, so its outcome is recorded.
 */
export function createSlackDeliveryPort(options: SlackDeliveryOptions): DeliveryPort {
  const { client, actions, log, secrets } = options;
  const pace = channelPacer(options.channelIntervalMs ?? CHANNEL_INTERVAL_MS);

  async function send(target: RecipientRef, answer: Answer, sendOptions?: SendOptions): Promise<SendResult> {
    if (target.platform !== SLACK) return { status: 'failed', reason: `not a Slack recipient: ${describeRecipient(target)}`, retryable: false };
    const notSent: SendResult = { status: 'not-sent', reason: 'stopped before the post reached Slack' };
    const signal = sendOptions?.signal;
    try {
      const values = await buttonValues(actions, answer);
      if (!(await pace(target.externalId, signal))) return notSent;
      const post = (images: boolean) => {
        const message = renderAnswer(answer, values, { images });
        return {
          message,
          call: client.chat.postMessage({ channel: target.externalId, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
        };
      };
      const first = post(true);
      try {
        await first.call;
      } catch (error) {
        if (!(first.message.hasImages && slackErrorCode(error) === 'invalid_blocks')) throw error;
        log.info({ recipient: describeRecipient(target) }, 'slack refused the post with thumbnails; posting it without them');
        await post(false).call;
      }
      return { status: 'ok' };
    } catch (error) {
      const result = sendFailure(error, secrets);
      log.warn({ recipient: describeRecipient(target), result }, 'slack post not delivered');
      return result;
    }
  }

  return { platform: SLACK, send };
}

/**
 * Spaces posts into one channel by `intervalMs`, counted from when each one leaves. Resolves
 * true when it is the post's turn, false when `signal` aborted first (its turn is given back).
 */
function channelPacer(intervalMs: number): (channel: string, signal?: AbortSignal) => Promise<boolean> {
  const nextFree = new Map<string, number>();
  return async (channel, signal) => {
    if (signal?.aborted) return false;
    const now = performance.now();
    const slot = Math.max(now, nextFree.get(channel) ?? 0);
    nextFree.set(channel, slot + intervalMs);
    if (nextFree.size > 10_000) for (const [key, at] of nextFree) if (at < now) nextFree.delete(key);
    const wait = slot - now;
    if (wait <= 0) return true;
    const turn = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, wait);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    if (!turn && nextFree.get(channel) === slot + intervalMs) nextFree.set(channel, slot);
    return turn;
  };
}
