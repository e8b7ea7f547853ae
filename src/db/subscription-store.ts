import { sql } from 'kysely';
import type { DeliveryStatus } from '../core/ports/delivery-ledger.ts';
import type { SubscriptionStore } from '../core/ports/subscription-store.ts';
import type { Cadence, Subscription, SubscriptionChanges } from '../core/subscription.ts';
import type { Db } from './db.ts';
import type { CadenceKind, RecipientKind, SubscriptionRow } from './schema.ts';

/** Daily-picks subscriptions over `subscriptions` (one per recipient). */
export function createSubscriptionStore(db: Db): SubscriptionStore {
  return {
    async find(recipient) {
      const row = await db.selectFrom('subscriptions').selectAll().where('recipient_id', '=', recipient).executeTakeFirst();
      return row && toSubscription(row);
    },

    async subscribe(recipient, changes, now) {
      const values = changedColumns(changes);
      const row = await db
        .insertInto('subscriptions')
        .values({ recipient_id: recipient, send_time: '09:00', timezone: 'UTC', created_at: now, updated_at: now, ...values })
        .onConflict((oc) => oc.column('recipient_id').doUpdateSet({ ...values, status: 'active', paused_reason: null, updated_at: now }))
        .returningAll()
        // xmax is 0 only in a row version this statement inserted.
        .returning(sql<boolean>`xmax = 0`.as('inserted'))
        .executeTakeFirstOrThrow();
      return { subscription: toSubscription(row), created: row.inserted };
    },

    async update(recipient, changes, now) {
      const row = await db
        .updateTable('subscriptions')
        .set({ ...changedColumns(changes), updated_at: now })
        .where('recipient_id', '=', recipient)
        .returningAll()
        .executeTakeFirst();
      return row && toSubscription(row);
    },

    async unsubscribe(recipient) {
      const deleted = await db.deleteFrom('subscriptions').where('recipient_id', '=', recipient).returning('id').executeTakeFirst();
      return deleted !== undefined;
    },

    async pause(recipient, reason, now) {
      const row = await db
        .updateTable('subscriptions')
        .set({ status: 'paused', paused_reason: reason.slice(0, 300), updated_at: now })
        .where('recipient_id', '=', recipient)
        .where('status', '=', 'active')
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** updated_at moves too: a post that fell due while it was paused is not owed (the next one is). */
    async resume(recipient, now) {
      const row = await db
        .updateTable('subscriptions')
        .set({ status: 'active', paused_reason: null, updated_at: now })
        .where('recipient_id', '=', recipient)
        .where('status', '=', 'paused')
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async overview(options = {}) {
      const { rows } = await sql<{
        id: number;
        platform: string;
        external_id: string;
        kind: RecipientKind;
        send_time: string;
        timezone: string;
        weekdays: number[];
        cadence: CadenceKind;
        weekly_day: number | null;
        status: 'active' | 'paused';
        paused_reason: string | null;
        updated_at: Date;
        claimed_through: string;
        last_date: string | null;
        last_status: DeliveryStatus | null;
        sent_at: Date | null;
        due_at: Date | null;
        attempts: number | null;
        last_error: string | null;
        papers: number | null;
      }>`
        select s.id, r.platform, r.external_id, r.kind, s.send_time, s.timezone, s.weekdays, s.cadence, s.weekly_day, s.status, s.paused_reason,
               s.updated_at, s.claimed_through,
               d.local_date as last_date, d.status as last_status, d.sent_at, d.due_at, d.attempts, d.last_error,
               cardinality(d.paper_ids) as papers
        from subscriptions s
        join recipients r on r.id = s.recipient_id
        left join lateral (
          select * from deliveries d where d.subscription_id = s.id order by d.period desc limit 1
        ) d on true
        ${options.status ? sql`where s.status = ${options.status}` : sql``}
        order by s.id`.execute(db);
      return rows.map((row) => ({
        id: row.id,
        recipient: { platform: row.platform, externalId: row.external_id, kind: row.kind },
        sendTime: row.send_time,
        timezone: row.timezone,
        weekdays: row.weekdays.map(Number),
        cadence: cadenceOf(row),
        status: row.status,
        pausedReason: row.paused_reason,
        updatedAt: row.updated_at,
        // '-infinity' (the date type parser keeps dates as text) until the first claim.
        claimedThrough: row.claimed_through === '-infinity' ? undefined : row.claimed_through,
        ...(row.last_date && row.last_status
          ? {
              last: {
                localDate: row.last_date,
                status: row.last_status,
                sentAt: row.sent_at,
                dueAt: row.due_at,
                attempts: row.attempts ?? 0,
                lastError: row.last_error,
                papers: row.papers ?? 0,
              },
            }
          : {}),
      }));
    },
  };
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    sendTime: row.send_time,
    timezone: row.timezone,
    weekdays: row.weekdays.map(Number),
    cadence: cadenceOf(row),
    papersPerPost: row.papers_per_post,
    postWhenEmpty: row.post_when_empty,
    status: row.status,
    pausedReason: row.paused_reason,
    // '-infinity' (the date type parser keeps dates as text) until the first claim.
    claimedThrough: row.claimed_through === '-infinity' ? undefined : row.claimed_through,
  };
}

function cadenceOf(row: { cadence: CadenceKind; weekly_day: number | null }): Cadence {
  return row.cadence === 'weekly' && row.weekly_day !== null ? { kind: 'weekly', day: row.weekly_day } : { kind: 'daily' };
}

function changedColumns(changes: SubscriptionChanges) {
  return {
    ...(changes.sendTime !== undefined ? { send_time: changes.sendTime } : {}),
    ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
    ...(changes.weekdays !== undefined ? { weekdays: changes.weekdays } : {}),
    ...(changes.cadence !== undefined ? { cadence: changes.cadence.kind, weekly_day: changes.cadence.kind === 'weekly' ? changes.cadence.day : null } : {}),
    ...(changes.papersPerPost !== undefined ? { papers_per_post: changes.papersPerPost } : {}),
    ...(changes.postWhenEmpty !== undefined ? { post_when_empty: changes.postWhenEmpty } : {}),
  };
}
