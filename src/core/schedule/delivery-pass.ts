import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Answer } from '../answer.ts';
import type { Clock } from '../clock.ts';
import { type DeliveryPort, portReaches, reachOf } from '../delivery-port.ts';
import { digestAnswers } from '../digest/digest-answer.ts';
import type { PendingDelivery, TakenOver } from '../ports/delivery-ledger.ts';
import type { Storage } from '../ports/storage.ts';
import type { RecipientRef } from '../recipient.ts';
import { type ClaimOptions, claimDueDeliveries, claimInTransaction, pendingOf } from './claim-deliveries.ts';
import type { DeliveryObserver } from './delivery-observer.ts';
import { cutoffMs } from './due-slots.ts';
import { keepLeases, type LeaseKeeper } from './lease-keeper.ts';
import { PlatformGate, realSleep, type Sleep } from './platform-gate.ts';
import { type SendOutcome, type SendSettings, sendDelivery } from './send-delivery.ts';

/**
 * One delivery pass: claim what is due, choose papers, send, record.
 *
 * Life of a ledger row (`deliveries`, unique per subscription and period: a local date for a
 * daily digest, a local week for a weekly one):
 *
 *   (none) ──claim──▶ claimed ──mark──▶ sending ──▶ sent | gone | failed
 *                       │                              failed ──retry_at──▶ claimed
 *                       └──▶ empty (nothing new, no empty posts wanted)
 *
 * - Claim = INSERT of the row in the transaction that also stores the chosen papers (and
 *   delivered_papers), so a claim and its papers appear together. The unique key makes a
 *   second instance's insert do nothing; `FOR UPDATE SKIP LOCKED` on the subscription makes
 *   it move on to other subscriptions instead of waiting.
 * - Every later step is a conditional UPDATE on (status, claimed_by): whoever loses a race
 *   changes nothing and skips the row.
 * - Leases: a worker renews the leases of the rows it holds (every third of `leaseMs`). A
 *   'claimed' row whose lease ran out (its worker died before sending) is taken over by
 *   exactly one later pass and sent once: nothing had been sent.
 * - Crash after sending, before recording: the row is left 'sending'. Without an idempotency
 *   key on the platforms (Telegram and Discord have none for messages) nobody can know
 *   whether the post arrived. paperboy chooses at-least-once at this single point: when the
 *   'sending' lease runs out, a later pass sends the same digest again, notes it in
 *   last_error (`RESENT_NOTE` in ports/delivery-ledger.ts) and counts it. The window is kept small: a row is
 *   'sending' only for its own platform call (not while it waits in the queue), outcomes
 *   are written right after the call with retries on database errors, and shutdown waits
 *   for calls in flight and hands unsent claims back instead of abandoning them.
 * - Rows still open past the catch-up cut-off are given up ('failed', no retry).
 */
export interface DeliveryPassOptions {
  storage: Storage;
  /**
   * Delivery ports by platform. Subscriptions on platforms without one, or of recipients their
   * port does not reach (`DeliveryPort.reaches`), are left for an instance that reaches them.
   */
  ports: ReadonlyMap<string, DeliveryPort>;
  clock: Clock;
  /** Who claims (hostname:pid by default); recorded in claimed_by. */
  workerId?: string;
  /** How late a missed post may still go out (DELIVERY_CATCH_UP_HOURS); at least `MIN_CUTOFF_MS` (10 min). */
  catchUpHours: number;
  /** Lease on claimed and sending rows (default 60 s); a crashed worker's rows are taken over after it. */
  leaseMs?: number;
  /** Compose and preview what would be sent; claims nothing (everything is rolled back) and sends nothing. */
  dryRun?: boolean;
  log: Logger;
  /** Deliveries claimed per transaction (default 500). */
  batchSize?: number;
  /**
   * Sends in flight at once (default 32); the adapters pace each platform. Posts of several
   * messages spend a second per message in their chat, so fewer than ~30 in flight leave
   * Telegram's 30 messages/s unused (8 reached 55 % on a channel-heavy mix, docs/benchmarks.md).
   */
  concurrency?: number;
  /** In-pass retry waits for 5xx/network failures (default 1 s, 5 s). */
  retryDelaysMs?: readonly number[];
  /** Passes one delivery may be attempted in before it is given up (default 5). */
  maxAttempts?: number;
  /** 429 waiting one send may do in a pass before it is left to a later pass (default 5 min). */
  maxRateLimitWaitMs?: number;
  observer?: DeliveryObserver;
  /** Abort to stop: no new claims, unsent claims are handed back, calls in flight finish. */
  signal?: AbortSignal;
  /** Injectable wait, for tests. */
  sleep?: Sleep;
}

/** What a dry run would post, or what a pass claimed. */
export interface DigestPreview {
  subscriptionId: number;
  recipient: RecipientRef;
  localDate: string;
  dueAt: Date | null;
  /** new: claimed now; resume: left claimed by a stopped worker; resend: left mid-send; retry: failed before. */
  source: 'new' | 'resume' | 'resend' | 'retry';
  /** The post, or null when nothing would be posted (nothing new, empty posts off). */
  answer: Answer | null;
}

/** Counts of one pass. */
export interface DeliveryPassResult {
  /** New ledger rows (claims). */
  claimed: number;
  /** Rows taken over from stopped workers or earlier failures, by their previous status. */
  tookOver: { claimed: number; sending: number; failed: number };
  sent: number;
  empty: number;
  failed: number;
  retrying: number;
  gone: number;
  /** Given up past the catch-up cut-off. */
  expired: number;
  /** Claimed by someone else before we got to send them. */
  skipped: number;
  /** Stopping (the pass's signal aborted): claims handed back unsent, for the next pass here or on another instance. */
  released: number;
  /** Sent or failed, but the outcome could not be written (resent after the lease). */
  unrecorded: number;
  /** Dry run only: what would be posted. */
  previews: DigestPreview[];
}

function emptyResult(): DeliveryPassResult {
  return {
    claimed: 0,
    tookOver: { claimed: 0, sending: 0, failed: 0 },
    sent: 0,
    empty: 0,
    failed: 0,
    retrying: 0,
    gone: 0,
    expired: 0,
    skipped: 0,
    released: 0,
    unrecorded: 0,
    previews: [],
  };
}

/** A worker id that tells operators which process claimed a row. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
}

/** Runs one delivery pass as of `clock()`; see the module comment for the guarantees. */
export async function runDeliveryPass(options: DeliveryPassOptions): Promise<DeliveryPassResult> {
  const o = {
    workerId: options.workerId ?? defaultWorkerId(),
    leaseMs: options.leaseMs ?? 60_000,
    batchSize: options.batchSize ?? 500,
    concurrency: Math.max(1, options.concurrency ?? 32),
    sleep: options.sleep ?? realSleep,
    cutoff: cutoffMs(options.catchUpHours),
    maxAttempts: options.maxAttempts ?? 5,
  };
  if (options.dryRun) return previewPass(options, o);

  const { storage, clock, log } = options;
  const { ledger } = storage;
  const result = emptyResult();
  // Only what the ports reach is claimed or taken over; the rest waits for a process that reaches it.
  const platforms = reachOf(options.ports.values());
  if (platforms.length === 0) return result;

  for (const row of await ledger.expireStale({ now: clock(), cutoffMs: o.cutoff })) {
    result.expired++;
    options.observer?.outcome?.(row.platform, 'expired');
  }

  const settings: SendSettings = {
    storage,
    workerId: o.workerId,
    clock,
    leaseMs: o.leaseMs,
    gate: new PlatformGate(o.sleep),
    sleep: o.sleep,
    retryDelaysMs: options.retryDelaysMs ?? [1000, 5000],
    maxAttempts: o.maxAttempts,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 5 * 60_000,
    log,
    observer: options.observer,
    signal: options.signal,
  };
  const leases = keepLeases({ ledger, workerId: o.workerId, clock, leaseMs: o.leaseMs, log });
  try {
    while (!options.signal?.aborted) {
      const now = clock();
      const leaseUntil = new Date(now.getTime() + o.leaseMs);
      const taken = await ledger.takeOver({
        workerId: o.workerId,
        now,
        leaseUntil,
        cutoffMs: o.cutoff,
        limit: o.batchSize,
        platforms,
        maxAttempts: o.maxAttempts,
      });
      countTakeOvers(result, taken, options.observer, log);
      const claimOptions: ClaimOptions = { platforms, workerId: o.workerId, now, leaseUntil, cutoffMs: o.cutoff, limit: o.batchSize - taken.length };
      const { claims, choices } = claimOptions.limit > 0 ? await claimDueDeliveries(storage, claimOptions) : { claims: [], choices: [] };
      if (taken.length === 0 && claims.length === 0) break;
      result.claimed += claims.length;
      const claimById = new Map(claims.map((c) => [c.id, c]));
      for (const choice of choices.filter((c) => c.empty)) {
        result.empty++;
        options.observer?.outcome?.(claimById.get(choice.id)?.recipient.platform ?? 'unknown', 'empty');
      }
      // New claims carry everything needed to send them; rows taken over are read back.
      const fresh = pendingOf({ claims, choices });
      const pending = [...(await ledger.load(taken.map((t) => t.id))), ...fresh];
      leases.hold(pending.map((d) => d.id));
      await sendBatch(options, settings, leases, pending, result, o.concurrency);
    }
  } finally {
    leases.stop();
  }
  if (result.claimed || result.sent || result.failed || result.gone || result.expired || result.released) {
    const { previews: _, ...counts } = result;
    log.info(counts, 'delivery pass done');
  }
  return result;
}

function countTakeOvers(result: DeliveryPassResult, taken: readonly TakenOver[], observer: DeliveryObserver | undefined, log: Logger): void {
  for (const row of taken) {
    if (row.previous === 'claimed' || row.previous === 'sending' || row.previous === 'failed') {
      result.tookOver[row.previous]++;
      observer?.tookOver?.(row.previous);
    }
    if (row.previous === 'sending') log.warn({ delivery: row.id }, 'resending a delivery whose worker stopped mid-send (at-least-once)');
  }
}

/**
 * Sends claimed rows in due order with at most `concurrency` in flight. When the pass's signal
 * aborts, no further row is started and the rows not started are handed back at once (their
 * lease ends now), while the sends under way finish and record their outcome.
 */
async function sendBatch(
  options: DeliveryPassOptions,
  settings: SendSettings,
  leases: LeaseKeeper,
  pending: PendingDelivery[],
  result: DeliveryPassResult,
  concurrency: number,
): Promise<void> {
  const signal = options.signal;
  let next = 0;
  let releasing: Promise<void> = Promise.resolve();
  const releaseUnstarted = () => {
    const unsent = pending.slice(next).map((d) => d.id);
    next = pending.length;
    if (unsent.length === 0) return;
    result.released += unsent.length;
    for (const id of unsent) leases.drop(id);
    releasing = releasing.then(() => options.storage.ledger.releaseClaims(settings.workerId, unsent, settings.clock()));
  };
  if (signal?.aborted) releaseUnstarted();
  signal?.addEventListener('abort', releaseUnstarted, { once: true });
  try {
    const answers = next < pending.length ? await digestAnswers(options.storage.papers, pending) : new Map<number, Answer>();
    const worker = async () => {
      while (next < pending.length && !signal?.aborted) {
        const delivery = pending[next++]!;
        const outcome = await sendOne(options, settings, delivery, answers.get(delivery.id)!);
        leases.drop(delivery.id);
        result[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', releaseUnstarted);
  }
  // Shutting down: the claims we will not send go to the next pass right away.
  await releasing;
}

async function sendOne(options: DeliveryPassOptions, settings: SendSettings, delivery: PendingDelivery, answer: Answer): Promise<SendOutcome> {
  const port = options.ports.get(delivery.recipient.platform);
  if (!port || !portReaches(port, delivery.recipient.externalId)) return 'skipped';
  try {
    return await sendDelivery(settings, port, delivery, answer);
  } catch (error) {
    // A database error before or after the platform call: the row keeps its lease and is resumed.
    settings.log.error({ err: error, delivery: delivery.id }, 'delivery failed unexpectedly; a later pass resumes it');
    return 'unrecorded';
  }
}

class Rollback extends Error {}

/**
 * The dry run: the same claim, takeover and composition steps in one transaction that is
 * rolled back, so the preview is exactly what a real pass would choose and nothing is kept.
 * Covers every platform, with or without a port.
 */
async function previewPass(
  options: DeliveryPassOptions,
  o: { workerId: string; leaseMs: number; batchSize: number; cutoff: number; maxAttempts: number },
): Promise<DeliveryPassResult> {
  const result = emptyResult();
  const now = options.clock();
  const leaseUntil = new Date(now.getTime() + o.leaseMs);
  try {
    await options.storage.transaction(async (tx) => {
      const sources = new Map<number, DigestPreview['source']>();
      for (;;) {
        const taken = await tx.ledger.takeOver({
          workerId: o.workerId,
          now,
          leaseUntil,
          cutoffMs: o.cutoff,
          limit: o.batchSize,
          platforms: undefined,
          maxAttempts: o.maxAttempts,
        });
        if (taken.length === 0) break;
        countTakeOvers(result, taken, undefined, options.log);
        for (const row of taken) sources.set(row.id, row.previous === 'claimed' ? 'resume' : row.previous === 'sending' ? 'resend' : 'retry');
      }
      const empty = new Set<number>();
      for (;;) {
        const { claims, choices } = await claimInTransaction(tx, {
          platforms: undefined,
          workerId: o.workerId,
          now,
          leaseUntil,
          cutoffMs: o.cutoff,
          limit: o.batchSize,
        });
        if (claims.length === 0) break;
        result.claimed += claims.length;
        for (const claim of claims) sources.set(claim.id, 'new');
        for (const choice of choices) if (choice.empty) empty.add(choice.id);
      }
      result.empty = empty.size;
      const pending = await tx.ledger.load([...sources.keys()]);
      const answers = await digestAnswers(tx.papers, pending);
      result.previews = pending.map((d) => ({
        subscriptionId: d.subscriptionId,
        recipient: d.recipient,
        localDate: d.localDate,
        dueAt: d.dueAt,
        source: sources.get(d.id) ?? 'new',
        answer: empty.has(d.id) ? null : (answers.get(d.id) ?? null),
      }));
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result;
}
