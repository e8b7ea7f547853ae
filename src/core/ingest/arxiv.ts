import { type ArxivPaper, NotAtomError, parseAtomPage } from './arxiv-atom.ts';
import { arxivLimiter, type RequestLimiter } from './arxiv-limiter.ts';
import { fetchText, UpstreamError } from './http-client.ts';
import { type IngestReport, type IngestStore, type InvalidItem, type OnIngestProgress, storePapers } from './ingest-report.ts';
import { recordedIngestRun } from './ingest-runs.ts';

/** Entries per request; large pages mean fewer 3-second waits. */
export const ARXIV_PAGE_SIZE = 200;
/** Safety stop: 100 pages of 200 covers a month of even the busiest category. */
export const ARXIV_MAX_PAGES = 100;

const UPSTREAM = 'arXiv';
const DAY_MS = 24 * 60 * 60 * 1000;

/** What to ingest from the arXiv query API. */
export interface IngestArxivOptions {
  store: IngestStore;
  /** `ARXIV_API_ROOT`, e.g. https://export.arxiv.org (no trailing slash). */
  root: string;
  /** An arXiv category such as 'cs.LG'. */
  category: string;
  /** Papers first submitted within this many days before `now`. */
  days: number;
  now: Date;
  /** Per-request timeout (`HTTP_TIMEOUT_MS`). */
  timeoutMs: number;
  onProgress?: OnIngestProgress;
  /** Spacing of requests (default: the process-wide {@link arxivLimiter}, one per 3 s). */
  limiter?: RequestLimiter;
  /** Entries per request (default {@link ARXIV_PAGE_SIZE}). */
  pageSize?: number;
  /** Stop after this many pages (default {@link ARXIV_MAX_PAGES}). */
  maxPages?: number;
}

/**
 * Fetches a category's recent submissions from the arXiv query API, newest first, page by
 * page until the entries are older than `days` back; validates each entry (invalid ones are
 * reported and skipped) and upserts the papers under their versionless ids. Every request
 * goes through the limiter, honouring arXiv's one-request-per-3-seconds rule.
 *
 * All-or-nothing like {@link ingestHfDay}: pages are collected first and stored in one
 * transaction, so a failure throws {@link UpstreamError} and changes no paper.
 */
export async function ingestArxivCategory(options: IngestArxivOptions): Promise<IngestReport> {
  const { store, category } = options;
  return recordedIngestRun(store.ingestLog, { source: 'arxiv', target: category }, async () => {
    const { papers, invalid, fetched } = await fetchRecent(options);
    const counts = await storePapers(store.papers, papers);
    return { fetched, ...counts, invalid };
  });
}

async function fetchRecent(options: IngestArxivOptions): Promise<{ papers: ArxivPaper[]; invalid: InvalidItem[]; fetched: number }> {
  const { root, category, timeoutMs, onProgress } = options;
  const limiter = options.limiter ?? arxivLimiter;
  const pageSize = options.pageSize ?? ARXIV_PAGE_SIZE;
  const maxPages = options.maxPages ?? ARXIV_MAX_PAGES;
  const cutoff = options.now.getTime() - options.days * DAY_MS;
  const found = { papers: [] as ArxivPaper[], invalid: [] as InvalidItem[], fetched: 0 };
  for (let pageNumber = 0; pageNumber < maxPages; pageNumber++) {
    const start = pageNumber * pageSize;
    const query = new URLSearchParams({
      search_query: `cat:${category}`,
      start: String(start),
      max_results: String(pageSize),
      sortBy: 'submittedDate',
      sortOrder: 'descending',
    });
    const url = `${root}/api/query?${query}`;
    const xml = await limiter.schedule(() => fetchText(url, { upstream: UPSTREAM, timeoutMs, accept: 'application/atom+xml' }));
    const page = parseOrThrow(xml, start, url);
    const recent = page.papers.filter((paper) => paper.publishedAt.getTime() >= cutoff);
    found.papers.push(...recent);
    found.invalid.push(...page.invalid);
    found.fetched += page.entryCount;
    const reachedOlder = recent.length < page.papers.length;
    const exhausted = page.entryCount < pageSize || (page.totalResults !== undefined && start + page.entryCount >= page.totalResults);
    const more = !reachedOlder && !exhausted && pageNumber < maxPages - 1;
    onProgress?.({ pages: pageNumber + 1, items: found.fetched, more });
    if (!more) break;
  }
  return found;
}

function parseOrThrow(xml: string, start: number, url: string): ReturnType<typeof parseAtomPage> {
  let page: ReturnType<typeof parseAtomPage>;
  try {
    page = parseAtomPage(xml, start);
  } catch (error) {
    if (!(error instanceof NotAtomError)) throw error;
    // The message carries the parser's; chained as `cause` it would be logged twice.
    throw new UpstreamError('bad-payload', `${UPSTREAM} answered ${error.message} for ${url}`, { upstream: UPSTREAM, url });
  }
  if (page.apiError) {
    throw new UpstreamError('bad-payload', `${UPSTREAM} rejected the query ${url}: ${page.apiError}`, { upstream: UPSTREAM, url });
  }
  return page;
}
