import { Composer, type Context } from 'grammy';
import { z } from 'zod';
import type { Core } from '../../core/core.ts';
import type { Logger } from '../../logger.ts';
import { recipientOfChat } from './chat-context.ts';
import { describeError } from './telegram-errors.ts';

/**
 * The parts of a `my_chat_member` update (Telegram's ChatMemberUpdated about the bot itself)
 * that say whether the bot can post to the chat: the chat, and the bot's new status with the
 * rights that matter (an administrator's `can_post_messages` in a channel; a restricted
 * member's `can_send_messages` and `is_member` in a group). Anything else is ignored.
 */
const botMembership = z.object({
  chat: z.object({ id: z.number().int(), type: z.enum(['private', 'group', 'supergroup', 'channel']) }),
  new_chat_member: z.object({
    status: z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']),
    can_post_messages: z.boolean().optional(),
    can_send_messages: z.boolean().optional(),
    is_member: z.boolean().optional(),
  }),
});

export type BotMembership = z.infer<typeof botMembership>;

/** Whether the bot can post to the chat now, and why not. */
export type Reachability = { reachable: true } | { reachable: false; reason: string };

/**
 * What a change of the bot's own membership means for posting there:
 * - a channel: reachable only as an administrator with the right to post ("Post messages");
 *   removed, banned or demoted (no post right) is unreachable;
 * - a group: reachable as a member or administrator (a restricted member only while it may
 *   send messages); removed or banned is unreachable;
 * - a private chat: the user blocked the bot ('kicked') or unblocked it ('member').
 */
export function reachabilityOf(update: BotMembership): Reachability {
  const { status } = update.new_chat_member;
  switch (update.chat.type) {
    case 'channel':
      if (status === 'creator' || (status === 'administrator' && update.new_chat_member.can_post_messages === true)) return { reachable: true };
      if (status === 'administrator')
        return { reachable: false, reason: 'the bot may no longer post in this channel (its Post messages right was taken away)' };
      if (status === 'left') return { reachable: false, reason: 'the bot was removed from this channel' };
      if (status === 'kicked') return { reachable: false, reason: 'the bot was banned from this channel' };
      return { reachable: false, reason: 'the bot is no longer an administrator of this channel' };
    case 'private':
      return status === 'kicked' ? { reachable: false, reason: 'the user blocked the bot' } : { reachable: true };
    default:
      if (status === 'left') return { reachable: false, reason: 'the bot was removed from this group' };
      if (status === 'kicked') return { reachable: false, reason: 'the bot was banned from this group' };
      if (status === 'restricted' && (update.new_chat_member.is_member === false || update.new_chat_member.can_send_messages === false)) {
        return { reachable: false, reason: 'the bot may not send messages in this group' };
      }
      return { reachable: true };
  }
}

/**
 * Handles `my_chat_member` updates: being added to a channel with the right to post records the
 * channel as a recipient; being removed, demoted or blocked pauses the chat's subscription at
 * once (`Core.recipientReachable`), and being added back or unblocked resumes it.
 */
export function createMembershipHandler(deps: { core: Core; log: Logger; secrets: readonly string[] }): Composer<Context> {
  const { core, log, secrets } = deps;
  const composer = new Composer<Context>();
  composer.on('my_chat_member', async (ctx) => {
    const parsed = botMembership.safeParse(ctx.myChatMember);
    if (!parsed.success) {
      log.warn({ updateId: ctx.update.update_id, issue: parsed.error.issues[0]?.message }, 'telegram: my_chat_member update not understood');
      return;
    }
    const reachability = reachabilityOf(parsed.data);
    const recipient = recipientOfChat(parsed.data.chat);
    try {
      const change = reachability.reachable
        ? await core.recipientReachable(recipient, true)
        : await core.recipientReachable(recipient, false, reachability.reason);
      log.info(
        { chatId: parsed.data.chat.id, chatType: parsed.data.chat.type, status: parsed.data.new_chat_member.status, ...reachability, subscription: change },
        'telegram: the bot’s membership changed',
      );
    } catch (error) {
      log.error({ chatId: parsed.data.chat.id, error: describeError(error, secrets) }, 'telegram: could not record a membership change');
    }
  });
  return composer;
}
