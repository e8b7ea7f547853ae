import type { Logger } from 'pino';
import type { Answer } from '../answer.ts';
import type { Clock } from '../clock.ts';
import type { DeliveryPort, SendResult } from '../delivery-port.ts';
import type { PendingDelivery } from '../ports/delivery-ledger.ts';
import type { Storage } from '../ports/storage.ts';
import { describeRecipient, type RecipientRef } from '../recipient.ts';
import type { DeliveryObserver, DeliveryOutcome } from './delivery-observer.ts';
import { type PlatformGate, type Sleep, untilAborted } from './platform-gate.ts';

/** What sending one delivery needs from its pass. */
export interface SendSettings {
  storage: Pick<Storage, 'ledger' | 'recipients'>;
  workerId: string;
  clock: Clock;
  /** Lease while inside the platform call; the pass's heartbeat keeps renewing it. */
  leaseMs: number;
  gate: PlatformGate;
  sleep: Sleep;
  /** Waits before retrying a retryable failure (5xx, network) within the pass; then the row is left to a later pass. */
  retryDelaysMs: readonly number[];
  /** Send passes a row gets (counted in `attempts`) before it is given up. */
  maxAttempts: number;
  /** Total 429 waiting one send may do in a pass before it is left to a later pass. */
  maxRateLimitWaitMs: number;
  log: Logger;
  observer?: DeliveryObserver | undefined;
  /**
   * Aborted when the process stops: a post not yet handed to the platform (waiting out a 429,
   * a retry delay, or in the adapter's queue) is handed back for another pass; a platform call
   * under way is left to finish and its outcome recorded.
   */
  signal?: AbortSignal | undefined;
}

/**
 * How sending ended: an outcome, 'skipped' (the row is no longer ours), 'released' (stopping:
 * handed back unsent for another pass) or 'unrecorded' (sent or failed, but the database would
 * not take the outcome).
 */
export type SendOutcome = DeliveryOutcome | 'skipped' | 'released' | 'unrecorded';

/** A chat that keeps migrating is a bug somewhere; stop following it after this many moves. */
const MAX_MIGRATIONS = 3;
/** Writes of an outcome are retried this way before giving up (a database blip must not cost a post its record). */
const RECORD_RETRY_DELAYS_MS = [250, 1000, 4000];

/** When a later pass retries a row that failed `attempts` times: 2, 4, 8, 16 … minutes, at most 30. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(2 * 60_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Sends one claimed delivery and records the outcome:
 * - marks the row 'sending' (only if this worker still owns it), then calls the port;
 * - ok → 'sent'; gone → 'gone' and the subscription is paused with the reason;
 * - migrated → the recipient moves to its new id and the same post goes there;
 * - retry-after → the platform's gate closes for that long and the same send is retried
 *   (later sends to the platform queue behind it, so order is kept);
 * - failed retryable → retried after `retryDelaysMs`, then left 'failed' for a later pass
 *   (with backoff) until `maxAttempts`; not retryable → 'failed' for good;
 * - stopping (`s.signal`) before the post reached the platform → handed back ('claimed', lease
 *   ended, attempt not counted) for the next pass, here or on another instance.
 */
export async function sendDelivery(s: SendSettings, port: DeliveryPort, delivery: PendingDelivery, answer: Answer): Promise<SendOutcome> {
  if (!(await s.storage.ledger.markSending(delivery.id, s.workerId, new Date(s.clock().getTime() + s.leaseMs)))) return 'skipped';
  const attempts = delivery.attempts + 1;
  const log = s.log.child({ delivery: delivery.id, subscription: delivery.subscriptionId, localDate: delivery.localDate });
  let target: RecipientRef = delivery.recipient;
  let failures = 0;
  let rateLimitWaitMs = 0;
  let migrations = 0;

  for (;;) {
    await s.gate.wait(target.platform, s.signal);
    if (s.signal?.aborted) return handBack(s, log, delivery.id);
    const result = await safeSend(port, target, answer, s.signal);
    switch (result.status) {
      case 'not-sent':
        if (s.signal?.aborted) return handBack(s, log, delivery.id);
        // Only a stopping pass may be answered so; from anywhere else it is a failure to retry.
        return fail(s, log, delivery.id, attempts, target, { reason: result.reason, retryable: true });
      case 'ok':
        return record(s, log, 'sent', () => s.storage.ledger.recordSent(delivery.id, s.workerId, s.clock()), target);
      case 'gone':
        log.info({ recipient: describeRecipient(target), reason: result.reason }, 'recipient gone: pausing its subscription');
        return record(s, log, 'gone', () => s.storage.ledger.recordGone(delivery.id, s.workerId, result.reason, s.clock()), target);
      case 'retry-after': {
        s.observer?.rateLimited?.(target.platform, result.retryAfterMs);
        rateLimitWaitMs += result.retryAfterMs;
        if (rateLimitWaitMs > s.maxRateLimitWaitMs) {
          return fail(s, log, delivery.id, attempts, target, { reason: `rate limited for over ${Math.round(s.maxRateLimitWaitMs / 1000)} s`, retryable: true });
        }
        s.gate.pause(target.platform, result.retryAfterMs);
        continue;
      }
      case 'migrated': {
        if (++migrations > MAX_MIGRATIONS) {
          return fail(s, log, delivery.id, attempts, target, { reason: `chat migrated more than ${MAX_MIGRATIONS} times in one send`, retryable: false });
        }
        log.info({ from: target.externalId, to: result.newExternalId }, 'chat migrated: moving the recipient and sending there');
        await s.storage.recipients.move(target.platform, target.externalId, result.newExternalId);
        target = { ...target, externalId: result.newExternalId };
        continue;
      }
      case 'failed': {
        if (result.retryable && failures < s.retryDelaysMs.length) {
          log.debug({ reason: result.reason }, 'send failed; retrying');
          await untilAborted(s.sleep(s.retryDelaysMs[failures++] ?? 0, s.signal), s.signal);
          continue;
        }
        return fail(s, log, delivery.id, attempts, target, result);
      }
    }
  }
}

async function fail(
  s: SendSettings,
  log: Logger,
  id: number,
  attempts: number,
  target: RecipientRef,
  result: { reason: string; retryable: boolean },
): Promise<SendOutcome> {
  const retry = result.retryable && attempts < s.maxAttempts;
  const retryAt = retry ? new Date(s.clock().getTime() + retryBackoffMs(attempts)) : null;
  log.warn(
    { recipient: describeRecipient(target), reason: result.reason, attempts, retryAt },
    retry ? 'send failed; a later pass retries' : 'send failed for good',
  );
  return record(s, log, retry ? 'retrying' : 'failed', () => s.storage.ledger.recordFailed(id, s.workerId, { reason: result.reason, retryAt }), target);
}

/** Stopping: the row goes back to 'claimed' for the next pass (nothing reached the platform). */
async function handBack(s: SendSettings, log: Logger, id: number): Promise<SendOutcome> {
  try {
    const owned = await s.storage.ledger.handBack(id, s.workerId, s.clock());
    log.info({ owned }, 'stopping: delivery handed back unsent for the next pass');
    return owned ? 'released' : 'skipped';
  } catch (error) {
    log.error({ err: error }, 'could not hand the delivery back; it is resumed after its lease');
    return 'unrecorded';
  }
}

/** Calls the port; a port that throws (it must not) counts as a retryable failure. */
async function safeSend(port: DeliveryPort, target: RecipientRef, answer: Answer, signal: AbortSignal | undefined): Promise<SendResult> {
  try {
    return await port.send(target, answer, signal ? { signal } : undefined);
  } catch (error) {
    return { status: 'failed', reason: error instanceof Error ? error.message : String(error), retryable: true };
  }
}

/**
 * Writes an outcome, retrying database errors a few times. If the row is no longer ours, or the
 * write never succeeds, the row stays 'sending' and another pass resends it once the lease is
 * over: the documented at-least-once point.
 */
async function record(s: SendSettings, log: Logger, outcome: DeliveryOutcome, write: () => Promise<boolean>, target: RecipientRef): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      const owned = await write();
      if (!owned) log.error({ outcome }, 'delivery row was taken over while sending; another pass may post it again');
      s.observer?.outcome?.(target.platform, outcome);
      return outcome;
    } catch (error) {
      const delay = RECORD_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        log.error({ err: error, outcome }, 'could not record the outcome; the row is resent after its lease');
        return 'unrecorded';
      }
      log.warn({ err: error, outcome }, 'recording the outcome failed; retrying');
      await s.sleep(delay);
    }
  }
}
