import type { Context } from 'grammy';
import type { Logger } from '../../logger.ts';
import { describeError } from './telegram-errors.ts';

/**
 * After a command posted in a channel (`/papers subscribe 09:00` as a channel post) was
 * answered, deletes the command post so the channel's feed keeps only the answer, when the bot
 * may delete posts there (an administrator with "Delete messages", asked with getChatMember
 * since rights change without the bot restarting). Without that right the post stays. Never
 * throws: a failure is logged.
 */
export async function removeCommandPost(ctx: Context, log: Logger, secrets: readonly string[]): Promise<void> {
  const post = ctx.channelPost;
  if (post?.chat.type !== 'channel') return;
  try {
    const me = await ctx.api.getChatMember(post.chat.id, ctx.me.id);
    const mayDelete = me.status === 'creator' || (me.status === 'administrator' && me.can_delete_messages);
    if (!mayDelete) {
      log.debug({ chatId: post.chat.id }, 'telegram: may not delete posts in this channel; the command post stays');
      return;
    }
    await ctx.api.deleteMessage(post.chat.id, post.message_id);
  } catch (error) {
    log.warn({ chatId: post.chat.id, messageId: post.message_id, error: describeError(error, secrets) }, 'telegram: could not delete the command post');
  }
}
