import { sql } from 'kysely';
import type { IngestLog } from '../core/ports/ingest-log.ts';
import type { Db } from './db.ts';
import type { PaperSource } from './schema.ts';

/** Finished ingest runs over `ingest_runs`, for operators (`/healthz`, metrics). */
export function createIngestLog(db: Db): IngestLog {
  return {
    async record(run) {
      await db.insertInto('ingest_runs').values(run).execute();
    },

    async lastSuccess(sources) {
      if (sources !== undefined && sources.length === 0) return undefined;
      const row = await db
        .selectFrom('ingest_runs')
        .select(['source', 'finished_at'])
        .where('ok', '=', true)
        .$if(sources !== undefined, (qb) => qb.where('source', '=', sql<PaperSource>`any(${[...sources!]}::text[])`))
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && { source: row.source, finishedAt: row.finished_at };
    },

    async totals() {
      const rows = await db
        .selectFrom('ingest_runs')
        .select((eb) => ['source', sql<number>`sum(stored)::int`.as('stored'), eb.fn.max('finished_at').as('last')])
        .where('ok', '=', true)
        .groupBy('source')
        .orderBy('source')
        .execute();
      return rows.map((row) => ({ source: row.source, stored: row.stored, lastSuccessAt: row.last }));
    },
  };
}
