import type { Kysely, Transaction } from 'kysely';
import {
  activeSchedules,
  type DeliveryChoice,
  type DueSubscription,
  insertDeliveries,
  lockDueSubscriptions,
  type PlatformFilter,
  type ResumePoints,
} from '../../db/delivery-claims.ts';
import type { Database } from '../../db/schema.ts';
import { chooseDigests } from '../digest/choose-digests.ts';
import { dueSlots } from './due-slots.ts';

/** A ledger row this worker just created, with its subscription's details. */
export interface NewClaim extends DueSubscription {
  /** The delivery (ledger row) id. */
  id: number;
}

/** What one claim step took: the new ledger rows and the papers chosen for each (same order). */
export interface ClaimBatch {
  claims: NewClaim[];
  choices: (DeliveryChoice & { id: number })[];
}

export interface ClaimOptions {
  /** Only recipients on these platforms (undefined: all). */
  platforms: PlatformFilter;
  workerId: string;
  now: Date;
  leaseUntil: Date;
  /** Catch-up cut-off: how late a post may still be claimed. */
  cutoffMs: number;
  limit: number;
}

/**
 * Claims up to `limit` due subscriptions, all in the caller's transaction: locks them, chooses
 * their papers, then inserts the ledger rows with those papers and the delivered_papers rows
 * in one statement. Claims and their papers become visible together or not at all.
 */
export async function claimInTransaction(trx: Transaction<Database>, options: ClaimOptions, resume?: ResumePoints): Promise<ClaimBatch> {
  const slots = dueSlots(await activeSchedules(trx), options.now, options.cutoffMs);
  const due = await lockDueSubscriptions(trx, { slots, platforms: options.platforms, limit: options.limit, ...(resume ? { resume } : {}) });
  if (due.length === 0) return { claims: [], choices: [] };
  const choices = await chooseDigests(trx, due);
  const inserted = await insertDeliveries(trx, choices, options);
  const ids = new Map(inserted.map((row) => [`${row.subscriptionId}@${row.localDate}`, row.id]));
  const idOf = (d: { subscriptionId: number; localDate: string }) => ids.get(`${d.subscriptionId}@${d.localDate}`);
  return {
    claims: due.flatMap((d) => {
      const id = idOf(d);
      return id === undefined ? [] : [{ ...d, id }];
    }),
    choices: choices.flatMap((c) => {
      const id = idOf(c);
      return id === undefined ? [] : [{ ...c, id }];
    }),
  };
}

/** Where each database's claim scans may resume (see ResumePoints); kept per database handle. */
const resumePoints = new WeakMap<Kysely<Database>, ResumePoints>();

/**
 * {@link claimInTransaction} in a transaction of its own. Successive calls on the same handle
 * (the batches of a pass) resume their scans where the previous ones stopped, so a pass over
 * N due subscriptions reads each about once.
 */
export async function claimDueDeliveries(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimBatch> {
  let resume = resumePoints.get(db);
  if (!resume) resumePoints.set(db, (resume = new Map()));
  const points = new Map(resume);
  const batch = await db.transaction().execute((trx) => claimInTransaction(trx, options, points));
  // Only a committed claim moves the resume points.
  resumePoints.set(db, points);
  return batch;
}
