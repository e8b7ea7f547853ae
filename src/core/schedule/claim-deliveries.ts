import type { Kysely, Transaction } from 'kysely';
import { activeSchedules, type DeliveryChoice, insertClaims, type NewClaim, type PlatformFilter, recordChoices } from '../../db/deliveries.ts';
import type { Database } from '../../db/schema.ts';
import { chooseDigests } from '../digest/choose-digests.ts';
import { dueSlots } from './due-slots.ts';

/** What one claim step took: the new ledger rows and the papers chosen for each. */
export interface ClaimBatch {
  claims: NewClaim[];
  choices: DeliveryChoice[];
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
 * Claims up to `limit` due subscriptions and chooses their papers, all in the caller's
 * transaction: the ledger rows, their paper ids and reasons, and the delivered_papers rows
 * become visible together or not at all.
 */
export async function claimInTransaction(trx: Transaction<Database>, options: ClaimOptions): Promise<ClaimBatch> {
  const slots = dueSlots(await activeSchedules(trx, options.platforms), options.now, options.cutoffMs);
  if (slots.length === 0) return { claims: [], choices: [] };
  const claims = await insertClaims(trx, { ...options, slots });
  const choices = await chooseDigests(trx, claims);
  await recordChoices(trx, choices, options.now);
  return { claims, choices };
}

/** {@link claimInTransaction} in a transaction of its own. */
export async function claimDueDeliveries(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimBatch> {
  return db.transaction().execute((trx) => claimInTransaction(trx, options));
}
