import type { Follow, FollowKind } from '../follow.ts';
import type { RecipientRef } from '../recipient.ts';

/** The storage id of a recipient; only meaningful to the ports that gave it out. */
export type RecipientId = number;

/** Recipients (a user's private chat, or a group / channel) and what each follows. */
export interface RecipientStore {
  /** The id of a recipient, creating it on first contact. */
  ensure(ref: RecipientRef): Promise<RecipientId>;
  /** The id of a recipient if it was ever seen; reads never create one. */
  find(ref: RecipientRef): Promise<RecipientId | undefined>;
  /**
   * Moves a recipient to a new platform id (a Telegram group that became a supergroup),
   * keeping its follows, feedback and subscription; an empty newcomer at the new id is merged
   * away. False when nothing was stored under the old id.
   */
  move(platform: string, fromExternalId: string, toExternalId: string): Promise<boolean>;
  /** A recipient's follows, oldest first. */
  follows(id: RecipientId): Promise<Follow[]>;
  /** Adds a follow; false when the recipient already follows it. */
  follow(id: RecipientId, follow: Follow): Promise<boolean>;
  /** Removes a follow; the removed follow, or undefined when there was none. */
  unfollow(id: RecipientId, kind: FollowKind, value: string): Promise<Follow | undefined>;
  /** How many follows a recipient has. */
  countFollows(id: RecipientId): Promise<number>;
  /** A recipient's mutes (what it never wants to see, matched like follows), oldest first. */
  mutes(id: RecipientId): Promise<Follow[]>;
  /** Adds a mute; false when the recipient already mutes it. */
  mute(id: RecipientId, mute: Follow): Promise<boolean>;
  /** Removes a mute; the removed mute, or undefined when there was none. */
  unmute(id: RecipientId, kind: FollowKind, value: string): Promise<Follow | undefined>;
  /** The IANA timezone the recipient last gave (to `subscribe` or `settings`), if any; kept when they unsubscribe. */
  timezone(id: RecipientId): Promise<string | undefined>;
  /** Remembers the timezone a recipient gave, for their next subscription. */
  rememberTimezone(id: RecipientId, timezone: string): Promise<void>;
}
