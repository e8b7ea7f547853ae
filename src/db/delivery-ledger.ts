import { sql } from 'kysely';
import type { DeliveryLedger, DeliveryStatus, RESENT_NOTE } from '../core/ports/delivery-ledger.ts';
import type { Db } from './db.ts';
import { createDeliveryClaims } from './delivery-claims.ts';
import { inTransaction } from './in-transaction.ts';
import { platformClause } from './platform-clause.ts';

/**
 * The delivery ledger over `deliveries` and `delivered_papers`: one row per (subscription,
 * period), claimed by inserting it (delivery-claims.ts). Every later transition is a
 * conditional UPDATE on the row's status and owner (`claimed_by`), so two workers can never
 * both move the same row forward. See core/schedule/delivery-pass.ts for the life of a row.
 */
export function createDeliveryLedger(db: Db): DeliveryLedger {
  return {
    ...createDeliveryClaims(db),

    /**
     * Rows whose lease ran out were left by a worker that crashed or lost the database. One
     * conditional UPDATE over rows locked with SKIP LOCKED: a row is taken over by exactly one
     * worker. The cut-off is `due_at + cutoffMs`.
     */
    async takeOver(options) {
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
            last_error = case when open.status = 'sending' then ${resentNote} else d.last_error end
        from open
        where d.id = open.id
        returning d.id, open.status as previous`.execute(db);
      return rows;
    },

    /**
     * Stale rows end 'failed' with no retry. Papers of rows that were certainly not sent go
     * back to the pool; a row that was mid-send keeps them (it may have arrived).
     */
    expireStale(options) {
      return inTransaction(db, async (trx) => {
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
        if (release.length) await trx.deleteFrom('delivered_papers').where('delivery_id', '=', anyInt(release)).execute();
        return rows.map((row) => ({ id: row.id, platform: row.platform }));
      });
    },

    async load(ids) {
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
          'd.cadence',
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
        cadence: row.cadence,
        dueAt: row.due_at,
        paperIds: row.paper_ids,
        reasons: row.reasons,
        attempts: row.attempts,
        lastError: row.last_error,
      }));
    },

    /** False when this worker no longer owns the row: another pass took it over, so do not send. */
    async markSending(id, workerId, leaseUntil) {
      const row = await updateHeld(db, id, workerId, 'claimed')
        .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), lease_expires_at: leaseUntil }))
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async recordSent(id, workerId, now) {
      const row = await updateHeld(db, id, workerId, 'sending')
        .set({ status: 'sent', sent_at: now, lease_expires_at: null, retry_at: null })
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** A row given up (`retryAt` null) returns its papers to the pool for later digests. */
    recordFailed(id, workerId, outcome) {
      return inTransaction(db, async (trx) => {
        const row = await updateHeld(trx, id, workerId, 'sending')
          .set({ status: 'failed', last_error: outcome.reason.slice(0, 1000), retry_at: outcome.retryAt, lease_expires_at: null })
          .returning('id')
          .executeTakeFirst();
        if (row && outcome.retryAt === null) await trx.deleteFrom('delivered_papers').where('delivery_id', '=', id).execute();
        return row !== undefined;
      });
    },

    /** Bot blocked or kicked, chat deleted: the subscription stays paused until the recipient subscribes again. */
    recordGone(id, workerId, reason, now) {
      return inTransaction(db, async (trx) => {
        const row = await updateHeld(trx, id, workerId, 'sending')
          .set({ status: 'gone', last_error: reason.slice(0, 1000), lease_expires_at: null, retry_at: null })
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
    },

    /** A heartbeat while the worker sends. */
    async renewLeases(workerId, ids, leaseUntil) {
      if (ids.length === 0) return;
      await db
        .updateTable('deliveries')
        .set({ lease_expires_at: leaseUntil })
        .where('id', '=', anyInt(ids))
        .where('claimed_by', '=', workerId)
        .where('status', 'in', ['claimed', 'sending'])
        .execute();
    },

    /** When shutting down. */
    async releaseClaims(workerId, ids, now) {
      if (ids.length === 0) return;
      await db
        .updateTable('deliveries')
        .set({ lease_expires_at: now })
        .where('id', '=', anyInt(ids))
        .where('claimed_by', '=', workerId)
        .where('status', '=', 'claimed')
        .execute();
    },

    async handBack(id, workerId, now) {
      const row = await updateHeld(db, id, workerId, 'sending')
        .set({ status: 'claimed', attempts: sql<number>`greatest(attempts - 1, 0)`, lease_expires_at: now })
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async countOpen() {
      const { rows } = await sql<{ status: DeliveryStatus; n: number }>`
        select status, count(*)::int as n from deliveries
        where status in ('claimed', 'sending') or (status = 'failed' and retry_at is not null)
        group by status`.execute(db);
      const count = (status: DeliveryStatus) => rows.find((row) => row.status === status)?.n ?? 0;
      return { claimed: count('claimed'), sending: count('sending'), retrying: count('failed') };
    },
  };
}

/**
 * The port's RESENT_NOTE, spelt out because `src/db` imports only types from the core; typed as
 * that constant's literal type, so the two cannot drift apart.
 */
const resentNote: typeof RESENT_NOTE = 'resent after a worker stopped while sending; the recipient may see this post twice';

/** `= any($1::int[])`: one parameter however many ids, so the statement plans once and quickly. */
function anyInt(ids: readonly number[]) {
  return sql<number>`any(${[...ids]}::int[])`;
}

/** The UPDATE of the one row `workerId` holds in `status`: the guard of every transition after the claim. */
function updateHeld(db: Db, id: number, workerId: string, status: DeliveryStatus) {
  return db.updateTable('deliveries').where('id', '=', id).where('claimed_by', '=', workerId).where('status', '=', status);
}
