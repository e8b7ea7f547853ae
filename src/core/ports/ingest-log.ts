import type { PaperSource } from '../paper.ts';

/** One finished ingest, as recorded for operators. */
export interface IngestRun {
  source: PaperSource;
  /** What was fetched: a date, a category, a file name. */
  target: string;
  ok: boolean;
  stored: number;
  skipped: number;
  message: string;
}

/** Totals of successful runs of one source, for metrics. */
export interface IngestTotals {
  source: PaperSource;
  stored: number;
  lastSuccessAt: Date;
}

/** The record of ingest runs. */
export interface IngestLog {
  record(run: IngestRun): Promise<void>;
  /** When the latest successful run of any of `sources` (default: all) finished. */
  lastSuccess(sources?: readonly PaperSource[]): Promise<{ source: PaperSource; finishedAt: Date } | undefined>;
  /** Per source: papers stored by successful runs and when the latest one finished. */
  totals(): Promise<IngestTotals[]>;
}
