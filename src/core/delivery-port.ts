import type { Answer } from './answer.ts';
import type { PlatformFilter } from './ports/delivery-ledger.ts';
import type { RecipientRef } from './recipient.ts';

/**
 * What happened to one scheduled post. Adapters map their platform's errors onto these;
 * the scheduler decides what to do next (record, wait, pause, move, retry later).
 */
export type SendResult =
  /** Delivered. */
  | { status: 'ok' }
  /** The platform said "too many requests"; nothing was posted; try again after this long. */
  | { status: 'retry-after'; retryAfterMs: number }
  /** The recipient can no longer be reached: bot blocked or kicked, chat or channel deleted, no access. */
  | { status: 'gone'; reason: string }
  /** The chat moved to a new id (Telegram group → supergroup); nothing was posted; send there instead. */
  | { status: 'migrated'; newExternalId: string }
  /** Anything else (5xx, network). `retryable` is false for errors that will not fix themselves. */
  | { status: 'failed'; reason: string; retryable: boolean }
  /**
   * The process is stopping (`SendOptions.signal` aborted) and the post had not been handed to the
   * platform yet (it was still waiting in the adapter's queue): nothing was posted, so the
   * scheduler hands the delivery back for another pass.
   */
  | { status: 'not-sent'; reason: string };

/** How one send may be told that the process is stopping. */
export interface SendOptions {
  /**
   * Aborted when the process stops. A port may then give up a post it has not handed to the
   * platform yet (answering `not-sent`); a request already handed over must be left to finish
   * (never aborted), so its outcome is known and recorded.
   */
  signal?: AbortSignal;
}

/**
 * The port each chat adapter implements so the scheduler can post digests without
 * knowing the platform. One port per platform name (`RecipientRef.platform`).
 */
export interface DeliveryPort {
  /** The platform this port sends to; matches `RecipientRef.platform`. */
  readonly platform: string;
  /**
   * The external ids of the only recipients this port reaches; undefined: every recipient on
   * its platform. A pass claims (and takes over) only posts its ports reach, leaving the rest
   * to a process that reaches them: the terminal chat of `npm start` reaches its own user only,
   * so other terminal users' digests wait for their own chat or `paperboy deliver`.
   */
  readonly reaches?: readonly string[];
  /** Posts an answer to a user (DM / private chat) or a channel / group. Must not throw. */
  send(target: RecipientRef, answer: Answer, options?: SendOptions): Promise<SendResult>;
}

/** The recipients a set of delivery ports reaches, as the ledger's filter: each port's platform, narrowed to its `reaches` when it has one. */
export function reachOf(ports: Iterable<DeliveryPort>): Exclude<PlatformFilter, undefined> {
  return [...ports].map((port) => (port.reaches ? { platform: port.platform, externalIds: port.reaches } : port.platform));
}

/** Whether `port` reaches `externalId` on its platform. */
export function portReaches(port: DeliveryPort, externalId: string): boolean {
  return port.reaches === undefined || port.reaches.includes(externalId);
}
