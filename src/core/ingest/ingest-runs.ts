import type { PaperSource } from '../paper.ts';
import type { IngestLog } from '../ports/ingest-log.ts';
import { allInvalid, type IngestReport, storedCount } from './ingest-report.ts';

/** Which run to record: the source and what was fetched (a date, a category, a file). */
export interface IngestRunTarget {
  source: PaperSource;
  target: string;
}

/**
 * Runs one ingest and records it in the ingest log: ok with the stored/skipped counts, or
 * failed with the error's message (then rethrows the error). A run whose every item was
 * invalid is recorded as failed too (it returns its report): it stored nothing, and it must
 * not count as a success for /healthz. A failure to record a failed run is swallowed so that
 * the original error is the one reported.
 */
export async function recordedIngestRun<R extends IngestReport>(log: IngestLog, run: IngestRunTarget, work: () => Promise<R>): Promise<R> {
  let report: R;
  try {
    report = await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await log.record({ ...run, ok: false, stored: 0, skipped: 0, message }).catch(() => {});
    throw error;
  }
  if (allInvalid(report)) {
    const message = `every item was invalid (${report.invalid.length} of ${report.fetched})`;
    await log.record({ ...run, ok: false, stored: 0, skipped: report.invalid.length, message });
    return report;
  }
  const message = `${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged`;
  await log.record({ ...run, ok: true, stored: storedCount(report), skipped: report.invalid.length, message });
  return report;
}
