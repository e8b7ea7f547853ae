import type { Api } from 'grammy';
import type { Chat, User } from 'grammy/types';
import type { CommandContext } from '../../core/commands/command.ts';
import type { RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { describeError } from './telegram-errors.ts';

/** The platform name Telegram recipients are stored under. */
export const TELEGRAM = 'telegram';

/**
 * Whose follows, votes and subscription a chat's commands act on: in a private chat the
 * user (chat id = user id), in a group, supergroup or channel the chat itself.
 */
export function recipientOfChat(chat: Pick<Chat, 'id' | 'type'>): RecipientRef {
  return { platform: TELEGRAM, externalId: String(chat.id), kind: chat.type === 'private' ? 'user' : 'channel' };
}

/** Who sent a command: a user, or a chat via `sender_chat` (anonymous group admins: the group; channel posts: the channel). */
export interface Sender {
  from?: Pick<User, 'id'>;
  senderChat?: Pick<Chat, 'id'>;
}

/**
 * Whether the sender may change the chat's subscription: always in a private chat; in a
 * group only the creator and administrators (asked with `getChatMember`), plus anonymous
 * admins, whose messages arrive with the group itself as `sender_chat`; in a channel a post
 * signed by the channel itself (only its admins can post there), never one signed by another
 * chat (a linked discussion group). Errors count as no.
 */
export async function mayManageChat(api: Api, chat: Pick<Chat, 'id' | 'type'>, sender: Sender, log: Logger, secrets: readonly string[]): Promise<boolean> {
  if (chat.type === 'private') return true;
  if (sender.senderChat?.id === chat.id) return true;
  if (!sender.from) return false;
  try {
    const member = await api.getChatMember(chat.id, sender.from.id);
    return member.status === 'creator' || member.status === 'administrator';
  } catch (error) {
    log.warn({ chatId: chat.id, error: describeError(error, secrets) }, 'could not check chat admin status');
    return false;
  }
}

/** The core's command context for a Telegram chat and sender; the admin check runs only if a command asks. */
export function commandContextFor(api: Api, chat: Pick<Chat, 'id' | 'type'>, sender: Sender, log: Logger, secrets: readonly string[]): CommandContext {
  let decided: Promise<boolean> | undefined;
  return {
    recipient: recipientOfChat(chat),
    mayManage: () => (decided ??= mayManageChat(api, chat, sender, log, secrets)),
    managers: chat.type === 'channel' ? 'the channel’s admins' : 'the group’s admins',
  };
}
