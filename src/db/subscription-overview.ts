import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { RecipientRef } from '../core/recipient.ts';
import type { Database, DeliveryStatus } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A subscription with its recipient and its latest delivery, for operators. */
export interface SubscriptionOverview {
  id: number;
  recipient: RecipientRef;
  sendTime: string;
  timezone: string;
  weekdays: number[];
  status: 'active' | 'paused';
  pausedReason: string | null;
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

/** Every subscription (optionally only active or paused ones) with its latest delivery, by id. */
export async function listSubscriptionOverview(db: Db, options: { status?: 'active' | 'paused' } = {}): Promise<SubscriptionOverview[]> {
  const { rows } = await sql<{
    id: number;
    platform: string;
    external_id: string;
    kind: 'user' | 'channel';
    send_time: string;
    timezone: string;
    weekdays: number[];
    status: 'active' | 'paused';
    paused_reason: string | null;
    last_date: string | null;
    last_status: DeliveryStatus | null;
    sent_at: Date | null;
    due_at: Date | null;
    attempts: number | null;
    last_error: string | null;
    papers: number | null;
  }>`
    select s.id, r.platform, r.external_id, r.kind, s.send_time, s.timezone, s.weekdays, s.status, s.paused_reason,
           d.local_date as last_date, d.status as last_status, d.sent_at, d.due_at, d.attempts, d.last_error,
           cardinality(d.paper_ids) as papers
    from subscriptions s
    join recipients r on r.id = s.recipient_id
    left join lateral (
      select * from deliveries d where d.subscription_id = s.id order by d.local_date desc, d.id desc limit 1
    ) d on true
    ${options.status ? sql`where s.status = ${options.status}` : sql``}
    order by s.id`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    recipient: { platform: row.platform, externalId: row.external_id, kind: row.kind },
    sendTime: row.send_time,
    timezone: row.timezone,
    weekdays: row.weekdays.map(Number),
    status: row.status,
    pausedReason: row.paused_reason,
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
}
