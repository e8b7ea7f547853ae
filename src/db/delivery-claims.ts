import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Claiming due subscriptions: the ledger rows of a delivery pass come into being here, in
 * the transaction that also records the papers chosen for them.
 */

/** A local send time that is due now: subscriptions on this schedule may be claimed for `localDate`. */
export interface DueSlot {
  timezone: string;
  /** 'HH:MM' */
  sendTime: string;
  /** The subscriber's local date the post is for. */
  localDate: string;
  /** ISO weekday of localDate (1 = Monday). */
  weekday: number;
  /** The instant `sendTime` on `localDate` in `timezone`. */
  dueAt: Date;
}

/** Which recipients' platforms a query may touch; undefined means every platform. */
export type PlatformFilter = readonly string[] | undefined;

/** `and r.platform = any(...)` for a query that joins recipients as `r`, or nothing. */
export function platformClause(platforms: PlatformFilter) {
  return platforms === undefined ? sql`` : sql`and r.platform = any(${[...platforms]}::text[])`;
}

/**
 * The distinct (timezone, send time) schedules of active subscriptions, for working out which
 * are due: a loose index scan over subscriptions_due_idx, one probe per schedule however many
 * subscriptions share it.
 */
export async function activeSchedules(db: Db): Promise<{ timezone: string; sendTime: string }[]> {
  const { rows } = await sql<{ timezone: string; send_time: string }>`
    with recursive schedules as (
      (select timezone, send_time from subscriptions where status = 'active' order by timezone, send_time limit 1)
      union all
      select next.timezone, next.send_time
      from schedules s
      cross join lateral (
        select timezone, send_time from subscriptions
        where status = 'active' and (timezone, send_time) > (s.timezone, s.send_time)
        order by timezone, send_time
        limit 1
      ) next
    )
    select timezone, send_time from schedules`.execute(db);
  return rows.map((row) => ({ timezone: row.timezone, sendTime: row.send_time }));
}

function slotsTable(slots: readonly DueSlot[]) {
  return sql`unnest(${slots.map((s) => s.timezone)}::text[], ${slots.map((s) => s.sendTime)}::text[],
                    ${slots.map((s) => s.localDate)}::date[], ${slots.map((s) => s.weekday)}::int[],
                    ${slots.map((s) => s.dueAt.toISOString())}::timestamptz[])
             as d(timezone, send_time, local_date, weekday, due_at)`;
}

/** A subscription due for a local date, locked by the claiming transaction. */
export interface DueSubscription {
  subscriptionId: number;
  recipientId: number;
  platform: string;
  /** The recipient's id on its platform, and whether it is a user or a channel. */
  externalId: string;
  kind: 'user' | 'channel';
  localDate: string;
  dueAt: Date;
  papersPerPost: number;
  postWhenEmpty: boolean;
}

/**
 * Locks up to `limit` subscriptions that are due for one of the slots and not yet claimed for
 * its local date (nor a later one): active, on that schedule and weekday, with settings not
 * changed after the due instant (then their next post is the next one). Subscriptions another
 * transaction is claiming are skipped (`FOR UPDATE SKIP LOCKED`), so concurrent instances
 * share the work instead of queueing on each other. Reads only unclaimed subscriptions of the
 * due schedules (subscriptions_due_idx on claimed_through), so a pass stays linear.
 */
export async function lockDueSubscriptions(
  trx: Transaction<Database>,
  options: { slots: readonly DueSlot[]; platforms: PlatformFilter; limit: number },
): Promise<DueSubscription[]> {
  if (options.slots.length === 0 || options.limit <= 0) return [];
  const { rows } = await sql<{
    id: number;
    recipient_id: number;
    platform: string;
    external_id: string;
    kind: 'user' | 'channel';
    local_date: string;
    due_at: Date;
    papers_per_post: number;
    post_when_empty: boolean;
  }>`
    with picked as (
      select s.id, s.recipient_id, s.papers_per_post, s.post_when_empty, d.local_date, d.due_at
      from (select * from ${slotsTable(options.slots)} order by d.local_date desc, d.due_at) d
      cross join lateral (
        select s.id, s.recipient_id, s.papers_per_post, s.post_when_empty
        from subscriptions s
        where s.status = 'active' and s.timezone = d.timezone and s.send_time = d.send_time
          and s.claimed_through < d.local_date
          and d.weekday = any(s.weekdays) and s.updated_at < d.due_at
          ${options.platforms === undefined ? sql`` : sql`and exists (select 1 from recipients r where r.id = s.recipient_id ${platformClause(options.platforms)})`}
        order by s.claimed_through, s.id
        limit ${options.limit}
        for update of s skip locked
      ) s
      limit ${options.limit}
    )
    select distinct on (p.id) p.*, r.platform, r.external_id, r.kind
    from picked p join recipients r on r.id = p.recipient_id
    order by p.id, p.local_date desc`.execute(trx);
  return rows
    .map((row) => ({
      subscriptionId: row.id,
      recipientId: row.recipient_id,
      platform: row.platform,
      externalId: row.external_id,
      kind: row.kind,
      localDate: row.local_date,
      dueAt: row.due_at,
      papersPerPost: row.papers_per_post,
      postWhenEmpty: row.post_when_empty,
    }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.subscriptionId - b.subscriptionId);
}

/** The papers chosen for one due subscription. */
export interface DeliveryChoice {
  subscriptionId: number;
  recipientId: number;
  localDate: string;
  dueAt: Date;
  paperIds: string[];
  /** Why each paper was picked, parallel to paperIds. */
  reasons: string[][];
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

/**
 * The claim itself, in one statement: inserts the ledger rows ('claimed' with a lease, or
 * 'empty') with their chosen papers and reasons, moves the subscriptions' claimed_through,
 * and records the papers in delivered_papers so no later digest picks them again. The unique
 * (subscription, local_date) key makes a second claim of the same digest insert nothing (and
 * record no papers). Run it in the transaction that locked the subscriptions.
 */
export async function insertDeliveries(
  trx: Transaction<Database>,
  choices: readonly DeliveryChoice[],
  options: { workerId: string; now: Date; leaseUntil: Date },
): Promise<InsertedDelivery[]> {
  if (choices.length === 0) return [];
  const json = JSON.stringify(
    choices.map((c) => ({
      subscription_id: c.subscriptionId,
      recipient_id: c.recipientId,
      local_date: c.localDate,
      due_at: c.dueAt.toISOString(),
      empty: c.empty,
      paper_ids: c.paperIds,
      reasons: c.reasons,
    })),
  );
  const { rows } = await sql<{ id: number; subscription_id: number; local_date: string; status: 'claimed' | 'empty' }>`
    with input as (
      select * from jsonb_to_recordset(${json}::jsonb)
        as c(subscription_id int, recipient_id int, local_date date, due_at timestamptz, empty boolean, paper_ids text[], reasons jsonb)
    ),
    inserted as (
      insert into deliveries (subscription_id, local_date, status, claimed_by, lease_expires_at, due_at, created_at, paper_ids, reasons)
      select subscription_id, local_date, case when empty then 'empty' else 'claimed' end, ${options.workerId},
             case when empty then null else ${options.leaseUntil}::timestamptz end, due_at, ${options.now}, paper_ids, reasons
      from input
      on conflict (subscription_id, local_date) do nothing
      returning id, subscription_id, local_date, status
    ),
    moved as (
      update subscriptions s set claimed_through = i.local_date
      from inserted i where s.id = i.subscription_id and s.claimed_through < i.local_date
    ),
    recorded as (
      insert into delivered_papers (recipient_id, paper_id, delivery_id, created_at)
      select c.recipient_id, p.paper_id, i.id, ${options.now}
      from inserted i
      join input c on c.subscription_id = i.subscription_id and c.local_date = i.local_date
      cross join lateral unnest(c.paper_ids) as p(paper_id)
      on conflict (recipient_id, paper_id) do nothing
    )
    select id, subscription_id, local_date, status from inserted`.execute(trx);
  return rows.map((row) => ({ id: row.id, subscriptionId: row.subscription_id, localDate: row.local_date, status: row.status }));
}

/**
 * How many active subscriptions are due for the slots and not yet claimed, by platform
 * (for operators: which platforms have digests waiting for an instance with their adapter).
 */
export async function countDueByPlatform(db: Db, slots: readonly DueSlot[]): Promise<Map<string, number>> {
  if (slots.length === 0) return new Map();
  const { rows } = await sql<{ platform: string; n: number }>`
    select r.platform, count(distinct s.id)::int as n
    from ${slotsTable(slots)}
    join subscriptions s on s.timezone = d.timezone and s.send_time = d.send_time
    join recipients r on r.id = s.recipient_id
    where s.status = 'active' and s.claimed_through < d.local_date and d.weekday = any(s.weekdays) and s.updated_at < d.due_at
    group by r.platform`.execute(db);
  return new Map(rows.map((row) => [row.platform, row.n]));
}
