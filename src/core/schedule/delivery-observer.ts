/** How one delivery ended in a pass. */
export type DeliveryOutcome =
  /** Posted. */
  | 'sent'
  /** Nothing new to post and the subscriber does not want empty posts. */
  | 'empty'
  /** Failed for good (not retryable, out of attempts). */
  | 'failed'
  /** Failed; a later pass retries it. */
  | 'retrying'
  /** The recipient is unreachable; its subscription was paused. */
  | 'gone'
  /** Given up past the catch-up cut-off. */
  | 'expired';

/**
 * Hooks the delivery pass calls as it works, so metrics can count without core knowing
 * about prom-client (src/ops/metrics.ts implements it). Every member is optional.
 */
export interface DeliveryObserver {
  /** One delivery reached an outcome on `platform`. */
  outcome?(platform: string, outcome: DeliveryOutcome): void;
  /** A platform answered "too many requests" and the pass waits `waitMs` before that send again. */
  rateLimited?(platform: string, waitMs: number): void;
  /** A row another worker left was taken over: 'claimed' resumed, 'sending' resent, 'failed' retried. */
  tookOver?(previous: 'claimed' | 'sending' | 'failed'): void;
}
