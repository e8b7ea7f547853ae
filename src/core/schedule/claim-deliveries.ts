import { chooseDigests } from '../digest/choose-digests.ts';
import type { DeliveryChoice, DueSubscription, PendingDelivery, PlatformFilter, ResumePoints } from '../ports/delivery-ledger.ts';
import type { Storage } from '../ports/storage.ts';
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
  /** Only the recipients this takes (undefined: all); see PlatformFilter. */
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
export async function claimInTransaction(tx: Storage, options: ClaimOptions, resume?: ResumePoints): Promise<ClaimBatch> {
  const slots = dueSlots(await tx.ledger.activeSchedules(), options.now, options.cutoffMs);
  const due = await tx.ledger.lockDue({ slots, platforms: options.platforms, limit: options.limit, ...(resume ? { resume } : {}) });
  if (due.length === 0) return { claims: [], choices: [] };
  const choices = await chooseDigests(tx, due);
  const inserted = await tx.ledger.insert(choices, options);
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

/** The deliveries of a claim batch that have papers to send, ready to send without reading them back. */
export function pendingOf({ claims, choices }: ClaimBatch): PendingDelivery[] {
  const claimById = new Map(claims.map((c) => [c.id, c]));
  return choices.flatMap((choice) => {
    const claim = claimById.get(choice.id);
    if (!claim || choice.empty) return [];
    return [
      {
        id: choice.id,
        subscriptionId: claim.subscriptionId,
        recipientId: claim.recipientId,
        recipient: claim.recipient,
        localDate: claim.localDate,
        cadence: claim.cadence,
        dueAt: claim.dueAt,
        paperIds: choice.paperIds,
        reasons: choice.reasons,
        attempts: 0,
        lastError: null,
      },
    ];
  });
}

/** Where each storage's claim scans may resume (see ResumePoints); kept per storage. */
const resumePoints = new WeakMap<Storage, ResumePoints>();

/**
 * {@link claimInTransaction} in a transaction of its own. Successive calls on the same storage
 * (the batches of a pass) resume their scans where the previous ones stopped, so a pass over
 * N due subscriptions reads each about once.
 */
export async function claimDueDeliveries(storage: Storage, options: ClaimOptions): Promise<ClaimBatch> {
  let resume = resumePoints.get(storage);
  if (!resume) resumePoints.set(storage, (resume = new Map()));
  const points = new Map(resume);
  const batch = await storage.transaction((tx) => claimInTransaction(tx, options, points));
  // Only a committed claim moves the resume points.
  resumePoints.set(storage, points);
  return batch;
}
