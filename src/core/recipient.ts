/**
 * Who a command acts for and where answers and digests go: a user's private chat / DM,
 * or a group / channel. `platform` is the adapter's name; core never interprets it.
 */
export interface RecipientRef {
  platform: string;
  /** The platform's id of the user (private chats) or the chat/channel (groups). */
  externalId: string;
  kind: 'user' | 'channel';
}

/** A short human description, for logs and operator output: "telegram channel -100123". */
export function describeRecipient(ref: RecipientRef): string {
  return `${ref.platform} ${ref.kind} ${ref.externalId}`;
}
