import { sql } from 'kysely';
import type { Storage } from '../core/ports/storage.ts';
import { createActionTokenStore } from './action-token-store.ts';
import { createContentIndex } from './content-index.ts';
import type { Db } from './db.ts';
import { createDeliveryLedger } from './delivery-ledger.ts';
import { createFeedbackStore } from './feedback-store.ts';
import { createIngestLog } from './ingest-log.ts';
import { createPaperLibrary } from './paper-library.ts';
import { createProfileStore } from './profile-store.ts';
import { createRankingSignals } from './ranking-signals.ts';
import { createRecipientStore } from './recipient-store.ts';
import { createSubscriptionStore } from './subscription-store.ts';

/**
 * Every port of the core over one database (or one transaction of it): what `src/app.ts`
 * plugs into the core. Over a transaction, every port takes part in it, and `transaction`
 * joins it rather than nesting (Kysely has no nested transactions; the outer one decides).
 */
export function createStorage(db: Db): Storage {
  const storage: Storage = {
    papers: createPaperLibrary(db),
    recipients: createRecipientStore(db),
    feedback: createFeedbackStore(db),
    ranking: createRankingSignals(db),
    subscriptions: createSubscriptionStore(db),
    ledger: createDeliveryLedger(db),
    actionTokens: createActionTokenStore(db),
    ingestLog: createIngestLog(db),
    content: createContentIndex(db),
    profiles: createProfileStore(db),
    transaction(work) {
      if (db.isTransaction) return work(storage);
      return db.transaction().execute((trx) => work(createStorage(trx)));
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
  };
  return storage;
}
