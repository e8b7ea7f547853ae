import { type APIChannel, type REST, Routes } from 'discord.js';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import type { Answer } from '../../core/answer.ts';
import type { DeliveryPort, SendOptions, SendResult } from '../../core/delivery-port.ts';
import type { RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { PLATFORM } from './context.ts';
import { customIdsFor } from './custom-ids.ts';
import { safeError, sendResultFor } from './errors.ts';
import { renderAnswer } from './render.ts';

/** Routes a scheduled post uses; long rate limits on these surface as `retry-after` (see start.ts). */
export const DELIVERY_ROUTES = ['/channels/:id/messages', '/users/@me/channels'] as const;

export interface DiscordDeliveryOptions {
  /**
   * A REST manager with the bot token set: a gateway client's (`client.rest`) or one of its
   * own (`createDiscordRest`, for processes that only post). It owns per-route buckets, the
   * global limit and short 429 waits.
   */
  rest: REST;
  /** The core's action codec, for the custom_ids of the post's buttons. */
  actions: ActionCodec;
  log: Logger;
  /** Strings to redact from reasons and logs (the bot token). */
  secrets: readonly string[];
}

/**
 * The delivery port for Discord: posts an Answer (embeds and buttons, the first card's
 * picture as its embed image, never pinging anyone) to a channel, or to a user's DM (opening the DM channel first, remembered for
 * the process's lifetime). Maps Discord's answers onto `SendResult`: Unknown Channel,
 * Missing Access/Permissions and "cannot send messages to this user" → gone; a rate
 * limit that discord.js surfaces instead of waiting out → retry-after; 5xx and network
 * errors → failed, retryable. Never throws. Needs no gateway connection.
 *
 * Stopping (`SendOptions.signal` aborted) before the post's message request was made: `not-sent`.
 * A request made is never aborted (discord.js's queue holds one back only for a short bucket
 * wait; longer limits on these routes come back as retry-after), so its outcome is recorded.
 */
export function createDiscordDeliveryPort(options: DiscordDeliveryOptions): DeliveryPort {
  const { rest, actions, secrets } = options;
  const log = options.log;
  const dmChannels = new Map<string, string>();

  async function dmChannelOf(userId: string): Promise<string> {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
    dmChannels.set(userId, channel.id);
    return channel.id;
  }

  async function send(target: RecipientRef, answer: Answer, sendOptions?: SendOptions): Promise<SendResult> {
    if (target.platform !== PLATFORM) {
      return { status: 'failed', reason: `not a Discord recipient (${target.platform})`, retryable: false };
    }
    const stopping = () => sendOptions?.signal?.aborted === true;
    const notSent: SendResult = { status: 'not-sent', reason: 'stopped before the post reached Discord' };
    try {
      if (stopping()) return notSent;
      // A post leads with its top pick's picture (when it has one).
      const message = renderAnswer(answer, await customIdsFor(actions, answer), { leadImage: true });
      const channelId = target.kind === 'channel' ? target.externalId : await dmChannelOf(target.externalId);
      if (stopping()) return notSent;
      await rest.post(Routes.channelMessages(channelId), {
        body: { embeds: message.embeds, components: message.components, allowed_mentions: message.allowed_mentions },
      });
      return { status: 'ok' };
    } catch (error) {
      const result = sendResultFor(error, secrets);
      if (target.kind === 'user' && result.status === 'gone') dmChannels.delete(target.externalId);
      log.warn({ err: safeError(error, secrets), target, result }, 'discord delivery did not go through');
      return result;
    }
  }

  return { platform: PLATFORM, send };
}
