import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { DeliveryLedger } from '../ports/delivery-ledger.ts';

/** Keeps the leases of the rows a pass holds alive while it works on them. */
export interface LeaseKeeper {
  hold(ids: Iterable<number>): void;
  drop(id: number): void;
  /** Stops renewing (the rows' leases then run out on their own). */
  stop(): void;
}

/**
 * Renews, every third of a lease, the leases of the rows this worker holds, so that a lease
 * only runs out when its worker is gone (crashed, or cut off from the database for a whole
 * lease). A slow platform call therefore never lets a second worker resend a live row.
 */
export function keepLeases(options: { ledger: DeliveryLedger; workerId: string; clock: Clock; leaseMs: number; log: Logger }): LeaseKeeper {
  const held = new Set<number>();
  const timer = setInterval(
    () => {
      if (held.size === 0) return;
      const until = new Date(options.clock().getTime() + options.leaseMs);
      options.ledger.renewLeases(options.workerId, [...held], until).catch((error: unknown) => {
        options.log.warn({ err: error, rows: held.size }, 'renewing delivery leases failed');
      });
    },
    Math.max(250, Math.floor(options.leaseMs / 3)),
  );
  timer.unref();
  return {
    hold(ids) {
      for (const id of ids) held.add(id);
    },
    drop(id) {
      held.delete(id);
    },
    stop() {
      clearInterval(timer);
      held.clear();
    },
  };
}
