import type { PaperInput } from '../paper.ts';
import { checkHfItem, hfItemToPaperInput } from './hf-daily-item.ts';
import { fetchJson, UpstreamError } from './http-client.ts';
import { type IngestReport, type IngestStore, type InvalidItem, type OnIngestProgress, storePapers } from './ingest-report.ts';
import { recordedIngestRun } from './ingest-runs.ts';

/** Items per page asked of Hugging Face (its default and maximum page size). */
export const HF_PAGE_SIZE = 50;
/** A day has far fewer than 20 × 50 papers; more pages means the server ignores `p`. */
export const HF_MAX_PAGES = 20;

const UPSTREAM = 'Hugging Face';

/** What to ingest from Hugging Face daily papers. */
export interface IngestHfDayOptions {
  store: IngestStore;
  /** `HF_API_ROOT`, e.g. https://huggingface.co (no trailing slash). */
  root: string;
  /** The day to ingest, 'YYYY-MM-DD'; stored as each paper's featured day. */
  date: string;
  /** Per-request timeout (`HTTP_TIMEOUT_MS`). */
  timeoutMs: number;
  onProgress?: OnIngestProgress;
  /** Items per page (default {@link HF_PAGE_SIZE}); tests use small pages. */
  pageSize?: number;
  /** Stop after this many pages (default {@link HF_MAX_PAGES}). */
  maxPages?: number;
}

/** An HF ingest report; `truncated` is set when the page guard stopped paging early. */
export interface HfIngestReport extends IngestReport {
  truncated: boolean;
}

/**
 * Fetches every page of one day of Hugging Face daily papers, validates each item (invalid
 * ones are reported and skipped) and upserts the valid ones; records the run in `ingest_runs`.
 *
 * All-or-nothing: pages are collected first and stored in one transaction at the end, so a
 * run that fails on page 3 (network, timeout, HTML page, 429) throws {@link UpstreamError}
 * and leaves the database exactly as it was: nothing already stored is lost or changed, and
 * no half-fetched day is served. The next poll fetches the whole day again.
 */
export async function ingestHfDay(options: IngestHfDayOptions): Promise<HfIngestReport> {
  const { store, date } = options;
  return recordedIngestRun(store.ingestLog, { source: 'hf', target: date }, async () => {
    const { papers, invalid, fetched, truncated } = await fetchHfDay(options);
    const counts = await storePapers(store.papers, papers);
    return { fetched, ...counts, invalid, truncated };
  });
}

interface FetchedDay {
  papers: PaperInput[];
  invalid: InvalidItem[];
  fetched: number;
  truncated: boolean;
}

async function fetchHfDay(options: IngestHfDayOptions): Promise<FetchedDay> {
  const { root, date, timeoutMs, onProgress } = options;
  const pageSize = options.pageSize ?? HF_PAGE_SIZE;
  const maxPages = options.maxPages ?? HF_MAX_PAGES;
  const day: FetchedDay = { papers: [], invalid: [], fetched: 0, truncated: false };
  for (let page = 0; page < maxPages; page++) {
    const url = `${root}/api/daily_papers?${new URLSearchParams({ date, p: String(page), limit: String(pageSize) })}`;
    const items = await fetchJson(url, { upstream: UPSTREAM, timeoutMs });
    if (!Array.isArray(items)) {
      throw new UpstreamError('bad-payload', `${UPSTREAM} answered with ${describeJson(items)} instead of a list of papers for ${url}`, {
        upstream: UPSTREAM,
        url,
      });
    }
    items.forEach((raw, index) => {
      const check = checkHfItem(raw, `page ${page}, item ${index}`);
      if (check.ok) day.papers.push(hfItemToPaperInput(check.item, { source: 'hf', featuredOn: date }));
      else day.invalid.push(check.invalid);
    });
    day.fetched += items.length;
    const more = items.length >= pageSize;
    day.truncated = more && page === maxPages - 1;
    onProgress?.({ pages: page + 1, items: day.fetched, more: more && !day.truncated });
    if (!more) break;
  }
  return day;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a JSON object' : `a JSON ${typeof value}`;
}
