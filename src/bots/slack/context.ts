import type { webApi } from '@slack/bolt';
import type { CommandContext } from '../../core/commands/command.ts';
import type { RecipientRef } from '../../core/recipient.ts';
import type { Logger } from '../../logger.ts';
import { describeError } from './slack-errors.ts';

/** `RecipientRef.platform` for everything this adapter handles. */
export const SLACK = 'slack';

/** Where a command or click happened: Slack's ids of the channel (if any) and the person. */
export interface SlackPlace {
  /** `C…`/`G…` a channel, `D…` a direct message; undefined for the Home tab. */
  channelId?: string | undefined;
  userId: string;
}

/**
 * Whose follows, votes and subscription a command acts on: in a direct message (with the bot,
 * or the person's own DM with someone else) and on the Home tab, the person; in a channel,
 * the channel.
 */
export function recipientOf(place: SlackPlace): RecipientRef {
  const { channelId, userId } = place;
  if (!channelId || channelId.startsWith('D')) return { platform: SLACK, externalId: userId, kind: 'user' };
  return { platform: SLACK, externalId: channelId, kind: 'channel' };
}

/**
 * Whether a person may manage a channel's subscription: workspace admins and owners
 * (`users.info`: is_admin, is_owner), and the channel's creator (`conversations.info`:
 * creator). Anyone else, and any failure to ask, is a no (logged).
 */
export async function mayManageChannel(client: webApi.WebClient, channelId: string, userId: string, log: Logger, secrets: readonly string[]): Promise<boolean> {
  try {
    const { user } = await client.users.info({ user: userId });
    if (user?.is_admin || user?.is_owner || user?.is_primary_owner) return true;
    const { channel } = await client.conversations.info({ channel: channelId });
    return channel?.creator === userId;
  } catch (error) {
    log.warn({ channelId, userId, error: describeError(error, secrets) }, 'slack: could not check who may manage the channel');
    return false;
  }
}

/** The core's command context for a place; the manager check runs only if a command asks, once. */
export function commandContextFor(client: webApi.WebClient, place: SlackPlace, log: Logger, secrets: readonly string[]): CommandContext {
  const recipient = recipientOf(place);
  let decided: Promise<boolean> | undefined;
  return {
    recipient,
    mayManage: () =>
      (decided ??= recipient.kind === 'user' ? Promise.resolve(true) : mayManageChannel(client, recipient.externalId, place.userId, log, secrets)),
    managers: 'workspace admins and the channel’s creator',
  };
}
