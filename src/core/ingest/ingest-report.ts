import type { z } from 'zod';
import type { PaperInput } from '../paper.ts';
import type { PaperLibrary, StoreResult } from '../ports/paper-library.ts';
import type { Storage } from '../ports/storage.ts';

/** What an ingest writes to: the papers, and the record of runs. */
export type IngestStore = Pick<Storage, 'papers' | 'ingestLog'>;

/** One upstream item that failed validation and was skipped. */
export interface InvalidItem {
  /** Where it was: 'page 1, item 7 (2611.01234)', 'line 12', 'entry 3'. */
  where: string;
  /** The offending field as a dotted path ('paper.upvotes'), or '' for the item as a whole. */
  field: string;
  /** Why it was rejected. */
  message: string;
}

/** What one ingest run did. `inserted + updated + unchanged` papers are now stored. */
export interface IngestReport {
  /** Items the upstream returned (valid or not). */
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Items skipped because they did not validate. */
  invalid: InvalidItem[];
  /** Papers listed more than once (an import reports them; their copies were merged into one). */
  duplicates?: DuplicateItem[];
}

/** A paper listed more than once in what was ingested: where its copies were. */
export interface DuplicateItem {
  id: string;
  /** 'line 3', 'index 7': every copy, in order. */
  where: string[];
}

/** Whether a run fetched items and every one of them was invalid: it stored nothing, and that is a failure. */
export function allInvalid(report: IngestReport): boolean {
  return report.fetched > 0 && report.invalid.length >= report.fetched;
}

/** Progress of a multi-page fetch, reported after each page. */
export interface IngestProgress {
  /** Pages fetched so far (1 after the first). */
  pages: number;
  /** Items fetched so far. */
  items: number;
  /** Whether another page will be fetched. */
  more: boolean;
}

/** Called after each page, e.g. to drive a progress bar. */
export type OnIngestProgress = (progress: IngestProgress) => void;

/** The papers stored by a run: new, updated and unchanged together. */
export function storedCount(report: IngestReport): number {
  return report.inserted + report.updated + report.unchanged;
}

/** Turns a failed validation into a report line: the first problem, and how many more there were. */
export function invalidItem(where: string, error: z.ZodError): InvalidItem {
  const [first, ...rest] = error.issues;
  const message = (first?.message ?? 'invalid').replace(/^Invalid input: /, '');
  return {
    where,
    field: first ? first.path.map(String).join('.') : '',
    message: rest.length ? `${message} (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : message,
  };
}

/**
 * Stores a run's papers in one transaction (the library's `store`), so a run either stores
 * everything it collected or (when the database fails midway) nothing at all.
 */
export async function storePapers(library: PaperLibrary, papers: readonly PaperInput[]): Promise<StoreResult> {
  if (papers.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return library.store(papers);
}
