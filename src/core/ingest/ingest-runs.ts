import type { Kysely } from 'kysely';
import { insertIngestRun as insertRun } from '../../db/ingest-runs.ts';
import type { Database } from '../../db/schema.ts';
import type { PaperSource } from '../paper.ts';
import { type IngestReport, storedCount } from './ingest-report.ts';

/** Which run to record: the source and what was fetched (a date, a category, a file). */
export interface IngestRunTarget {
  source: PaperSource;
  target: string;
}

/**
 * Runs one ingest and records it in `ingest_runs`: ok with the stored/skipped counts, or
 * failed with the error's message (then rethrows the error). A failure to record a failed
 * run is swallowed so that the original error is the one reported.
 */
export async function recordedIngestRun<R extends IngestReport>(
  db: Kysely<Database>,
  run: IngestRunTarget,
  work: () => Promise<R>,
): Promise<R> {
  let report: R;
  try {
    report = await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await insertRun(db, { ...run, ok: false, stored: 0, skipped: 0, message }).catch(() => {});
    throw error;
  }
  const message = `${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged`;
  await insertRun(db, { ...run, ok: true, stored: storedCount(report), skipped: report.invalid.length, message });
  return report;
}
