import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** One finished ingest, as recorded for operators (and `/healthz`'s "last successful ingest"). */
export interface IngestRunRecord {
  source: string;
  target: string;
  ok: boolean;
  stored: number;
  skipped: number;
  message: string;
}

/** Records a finished ingest run. */
export async function insertIngestRun(db: Kysely<Database>, run: IngestRunRecord): Promise<void> {
  await db.insertInto('ingest_runs').values(run).execute();
}
