/**
 * How often a subscription posts: a daily digest (on its weekdays), or a weekly one on one
 * weekday (ISO, 1 = Monday … 7 = Sunday) holding the best of the week.
 */
export type Cadence = { kind: 'daily' } | { kind: 'weekly'; day: number };

/** 'daily' or 'weekly': what a ledger row and a digest know of their subscription's cadence. */
export type CadenceKind = Cadence['kind'];

/** A recipient's daily-picks settings. */
export interface Subscription {
  id: number;
  recipientId: number;
  /** Local send time, 'HH:MM'. */
  sendTime: string;
  /** IANA timezone name. */
  timezone: string;
  /** ISO weekdays a daily digest posts on, 1 = Monday … 7 = Sunday (kept, and unused, while the cadence is weekly). */
  weekdays: number[];
  cadence: Cadence;
  papersPerPost: number;
  postWhenEmpty: boolean;
  status: 'active' | 'paused';
  pausedReason: string | null;
  /** The latest local date a digest was claimed for; undefined before the first. */
  claimedThrough: string | undefined;
}

/** Settings a command may change. */
export type SubscriptionChanges = Partial<Pick<Subscription, 'sendTime' | 'timezone' | 'weekdays' | 'cadence' | 'papersPerPost' | 'postWhenEmpty'>>;

/** The ISO weekdays a subscription posts on: its weekdays when daily, its one day when weekly. */
export function postingDays(sub: Pick<Subscription, 'weekdays' | 'cadence'>): number[] {
  return sub.cadence.kind === 'weekly' ? [sub.cadence.day] : sub.weekdays;
}
