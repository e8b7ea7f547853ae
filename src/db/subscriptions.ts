import { type Kysely, sql } from 'kysely';
import type { Database, SubscriptionRow } from './schema.ts';

/** A recipient's subscription settings as the core sees them. */
export interface Subscription {
  id: number;
  recipientId: number;
  sendTime: string;
  timezone: string;
  weekdays: number[];
  papersPerPost: number;
  postWhenEmpty: boolean;
  status: 'active' | 'paused';
  pausedReason: string | null;
}

/** Maps a row to the core's Subscription. */
export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    sendTime: row.send_time,
    timezone: row.timezone,
    weekdays: row.weekdays.map(Number),
    papersPerPost: row.papers_per_post,
    postWhenEmpty: row.post_when_empty,
    status: row.status,
    pausedReason: row.paused_reason,
  };
}

export type SubscriptionChanges = Partial<Pick<Subscription, 'sendTime' | 'timezone' | 'weekdays' | 'papersPerPost' | 'postWhenEmpty'>>;

/** The recipient's subscription, if any. */
export async function findSubscription(db: Kysely<Database>, recipientId: number): Promise<Subscription | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('recipient_id', '=', recipientId).executeTakeFirst();
  return row && toSubscription(row);
}

/**
 * Creates the recipient's subscription or changes the given settings of the existing one,
 * and (re)activates it: subscribing again resumes a subscription paused after the bot was blocked.
 */
export async function subscribe(
  db: Kysely<Database>,
  recipientId: number,
  changes: SubscriptionChanges,
  now: Date,
): Promise<{ subscription: Subscription; created: boolean }> {
  const values = changedColumns(changes);
  const row = await db
    .insertInto('subscriptions')
    .values({ recipient_id: recipientId, send_time: '09:00', timezone: 'UTC', created_at: now, updated_at: now, ...values })
    .onConflict((oc) =>
      oc.column('recipient_id').doUpdateSet({ ...values, status: 'active', paused_reason: null, updated_at: now }),
    )
    .returningAll()
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  return { subscription: toSubscription(row), created: row.inserted };
}

/** Changes settings of an existing subscription without reactivating it; undefined when there is none. */
export async function updateSubscription(
  db: Kysely<Database>,
  recipientId: number,
  changes: SubscriptionChanges,
  now: Date,
): Promise<Subscription | undefined> {
  const row = await db
    .updateTable('subscriptions')
    .set({ ...changedColumns(changes), updated_at: now })
    .where('recipient_id', '=', recipientId)
    .returningAll()
    .executeTakeFirst();
  return row && toSubscription(row);
}

/** Removes the subscription; false when there was none. Papers already sent stay recorded. */
export async function unsubscribe(db: Kysely<Database>, recipientId: number): Promise<boolean> {
  const deleted = await db.deleteFrom('subscriptions').where('recipient_id', '=', recipientId).returning('id').executeTakeFirst();
  return deleted !== undefined;
}

function changedColumns(changes: SubscriptionChanges) {
  return {
    ...(changes.sendTime !== undefined ? { send_time: changes.sendTime } : {}),
    ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
    ...(changes.weekdays !== undefined ? { weekdays: changes.weekdays } : {}),
    ...(changes.papersPerPost !== undefined ? { papers_per_post: changes.papersPerPost } : {}),
    ...(changes.postWhenEmpty !== undefined ? { post_when_empty: changes.postWhenEmpty } : {}),
  };
}
