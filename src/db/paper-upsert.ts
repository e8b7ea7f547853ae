import { sql } from 'kysely';
import type { PaperInput } from '../core/paper.ts';
import type { BulkStoreOptions, StoreResult } from '../core/ports/paper-library.ts';
import type { Db } from './db.ts';
import { eachInParallel, slicesOf } from './each-in-parallel.ts';
import { inTransaction } from './in-transaction.ts';
import { indexPapers } from './index-papers.ts';
import { indexPendingContent } from './reindex-content.ts';

/**
 * Inserts new papers and merges known ones, in one statement per batch.
 *
 * A known paper gets fresh upvotes/comments (when the input carries them) and has empty
 * fields filled in (an arXiv-only paper gains its HF day, keywords, repo…); nothing
 * already stored is overwritten. A row whose merge would change nothing is not written
 * at all, so re-ingesting the same day writes nothing. Inputs with the same id are merged.
 * The words of written titles and keywords join `vocabulary` for spelling suggestions, and
 * written papers are (re)indexed in the content model (new ones counted into its document
 * frequencies). Everything is written in one transaction (the caller's, if it has one).
 */
export async function upsertPapers(db: Db, inputs: readonly PaperInput[], now = new Date()): Promise<StoreResult> {
  return inTransaction(db, async (trx) => {
    await commitWithoutWaiting(trx);
    const result: StoreResult = { inserted: 0, updated: 0, unchanged: 0 };
    for (const batch of batchesOf(inputs)) {
      const written = await upsertBatch(trx, batch.papers, batch.refreshCounts, now);
      await indexPapers(
        trx,
        written.map((row) => ({ id: row.id, count: row.inserted })),
      );
      tally(result, batch, written);
    }
    return result;
  });
}

/**
 * `upsertPapers` for bulk loads (imports): each batch of BATCH_SIZE is committed on its own,
 * `writers` at a time on separate connections — one backend spends ~200 µs of CPU per new
 * paper (the weighted tsvector and index upkeep), so a second one uses a second core. When a
 * batch fails the others stay stored; upserts are idempotent, so loading again completes it.
 * (PGlite has a single connection, so its batches simply queue.) Inside a caller's
 * transaction there is only its connection: the batches are written there one after another,
 * and commit or roll back with it.
 *
 * The content model is brought up to date once, after the last batch (`indexPendingContent`):
 * two writers counting document frequencies batch by batch would wait for each other on every
 * common term. Papers of a failed import stay pending and are indexed by the next one.
 */
export async function upsertPapersInBulk(db: Db, inputs: readonly PaperInput[], options: BulkStoreOptions = {}): Promise<StoreResult> {
  const batches = batchesOf(inputs);
  const total = batches.reduce((sum, batch) => sum + batch.papers.length, 0);
  const now = options.now ?? new Date();
  const result: StoreResult = { inserted: 0, updated: 0, unchanged: 0 };
  const writers = db.isTransaction ? 1 : Math.max(1, options.writers ?? 2);
  let stored = 0;
  // Papers this import changed that were indexed before: rebuilt (not counted again) at the end.
  const updated: string[] = [];
  await eachInParallel(batches, writers, async (batch) => {
    const rows = await inTransaction(db, async (trx) => {
      await commitWithoutWaiting(trx);
      return upsertBatch(trx, batch.papers, batch.refreshCounts, now);
    });
    tally(result, batch, rows);
    for (const row of rows) if (!row.inserted) updated.push(row.id);
    stored += batch.papers.length;
    options.onProgress?.(stored, total);
  });
  await indexPendingContent(db, updated, { writers, ...(options.onIndexProgress ? { onProgress: options.onIndexProgress } : {}) });
  return result;
}

/**
 * Papers can always be fetched again, so their commit need not wait for the disk: a crash may
 * lose the last fraction of a second of ingestion (the next poll refetches it), never corrupt
 * anything. This transaction only; deliveries keep waiting for durable commits.
 */
async function commitWithoutWaiting(trx: Db): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}

const BATCH_SIZE = 1000;

interface Batch {
  papers: PaperInput[];
  /** Whether stored upvotes/comments take the input's: only from sources that have them (HF, imports), so an arXiv pass never zeroes them. */
  refreshCounts: boolean;
}

/** The inputs merged by id, in batches of at most BATCH_SIZE that never share a paper. */
function batchesOf(inputs: readonly PaperInput[]): Batch[] {
  const merged = mergeById(inputs);
  const batches: Batch[] = [];
  for (const refreshCounts of [true, false]) {
    const group = merged.filter((paper) => (paper.upvotes !== undefined || paper.comments !== undefined) === refreshCounts);
    for (const papers of slicesOf(group, BATCH_SIZE)) batches.push({ papers, refreshCounts });
  }
  return batches;
}

function tally(result: StoreResult, batch: Batch, written: readonly { inserted: boolean }[]): void {
  const inserted = written.filter((row) => row.inserted).length;
  result.inserted += inserted;
  result.updated += written.length - inserted;
  result.unchanged += batch.papers.length - written.length;
}

function mergeById(inputs: readonly PaperInput[]): PaperInput[] {
  const byId = new Map<string, PaperInput>();
  for (const input of inputs) {
    const seen = byId.get(input.id);
    byId.set(input.id, seen ? { ...seen, ...definedOnly(input) } : input);
  }
  return [...byId.values()];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function upsertBatch(db: Db, batch: readonly PaperInput[], refreshCounts: boolean, now: Date): Promise<{ id: string; inserted: boolean }[]> {
  const payload = JSON.stringify(
    batch.map((paper) => ({
      id: paper.id,
      title: paper.title,
      abstract: paper.abstract ?? '',
      authors: paper.authors ?? [],
      published_at: paper.publishedAt?.toISOString() ?? null,
      featured_on: paper.featuredOn ?? null,
      upvotes: paper.upvotes ?? 0,
      comments: paper.comments ?? 0,
      ai_summary: paper.aiSummary ?? null,
      ai_keywords: paper.aiKeywords ?? [],
      github_repo: paper.githubRepo ?? null,
      project_page: paper.projectPage ?? null,
      thumbnail: paper.thumbnail ?? null,
      categories: paper.categories ?? [],
      primary_category: paper.primaryCategory ?? null,
      source: paper.source,
    })),
  );
  const countsChanged = refreshCounts ? sql`papers.upvotes <> excluded.upvotes or papers.comments <> excluded.comments` : sql`false`;
  const { rows } = await sql<{ id: string; inserted: boolean }>`
    with written as (
    insert into papers as papers (
      id, title, abstract, authors, published_at, featured_on, upvotes, comments, ai_summary,
      ai_keywords, github_repo, project_page, thumbnail, categories, primary_category, sources,
      first_seen_at, last_seen_at)
    select id, title, abstract, authors, published_at, featured_on, upvotes, comments, ai_summary,
      ai_keywords, github_repo, project_page, thumbnail, categories, primary_category, array[source],
      ${now}, ${now}
    from jsonb_to_recordset(${payload}::jsonb) as x(
      id text, title text, abstract text, authors text[], published_at timestamptz, featured_on date,
      upvotes integer, comments integer, ai_summary text, ai_keywords text[], github_repo text,
      project_page text, thumbnail text, categories text[], primary_category text, source text)
    on conflict (id) do update set
      upvotes = ${refreshCounts ? sql`excluded.upvotes` : sql`papers.upvotes`},
      comments = ${refreshCounts ? sql`excluded.comments` : sql`papers.comments`},
      abstract = case when papers.abstract = '' then excluded.abstract else papers.abstract end,
      authors = case when cardinality(papers.authors) = 0 then excluded.authors else papers.authors end,
      published_at = coalesce(papers.published_at, excluded.published_at),
      featured_on = coalesce(papers.featured_on, excluded.featured_on),
      ai_summary = coalesce(papers.ai_summary, excluded.ai_summary),
      ai_keywords = case when cardinality(papers.ai_keywords) = 0 then excluded.ai_keywords else papers.ai_keywords end,
      github_repo = coalesce(papers.github_repo, excluded.github_repo),
      project_page = coalesce(papers.project_page, excluded.project_page),
      thumbnail = coalesce(papers.thumbnail, excluded.thumbnail),
      categories = case when cardinality(papers.categories) = 0 then excluded.categories else papers.categories end,
      primary_category = coalesce(papers.primary_category, excluded.primary_category),
      sources = case when excluded.sources[1] = any(papers.sources) then papers.sources
                     else papers.sources || excluded.sources end,
      last_seen_at = excluded.last_seen_at
    where ${countsChanged}
      or (papers.abstract = '' and excluded.abstract <> '')
      or (cardinality(papers.authors) = 0 and cardinality(excluded.authors) > 0)
      or (papers.published_at is null and excluded.published_at is not null)
      or (papers.featured_on is null and excluded.featured_on is not null)
      or (papers.ai_summary is null and excluded.ai_summary is not null)
      or (cardinality(papers.ai_keywords) = 0 and cardinality(excluded.ai_keywords) > 0)
      or (papers.github_repo is null and excluded.github_repo is not null)
      or (papers.project_page is null and excluded.project_page is not null)
      or (papers.thumbnail is null and excluded.thumbnail is not null)
      or (cardinality(papers.categories) = 0 and cardinality(excluded.categories) > 0)
      or (papers.primary_category is null and excluded.primary_category is not null)
      or not (excluded.sources[1] = any(papers.sources))
    returning id, (xmax = 0) as inserted, title, ai_keywords
    ), new_words as (
      -- Titles never change once stored; keywords may be filled in later, so every written row counts.
      -- In word order, so concurrent writers that meet the same new words wait for each other
      -- in one order and never deadlock.
      insert into vocabulary (word)
      select distinct word
      from written, unnest(regexp_split_to_array(lower(title || ' ' || paperboy_join(ai_keywords)), '[^[:alnum:]]+')) as word
      where length(word) between 3 and 40
      order by word
      on conflict do nothing
    )
    select id, inserted from written`.execute(db);
  return rows;
}
