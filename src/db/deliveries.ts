import { type Kysely, sql, type Transaction } from 'kysely';
import type { RecipientRef } from '../core/recipient.ts';
import { type PlatformFilter, platformClause } from './delivery-claims.ts';
import type { Database, DeliveryStatus } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** `= any($1::int[])`: one parameter however many ids, so the statement plans once and quickly. */
function anyInt(ids: readonly number[]) {
  return sql<number>`any(${[...ids]}::int[])`;
}

/**
 * The delivery ledger: one row per (subscription, local date), claimed by inserting it.
 * Every transition is a conditional UPDATE on the row's status and owner (`claimed_by`),
 * so two workers can never both move the same row forward. See core/schedule/delivery-pass.ts
 * for the life of a row.
 */

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
    .where('d.id', '=', anyInt(ids))
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
    .where('id', '=', anyInt(ids))
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
    .where('id', '=', anyInt(ids))
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
