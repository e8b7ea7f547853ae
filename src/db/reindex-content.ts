import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { ReindexProgress, ReindexResult } from '../core/ports/content-index.ts';
import { CONTENT_MODEL, postedOf, usableDf } from './content-model.ts';
import type { Db } from './db.ts';
import { eachInParallel, slicesOf } from './each-in-parallel.ts';
import { inTransaction } from './in-transaction.ts';
import { indexPapers, type Rebuild } from './index-papers.ts';

/** Papers a counting statement reads at once. */
const COUNT_CHUNK = 5000;
/** Papers a vector statement writes at once: one transaction, a few seconds at most. */
const VECTOR_CHUNK = 2000;

/** Options of the bulk indexing runs. */
export interface BulkIndexOptions {
  /** Statements run at once, each on its own connection (default 2; PGlite has one connection, so they queue). */
  writers?: number;
  onProgress?: (progress: ReindexProgress) => void;
}

/** The table a reindex builds its postings in before it replaces content_postings. One reindex at a time. */
const NEXT_POSTINGS = 'content_postings_next';

/**
 * Recounts the document frequencies over every stored paper and rebuilds every vector.
 * Counting: each chunk of papers adds its term counts to a scratch table (several chunks at a
 * time, on separate connections, so both cores work), and one statement then sets every
 * term's df to its count (writing only the terms whose count changed). Vectors: rewritten in
 * place a chunk at a time; their postings go to a new table, indexed once complete (one sorted
 * build instead of millions of inserts into a large index) and swapped in, together with the
 * postings of vectors that ingestion wrote meanwhile. `similar` keeps answering throughout,
 * from the old postings until the swap. Papers stored meanwhile are indexed by their own
 * store; their counts may be left out of this recount until the next one.
 */
export async function reindexContent(db: Db, options: BulkIndexOptions = {}): Promise<ReindexResult> {
  const started = performance.now();
  const { rows } = await sql<{ id: string }>`select id from papers order by id`.execute(db);
  const ids = rows.map((row) => row.id);
  await countTerms(db, ids, 'replace', options);
  const run = randomInt(1, 2 ** 31 - 1);
  await sql`drop table if exists ${sql.table(NEXT_POSTINGS)}`.execute(db);
  await sql`create table ${sql.table(NEXT_POSTINGS)} (term integer not null, weight real not null, paper_key integer not null)`.execute(db);
  await buildVectors(db, ids, options, { run, postings: NEXT_POSTINGS });
  await swapPostings(db, run);
  // Profiles are sums of the vectors just rebuilt: each is rebuilt from the new ones when next read.
  await sql`update recipient_profiles set stale = true where not stale`.execute(db);
  await tidy(db);
  const { rows: counts } = await sql<{ terms: number; usable: number }>`
    select count(*)::integer as terms,
      (count(*) filter (where ${usableDf(sql`df`, sql`${ids.length}`)}))::integer as usable
    from content_terms where df > 0`.execute(db);
  return { papers: ids.length, terms: counts[0]?.terms ?? 0, usableTerms: counts[0]?.usable ?? 0, ms: performance.now() - started };
}

/**
 * Indexes the stored papers that have no vector yet (an import stores its batches first and
 * indexes them all at the end, set-based, which is cheaper than counting batch by batch on
 * two writers that would wait for each other on the common terms), and rebuilds `refresh`
 * (papers already counted whose text changed). When the new papers at least double the
 * library, every vector is rebuilt instead: the old ones were weighed on a library too small
 * to tell which terms are common (while it grows evenly, idf = ln((1+N)/(1+df)) barely moves).
 * Returns how many papers were new to the model.
 */
export async function indexPendingContent(db: Db, refresh: readonly string[], options: BulkIndexOptions = {}): Promise<number> {
  const { rows } = await sql<{ id: string; indexed: number }>`
    select p.id, (select count(*) from content_vectors)::integer as indexed
    from papers p where not exists (select from content_vectors v where v.paper_id = p.id)
    order by p.id`.execute(db);
  const pending = rows.map((row) => row.id);
  const indexed = rows[0]?.indexed ?? 0;
  if (pending.length > VECTOR_CHUNK && pending.length >= indexed) {
    await reindexContent(db, options);
    return pending.length;
  }
  const waiting = new Set(pending);
  const rebuilt = refresh.filter((id) => !waiting.has(id));
  if (pending.length <= VECTOR_CHUNK) {
    await indexPapers(
      db,
      pending.map((id) => ({ id, count: true })),
    );
  } else {
    await countTerms(db, pending, 'add', options);
    await buildVectors(db, pending, options);
  }
  if (rebuilt.length > 0) await buildVectors(db, rebuilt, options);
  if (pending.length + rebuilt.length > VECTOR_CHUNK) await tidy(db);
  return pending.length;
}

/** Counts the terms of `ids` into the dictionary: `replace` sets each df to this count (a full recount), `add` adds to it. */
async function countTerms(db: Db, ids: readonly string[], mode: 'replace' | 'add', options: BulkIndexOptions): Promise<void> {
  const run = randomInt(1, 2 ** 31 - 1);
  const progress = (done: number) => options.onProgress?.({ phase: 'counting', done, total: ids.length });
  progress(0);
  try {
    await inChunks(db, ids, COUNT_CHUNK, options.writers, progress, async (chunk) => {
      await sql`
        insert into content_df_staging (run, term, n)
        select ${run}, t.term, count(*)::integer
        from papers p cross join lateral paperboy_content_terms(p.search) t
        where p.id = any(${chunk}::text[])
        group by t.term`.execute(db);
    });
    const counted = sql`counted as (select term, sum(n)::integer as n from content_df_staging where run = ${run} group by term)`;
    if (mode === 'add') {
      await sql`
        with ${counted}, bumped as (
          insert into content_terms as ct (term, df) select term, n from counted order by term
          on conflict (term) do update set df = ct.df + excluded.df
          returning 1
        )
        insert into content_stats as s (papers, model) select ${ids.length}::integer, ${CONTENT_MODEL.version}::integer where (select count(*) from bumped) >= 0
        on conflict (singleton) do update set papers = s.papers + excluded.papers`.execute(db);
    } else {
      await sql`
        with ${counted}, written as (
          insert into content_terms as ct (term, df) select term, n from counted order by term
          on conflict (term) do update set df = excluded.df where ct.df <> excluded.df
          returning 1
        ), zeroed as (
          update content_terms ct set df = 0
          where ct.df <> 0 and not exists (select from counted c where c.term = ct.term) and (select count(*) from written) >= 0
        )
        insert into content_stats as s (papers, reindexed_at, model) values (${ids.length}, now(), ${CONTENT_MODEL.version})
        on conflict (singleton) do update set papers = excluded.papers, reindexed_at = excluded.reindexed_at, model = excluded.model`.execute(db);
    }
  } finally {
    await sql`delete from content_df_staging where run = ${run}`.execute(db);
  }
}

/** Rebuilds the vectors and postings of `ids` without counting their terms again. */
async function buildVectors(db: Db, ids: readonly string[], options: BulkIndexOptions, rebuild?: Rebuild): Promise<void> {
  const progress = (done: number) => options.onProgress?.({ phase: 'vectors', done, total: ids.length });
  progress(0);
  await inChunks(db, ids, VECTOR_CHUNK, options.writers, progress, (chunk) =>
    indexPapers(
      db,
      chunk.map((id) => ({ id, count: false })),
      rebuild,
    ),
  );
}

/**
 * Indexes the new postings table and puts it in place of content_postings. While the old one
 * is locked (ingestion waits for the swap, `similar` for a moment), the postings of vectors
 * the run did not write last (ingestion rewrote them after their chunk, or stored them since)
 * are added from content_vectors, so the new table matches every vector.
 */
async function swapPostings(db: Db, run: number): Promise<void> {
  await inTransaction(db, async (trx) => {
    // A sorted build in memory rather than on disk, and on as many workers as the server allows.
    await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
    await sql`create index content_postings_next_impact_idx on ${sql.table(NEXT_POSTINGS)} (term, weight desc, paper_key)`.execute(trx);
  });
  await inTransaction(db, async (trx) => {
    await sql`lock table content_postings in access exclusive mode`.execute(trx);
    await sql`
      insert into ${sql.table(NEXT_POSTINGS)} (term, weight, paper_key)
      select posted.term, posted.weight, v.key
      from content_vectors v, ${postedOf('v')}
      where v.built_by is distinct from ${run}`.execute(trx);
    await sql`drop table content_postings`.execute(trx);
    await sql`alter table ${sql.table(NEXT_POSTINGS)} rename to content_postings`.execute(trx);
    await sql`alter index content_postings_next_impact_idx rename to content_postings_impact_idx`.execute(trx);
  });
}

/** Runs `work` over consecutive chunks of `ids`, `writers` at a time (one inside a transaction); reports the papers done. */
async function inChunks(
  db: Db,
  ids: readonly string[],
  size: number,
  writers: number | undefined,
  progress: (done: number) => void,
  work: (chunk: string[]) => Promise<void>,
): Promise<void> {
  let done = 0;
  await eachInParallel(slicesOf(ids, size), db.isTransaction ? 1 : (writers ?? 2), async (chunk) => {
    await work(chunk);
    done += chunk.length;
    progress(done);
  });
}

/**
 * Fresh planner statistics for the rewritten tables (PGlite has no autovacuum), and the dead
 * postings of rewritten vectors cleared; not possible inside a transaction, where it is skipped.
 */
async function tidy(db: Db): Promise<void> {
  if (db.isTransaction) return;
  await sql`vacuum analyze content_terms, content_vectors, content_postings`.execute(db);
}
