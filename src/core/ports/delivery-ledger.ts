import type { Reason } from '../answer.ts';
import type { RecipientRef } from '../recipient.ts';
import type { CadenceKind } from '../subscription.ts';
import type { RecipientId } from './recipient-store.ts';

/**
 * claimed: papers chosen, waiting to be sent (lease: when another pass may take it over);
 * sending: inside the platform call (lease: when another pass may resend it, outcome unknown);
 * sent | empty (nothing to post) | gone (recipient unreachable; subscription paused) are final;
 * failed: retried by a later pass at retry_at, or given up when retry_at is null.
 */
export type DeliveryStatus = 'claimed' | 'sending' | 'sent' | 'failed' | 'empty' | 'gone';

/**
 * A local send time that is due now: subscriptions on this schedule may be claimed for `localDate`.
 * Build slots with `dueSlots` (core/schedule/due-slots.ts), which also says what a period is.
 */
export interface DueSlot {
  timezone: string;
  /** 'HH:MM' */
  sendTime: string;
  /** The subscriber's local date the post is for. */
  localDate: string;
  /** ISO weekday of localDate (1 = Monday). */
  weekday: number;
  /** The Monday of localDate's week: the period a weekly digest on localDate is for (a daily digest's period is localDate). */
  weekStart: string;
  /** The instant `sendTime` on `localDate` in `timezone`. */
  dueAt: Date;
}

/**
 * Which recipients a ledger call may touch, by platform: a platform's name takes every
 * recipient on it; `{ platform, externalIds }` only those recipients of it (a delivery port
 * that reaches some, like the terminal chat's, which shows its own user's digests only).
 * Undefined means every recipient on every platform. A pass builds it from its delivery
 * ports (`reachOf`), so it never claims a post it cannot send.
 */
export type PlatformFilter = readonly (string | { platform: string; externalIds: readonly string[] })[] | undefined;

/** A subscription due for a local date, locked by the claiming transaction. */
export interface DueSubscription {
  subscriptionId: number;
  recipientId: RecipientId;
  recipient: RecipientRef;
  localDate: string;
  /** The first day of the period the digest is for: localDate (daily) or its week's Monday (weekly). */
  period: string;
  cadence: CadenceKind;
  dueAt: Date;
  papersPerPost: number;
  postWhenEmpty: boolean;
}

/**
 * Where a slot's scan for due subscriptions may resume, so the batches of one pass each read
 * only what the previous ones did not. Opaque to the core: the ledger reads and updates it.
 */
export type ResumePoints = Map<string, { claimedThrough: string; id: number }>;

/** The papers chosen for one due subscription. */
export interface DeliveryChoice {
  subscriptionId: number;
  recipientId: RecipientId;
  localDate: string;
  /** As in DueSubscription: the ledger holds one row per (subscription, period). */
  period: string;
  cadence: CadenceKind;
  dueAt: Date;
  paperIds: string[];
  /** Why each paper was picked, parallel to paperIds. */
  reasons: Reason[][];
  /** Nothing to post (no papers and the subscriber does not want empty posts): the row is born 'empty'. */
  empty: boolean;
}

/** A ledger row just inserted. */
export interface InsertedDelivery {
  id: number;
  subscriptionId: number;
  localDate: string;
  status: 'claimed' | 'empty';
}

/** A row another worker left behind, now claimed by this one. */
export interface TakenOver {
  id: number;
  /** 'claimed' (never sent: resumed), 'sending' (outcome unknown: resent) or 'failed' (retried). */
  previous: DeliveryStatus;
}

/** A claimed row with everything needed to send it. */
export interface PendingDelivery {
  id: number;
  subscriptionId: number;
  recipientId: RecipientId;
  recipient: RecipientRef;
  localDate: string;
  cadence: CadenceKind;
  dueAt: Date | null;
  paperIds: string[];
  reasons: Reason[][];
  attempts: number;
  lastError: string | null;
}

/** What a worker's claim is stamped with. */
export interface ClaimStamp {
  workerId: string;
  now: Date;
  /** Until when the claim is this worker's (another pass may take it over after). */
  leaseUntil: Date;
}

/** What {@link DeliveryLedger.takeOver} notes in last_error when it resends a row whose worker stopped mid-send. */
export const RESENT_NOTE = 'resent after a worker stopped while sending; the recipient may see this post twice';

/**
 * The delivery ledger: one row per (subscription, period), claimed by inserting it; a period
 * is a local date for a daily digest, a week (Monday to Sunday) for a weekly one.
 * Every transition is conditional on the row's status and owner, so two workers can never
 * both move the same row forward. See core/schedule/delivery-pass.ts for the life of a row.
 */
export interface DeliveryLedger {
  /** The distinct (timezone, send time) schedules of active subscriptions. */
  activeSchedules(): Promise<{ timezone: string; sendTime: string }[]>;
  /**
   * Locks up to `limit` subscriptions due for one of the slots and not yet claimed for its
   * period (nor a later one): active, on that schedule and weekday (a weekly digest's one day),
   * with settings not changed after the due instant. Subscriptions another transaction is claiming are skipped.
   * Only inside `Storage.transaction`; the locks last until it ends.
   */
  lockDue(options: { slots: readonly DueSlot[]; platforms: PlatformFilter; limit: number; resume?: ResumePoints }): Promise<DueSubscription[]>;
  /**
   * The claim itself: inserts the ledger rows ('claimed' with a lease, or 'empty') with their
   * papers and reasons, and records the papers as delivered to their recipients. A second
   * claim of the same (subscription, period) inserts nothing. Only inside the transaction
   * that locked the subscriptions.
   */
  insert(choices: readonly DeliveryChoice[], stamp: ClaimStamp): Promise<InsertedDelivery[]>;
  /**
   * Re-claims rows for this worker: 'claimed' or 'sending' rows whose lease ran out and
   * 'failed' rows whose retry time came (fewer than `maxAttempts`), of active subscriptions,
   * within the catch-up cut-off. Each row is taken over by exactly one worker.
   */
  takeOver(options: ClaimStamp & { cutoffMs: number; limit: number; platforms: PlatformFilter; maxAttempts: number }): Promise<TakenOver[]>;
  /** Gives up open rows past the catch-up cut-off ('failed', no retry); returns them with their platform. */
  expireStale(options: { now: Date; cutoffMs: number }): Promise<{ id: number; platform: string }[]>;
  /** Rows by id with their recipient, earliest due first. */
  load(ids: readonly number[]): Promise<PendingDelivery[]>;
  /** Marks a claimed row as being sent (one more attempt, fresh lease); false when this worker no longer owns it. */
  markSending(id: number, workerId: string, leaseUntil: Date): Promise<boolean>;
  /** Records a successful send; false when the row is no longer this worker's. */
  recordSent(id: number, workerId: string, now: Date): Promise<boolean>;
  /** Records a failed send: retried at `retryAt`, or given up (null) and its papers returned to the pool. */
  recordFailed(id: number, workerId: string, outcome: { reason: string; retryAt: Date | null }): Promise<boolean>;
  /** Records that the recipient is gone: the row ends 'gone', its papers return, the subscription pauses with the reason. */
  recordGone(id: number, workerId: string, reason: string, now: Date): Promise<boolean>;
  /** Extends the leases of rows this worker still works on. */
  renewLeases(workerId: string, ids: readonly number[], leaseUntil: Date): Promise<void>;
  /** Hands claimed rows this worker will not send to the next pass: their lease ends now. */
  releaseClaims(workerId: string, ids: readonly number[], now: Date): Promise<void>;
  /**
   * Hands a 'sending' row back that certainly was not posted (the worker stopped before the
   * platform took the post): 'claimed' again with its lease ended now, the attempt not counted,
   * so the next pass sends it as a first send. False when the row is no longer this worker's.
   */
  handBack(id: number, workerId: string, now: Date): Promise<boolean>;
  /** Open rows by status: claimed and sending (in flight), failed with a retry to come. */
  countOpen(): Promise<{ claimed: number; sending: number; retrying: number }>;
  /** How many subscriptions are due in the slots (as `lockDue` means it), by platform; only the recipients `platforms` takes, when given. */
  countDueByPlatform(slots: readonly DueSlot[], platforms?: PlatformFilter): Promise<Map<string, number>>;
  /**
   * The subscriptions due in the slots, exactly as `lockDue` would claim them (without locking
   * anything), each with the local date it is due for (the later one when due in two); only
   * among `subscriptionIds`, when given. What `paperboy subscriptions` calls "due now".
   */
  dueSubscriptions(slots: readonly DueSlot[], subscriptionIds?: readonly number[]): Promise<Map<number, string>>;
}
