import { type Kysely, sql, type Transaction } from 'kysely';
import type { RecipientRef } from '../core/recipient.ts';
import type { Database, DeliveryStatus } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The delivery ledger: one row per (subscription, local date), claimed by inserting it.
 * Every transition is a conditional UPDATE on the row's status and owner (`claimed_by`),
 * so two workers can never both move the same row forward. See core/schedule/delivery-pass.ts
 * for the life of a row.
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

function platformClause(platforms: PlatformFilter) {
  return platforms === undefined ? sql`` : sql`and r.platform = any(${[...platforms]}::text[])`;
}

/** The distinct (timezone, send time) schedules of active subscriptions, for working out which are due. */
export async function activeSchedules(db: Db, platforms: PlatformFilter): Promise<{ timezone: string; sendTime: string }[]> {
  const { rows } = await sql<{ timezone: string; send_time: string }>`
    select distinct s.timezone, s.send_time
    from subscriptions s join recipients r on r.id = s.recipient_id
    where s.status = 'active' ${platformClause(platforms)}`.execute(db);
  return rows.map((row) => ({ timezone: row.timezone, sendTime: row.send_time }));
}

/** A ledger row this worker just inserted. */
export interface NewClaim {
  id: number;
  subscriptionId: number;
  recipientId: number;
  platform: string;
  localDate: string;
  dueAt: Date;
  papersPerPost: number;
  postWhenEmpty: boolean;
}

/**
 * Claims up to `limit` due subscriptions by inserting their ledger rows (status 'claimed').
 * A subscription is due for a slot when it is active, on that schedule and weekday, its
 * settings did not change after the due instant (then its next post is the next one), and
 * it has no delivery for that local date or a later one. Subscriptions another transaction
 * is claiming are skipped (`FOR UPDATE SKIP LOCKED`), and the unique (subscription,
 * local_date) key makes a racing insert do nothing. Run it in the transaction that records
 * the chosen papers ({@link recordChoices}).
 */
export async function insertClaims(
  trx: Transaction<Database>,
  options: { slots: readonly DueSlot[]; platforms: PlatformFilter; workerId: string; now: Date; leaseUntil: Date; limit: number },
): Promise<NewClaim[]> {
  const { slots } = options;
  if (slots.length === 0) return [];
  const match = sql`d.timezone = s.timezone and d.send_time = s.send_time and d.weekday = any(s.weekdays)
    and s.updated_at < d.due_at
    and not exists (select 1 from deliveries x where x.subscription_id = s.id and x.local_date >= d.local_date)`;
  const { rows } = await sql<{
    id: number;
    subscription_id: number;
    recipient_id: number;
    platform: string;
    local_date: string;
    due_at: Date;
    papers_per_post: number;
    post_when_empty: boolean;
  }>`
    with slots as (
      select * from unnest(${slots.map((s) => s.timezone)}::text[], ${slots.map((s) => s.sendTime)}::text[],
                           ${slots.map((s) => s.localDate)}::date[], ${slots.map((s) => s.weekday)}::int[],
                           ${slots.map((s) => s.dueAt.toISOString())}::timestamptz[])
        as d(timezone, send_time, local_date, weekday, due_at)
    ),
    locked as (
      select s.id, s.recipient_id, r.platform, s.papers_per_post, s.post_when_empty, s.timezone, s.send_time, s.weekdays, s.updated_at
      from subscriptions s join recipients r on r.id = s.recipient_id
      where s.status = 'active' ${platformClause(options.platforms)}
        and exists (select 1 from slots d where ${match})
      order by s.id
      limit ${options.limit}
      for update of s skip locked
    ),
    chosen as (
      select s.*, d.local_date, d.due_at
      from locked s
      cross join lateral (select d.local_date, d.due_at from slots d where ${match} order by d.local_date desc limit 1) d
    ),
    inserted as (
      insert into deliveries (subscription_id, local_date, status, claimed_by, lease_expires_at, due_at, created_at)
      select id, local_date, 'claimed', ${options.workerId}, ${options.leaseUntil}, due_at, ${options.now} from chosen
      on conflict (subscription_id, local_date) do nothing
      returning id, subscription_id, local_date, due_at
    )
    select i.id, i.subscription_id, c.recipient_id, c.platform, i.local_date, i.due_at, c.papers_per_post, c.post_when_empty
    from inserted i join chosen c on c.id = i.subscription_id
    order by i.due_at, i.id`.execute(trx);
  return rows.map((row) => ({
    id: row.id,
    subscriptionId: row.subscription_id,
    recipientId: row.recipient_id,
    platform: row.platform,
    localDate: row.local_date,
    dueAt: row.due_at,
    papersPerPost: row.papers_per_post,
    postWhenEmpty: row.post_when_empty,
  }));
}

/** The papers chosen for one claimed delivery. */
export interface DeliveryChoice {
  id: number;
  recipientId: number;
  paperIds: string[];
  /** Why each paper was picked, parallel to paperIds. */
  reasons: string[][];
  /** Nothing to post (no papers and the subscriber does not want empty posts): the row ends as 'empty'. */
  empty: boolean;
}

/**
 * Records the chosen papers on freshly claimed rows and in delivered_papers, so no later
 * digest picks them again. Run it in the claiming transaction: a claim without its papers
 * is never visible to anyone.
 */
export async function recordChoices(trx: Transaction<Database>, choices: readonly DeliveryChoice[], now: Date): Promise<void> {
  if (choices.length === 0) return;
  const json = JSON.stringify(choices.map((c) => ({ id: c.id, paper_ids: c.paperIds, reasons: c.reasons, empty: c.empty })));
  await sql`
    update deliveries d
    set paper_ids = c.paper_ids,
        reasons = c.reasons,
        status = case when c.empty then 'empty' else d.status end,
        lease_expires_at = case when c.empty then null else d.lease_expires_at end
    from jsonb_to_recordset(${json}::jsonb) as c(id int, paper_ids text[], reasons jsonb, empty boolean)
    where d.id = c.id`.execute(trx);
  const pairs = choices.flatMap((c) => c.paperIds.map((paperId) => ({ recipientId: c.recipientId, paperId, deliveryId: c.id })));
  if (pairs.length === 0) return;
  await sql`
    insert into delivered_papers (recipient_id, paper_id, delivery_id, created_at)
    select recipient_id, paper_id, delivery_id, ${now}
    from unnest(${pairs.map((p) => p.recipientId)}::int[], ${pairs.map((p) => p.paperId)}::text[], ${pairs.map((p) => p.deliveryId)}::int[])
      as x(recipient_id, paper_id, delivery_id)
    on conflict (recipient_id, paper_id) do nothing`.execute(trx);
}

/** A row another worker left behind, now claimed by this one. */
export interface TakenOver {
  id: number;
  /** 'claimed' (never sent: resumed), 'sending' (outcome unknown: resent) or 'failed' (retried). */
  previous: DeliveryStatus;
}

/** What {@link takeOverDeliveries} says into last_error when it resends a row whose worker stopped mid-send. */
export const RESENT_NOTE = 'resent after a worker stopped while sending; the recipient may see this post twice';

/**
 * Re-claims rows for this worker: 'claimed' or 'sending' rows whose lease ran out (their worker
 * crashed or lost the database) and 'failed' rows whose retry time came, of active subscriptions,
 * while they are within the catch-up cut-off (`due_at + cutoffMs`). One conditional UPDATE
 * over rows locked with SKIP LOCKED: a row is taken over by exactly one worker.
 */
export async function takeOverDeliveries(
  db: Db,
  options: { workerId: string; now: Date; leaseUntil: Date; cutoffMs: number; limit: number; platforms: PlatformFilter; maxAttempts: number },
): Promise<TakenOver[]> {
  const { rows } = await sql<{ id: number; previous: DeliveryStatus }>`
    with open as (
      select d.id, d.status
      from deliveries d
      join subscriptions s on s.id = d.subscription_id
      join recipients r on r.id = s.recipient_id
      where ((d.status in ('claimed', 'sending') and d.lease_expires_at <= ${options.now})
             or (d.status = 'failed' and d.retry_at <= ${options.now} and d.attempts < ${options.maxAttempts}))
        and s.status = 'active' ${platformClause(options.platforms)}
        and (d.due_at is null or d.due_at + ${options.cutoffMs}::double precision * interval '1 millisecond' > ${options.now})
      order by d.due_at nulls first, d.id
      limit ${options.limit}
      for update of d skip locked
    )
    update deliveries d
    set status = 'claimed', claimed_by = ${options.workerId}, lease_expires_at = ${options.leaseUntil}, retry_at = null,
        last_error = case when open.status = 'sending' then ${RESENT_NOTE} else d.last_error end
    from open
    where d.id = open.id
    returning d.id, open.status as previous`.execute(db);
  return rows;
}

/**
 * Gives up on open rows past the catch-up cut-off: they end 'failed' with no retry. Papers of
 * rows that were certainly not sent go back to the pool; a row that was mid-send keeps them
 * (it may have arrived). Returns the rows given up.
 */
export async function expireStaleDeliveries(db: Kysely<Database>, options: { now: Date; cutoffMs: number }): Promise<{ id: number; platform: string }[]> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number; previous: DeliveryStatus; platform: string }>`
      with stale as (
        select id, status from deliveries
        where ((status in ('claimed', 'sending') and lease_expires_at <= ${options.now}) or (status = 'failed' and retry_at is not null))
          and due_at + ${options.cutoffMs}::double precision * interval '1 millisecond' <= ${options.now}
        for update skip locked
      )
      update deliveries d
      set status = 'failed', retry_at = null, lease_expires_at = null,
          last_error = case when stale.status = 'sending'
                            then 'gave up past the catch-up cut-off; a worker stopped while sending, so it may have arrived'
                            else concat_ws('; ', d.last_error, 'gave up past the catch-up cut-off') end
      from stale where d.id = stale.id
      returning d.id, stale.status as previous,
        (select r.platform from subscriptions s join recipients r on r.id = s.recipient_id where s.id = d.subscription_id) as platform`.execute(trx);
    const release = rows.filter((row) => row.previous !== 'sending').map((row) => row.id);
    if (release.length) await trx.deleteFrom('delivered_papers').where('delivery_id', 'in', release).execute();
    return rows.map((row) => ({ id: row.id, platform: row.platform }));
  });
}

/** A claimed row with everything needed to send it. */
export interface PendingDelivery {
  id: number;
  subscriptionId: number;
  recipientId: number;
  recipient: RecipientRef;
  localDate: string;
  dueAt: Date | null;
  paperIds: string[];
  reasons: string[][];
  attempts: number;
  lastError: string | null;
}

/** Loads rows by id with their recipient, earliest due first. */
export async function loadDeliveries(db: Db, ids: readonly number[]): Promise<PendingDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('subscriptions as s', 's.id', 'd.subscription_id')
    .innerJoin('recipients as r', 'r.id', 's.recipient_id')
    .select([
      'd.id',
      'd.subscription_id',
      's.recipient_id',
      'r.platform',
      'r.external_id',
      'r.kind',
      'd.local_date',
      'd.due_at',
      'd.paper_ids',
      'd.reasons',
      'd.attempts',
      'd.last_error',
    ])
    .where('d.id', 'in', [...ids])
    .orderBy('d.due_at')
    .orderBy('d.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    subscriptionId: row.subscription_id,
    recipientId: row.recipient_id,
    recipient: { platform: row.platform, externalId: row.external_id, kind: row.kind },
    localDate: row.local_date,
    dueAt: row.due_at,
    paperIds: row.paper_ids,
    reasons: row.reasons,
    attempts: row.attempts,
    lastError: row.last_error,
  }));
}

/**
 * Marks a claimed row as being sent (status 'sending', one more attempt, a fresh lease).
 * False when this worker no longer owns it: another pass took it over, so do not send.
 */
export async function markSending(db: Db, id: number, workerId: string, leaseUntil: Date): Promise<boolean> {
  const row = await db
    .updateTable('deliveries')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), lease_expires_at: leaseUntil }))
    .where('id', '=', id)
    .where('claimed_by', '=', workerId)
    .where('status', '=', 'claimed')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a successful send. False when the row is no longer this worker's to record. */
export async function recordSent(db: Db, id: number, workerId: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('deliveries')
    .set({ status: 'sent', sent_at: now, lease_expires_at: null, retry_at: null })
    .where('id', '=', id)
    .where('claimed_by', '=', workerId)
    .where('status', '=', 'sending')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a failed send: retried by a later pass at `retryAt`, or given up (`retryAt` null),
 * in which case its papers go back to the pool for later digests.
 */
export async function recordFailed(
  db: Kysely<Database>,
  id: number,
  workerId: string,
  outcome: { reason: string; retryAt: Date | null },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: outcome.reason.slice(0, 1000), retry_at: outcome.retryAt, lease_expires_at: null })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .where('status', '=', 'sending')
      .returning('id')
      .executeTakeFirst();
    if (row && outcome.retryAt === null) await trx.deleteFrom('delivered_papers').where('delivery_id', '=', id).execute();
    return row !== undefined;
  });
}

/**
 * Records that the recipient is gone (bot blocked or kicked, chat deleted): the row ends
 * 'gone', its papers go back to the pool, and the subscription is paused with the reason
 * until the recipient subscribes again.
 */
export async function recordGone(db: Kysely<Database>, id: number, workerId: string, reason: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('deliveries')
      .set({ status: 'gone', last_error: reason.slice(0, 1000), lease_expires_at: null, retry_at: null })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .where('status', '=', 'sending')
      .returning('subscription_id')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('subscriptions')
      .set({ status: 'paused', paused_reason: reason.slice(0, 300), updated_at: now })
      .where('id', '=', row.subscription_id)
      .execute();
    await trx.deleteFrom('delivered_papers').where('delivery_id', '=', id).execute();
    return true;
  });
}

/** Extends the leases of rows this worker is still working on (a heartbeat while it sends). */
export async function renewLeases(db: Db, workerId: string, ids: readonly number[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ lease_expires_at: leaseUntil })
    .where('id', 'in', [...ids])
    .where('claimed_by', '=', workerId)
    .where('status', 'in', ['claimed', 'sending'])
    .execute();
}

/** Hands claimed rows this worker will not send (shutting down) to the next pass: their lease ends now. */
export async function releaseClaims(db: Db, workerId: string, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ lease_expires_at: now })
    .where('id', 'in', [...ids])
    .where('claimed_by', '=', workerId)
    .where('status', '=', 'claimed')
    .execute();
}

/** Open ledger rows by status: claimed and sending (in flight), failed with a retry to come. */
export async function countOpenDeliveries(db: Db): Promise<{ claimed: number; sending: number; retrying: number }> {
  const { rows } = await sql<{ status: DeliveryStatus; n: number }>`
    select status, count(*)::int as n from deliveries
    where status in ('claimed', 'sending') or (status = 'failed' and retry_at is not null)
    group by status`.execute(db);
  const count = (status: DeliveryStatus) => rows.find((row) => row.status === status)?.n ?? 0;
  return { claimed: count('claimed'), sending: count('sending'), retrying: count('failed') };
}

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

/**
 * How many active subscriptions are due for the slots and not yet claimed, by platform
 * (for operators: which platforms have digests waiting for an instance with their adapter).
 */
export async function countDueByPlatform(db: Db, slots: readonly DueSlot[]): Promise<Map<string, number>> {
  if (slots.length === 0) return new Map();
  const { rows } = await sql<{ platform: string; n: number }>`
    with slots as (
      select * from unnest(${slots.map((s) => s.timezone)}::text[], ${slots.map((s) => s.sendTime)}::text[],
                           ${slots.map((s) => s.localDate)}::date[], ${slots.map((s) => s.weekday)}::int[],
                           ${slots.map((s) => s.dueAt.toISOString())}::timestamptz[])
        as d(timezone, send_time, local_date, weekday, due_at)
    )
    select r.platform, count(*)::int as n
    from subscriptions s join recipients r on r.id = s.recipient_id
    where s.status = 'active'
      and exists (select 1 from slots d where d.timezone = s.timezone and d.send_time = s.send_time and d.weekday = any(s.weekdays)
                    and s.updated_at < d.due_at
                    and not exists (select 1 from deliveries x where x.subscription_id = s.id and x.local_date >= d.local_date))
    group by r.platform`.execute(db);
  return new Map(rows.map((row) => [row.platform, row.n]));
}
