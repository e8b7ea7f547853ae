/** A recipient's daily-picks settings. */
export interface Subscription {
  id: number;
  recipientId: number;
  /** Local send time, 'HH:MM'. */
  sendTime: string;
  /** IANA timezone name. */
  timezone: string;
  /** ISO weekdays to post on, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  papersPerPost: number;
  postWhenEmpty: boolean;
  status: 'active' | 'paused';
  pausedReason: string | null;
}

/** Settings a command may change. */
export type SubscriptionChanges = Partial<Pick<Subscription, 'sendTime' | 'timezone' | 'weekdays' | 'papersPerPost' | 'postWhenEmpty'>>;
