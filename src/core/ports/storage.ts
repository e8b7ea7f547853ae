import type { ActionTokenStore } from './action-token-store.ts';
import type { ContentIndex } from './content-index.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { FeedbackStore } from './feedback-store.ts';
import type { IngestLog } from './ingest-log.ts';
import type { PaperLibrary } from './paper-library.ts';
import type { ProfileStore } from './profile-store.ts';
import type { RankingSignals } from './ranking-signals.ts';
import type { RecipientStore } from './recipient-store.ts';
import type { SubscriptionStore } from './subscription-store.ts';

/**
 * Everything the core keeps, as the ports it declares. `src/db` implements it over Postgres
 * (or PGlite) and `src/app.ts` plugs it in; nothing in the core knows it is SQL.
 */
export interface Storage {
  readonly papers: PaperLibrary;
  readonly recipients: RecipientStore;
  readonly feedback: FeedbackStore;
  readonly ranking: RankingSignals;
  readonly subscriptions: SubscriptionStore;
  readonly ledger: DeliveryLedger;
  readonly actionTokens: ActionTokenStore;
  readonly ingestLog: IngestLog;
  /** What papers are about (TF-IDF vectors), for `similar` and recommendations. */
  readonly content: ContentIndex;
  /** Each recipient's learned profile (votes and topic follows), materialised. */
  readonly profiles: ProfileStore;
  /**
   * Runs `work` against the same ports inside one transaction: committed when it resolves,
   * rolled back when it throws. Inside a transaction, `transaction` simply joins it.
   */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
  /** Resolves when the storage answers; rejects when it cannot be reached (health checks). */
  ping(): Promise<void>;
}
