import type { RecipientRef } from '../recipient.ts';
import type { Cadence, Subscription, SubscriptionChanges } from '../subscription.ts';
import type { DeliveryStatus } from './delivery-ledger.ts';
import type { RecipientId } from './recipient-store.ts';

/** A subscription with its recipient and its latest delivery, for operators. */
export interface SubscriptionOverview {
  id: number;
  recipient: RecipientRef;
  sendTime: string;
  timezone: string;
  weekdays: number[];
  cadence: Cadence;
  status: 'active' | 'paused';
  pausedReason: string | null;
  /** When the settings last changed: a post due before that is not owed (see core/schedule). */
  updatedAt: Date;
  /** The latest local date this subscription has a delivery for, if any. */
  claimedThrough: string | undefined;
  last?: {
    localDate: string;
    status: DeliveryStatus;
    sentAt: Date | null;
    dueAt: Date | null;
    attempts: number;
    lastError: string | null;
    papers: number;
  };
}

/** Daily-picks subscriptions: one per recipient. */
export interface SubscriptionStore {
  /** The recipient's subscription, if any. */
  find(recipient: RecipientId): Promise<Subscription | undefined>;
  /**
   * Creates the recipient's subscription or changes the given settings of the existing one,
   * and (re)activates it: subscribing again resumes a paused subscription.
   */
  subscribe(recipient: RecipientId, changes: SubscriptionChanges, now: Date): Promise<{ subscription: Subscription; created: boolean }>;
  /** Changes settings of an existing subscription without reactivating it; undefined when there is none. */
  update(recipient: RecipientId, changes: SubscriptionChanges, now: Date): Promise<Subscription | undefined>;
  /** Removes the subscription; false when there was none. Papers already sent stay recorded. */
  unsubscribe(recipient: RecipientId): Promise<boolean>;
  /** Pauses the recipient's active subscription with the reason (it cannot be reached); false when there is none or it is paused already. */
  pause(recipient: RecipientId, reason: string, now: Date): Promise<boolean>;
  /** Resumes the recipient's paused subscription (it can be reached again); false when there is none or it is active. */
  resume(recipient: RecipientId, now: Date): Promise<boolean>;
  /** Every subscription (optionally only active or paused ones) with its latest delivery, by id. */
  overview(options?: { status?: 'active' | 'paused' }): Promise<SubscriptionOverview[]>;
}
