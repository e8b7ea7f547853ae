import { type RawBuilder, sql } from 'kysely';
import { CONTENT_MODEL, postedOf, termWeight, usableDf, vectorsOf, weightedTf } from './content-model.ts';
import type { Db } from './db.ts';
import { inTransaction } from './in-transaction.ts';

/** A stored paper to (re)index, and whether its terms still have to be counted in the document frequencies. */
export interface PaperToIndex {
  id: string;
  /** True for a paper new to the model (its terms raise df); false for one counted before (a reindex, a paper whose text was filled in). */
  count: boolean;
}

/**
 * Builds the vectors and postings of stored papers in one statement: reads their terms from
 * `papers.search`, adds the new papers' terms to the document frequencies (and the library
 * size), weighs every usable term with the frequencies as they now are, keeps each paper's
 * strongest terms, and replaces its vector and postings (a paper whose vector comes out
 * unchanged is not written again).
 *
 * Other papers' vectors keep the frequencies they were built with until a reindex; the drift
 * is small while the library grows by a small share. Terms are counted in term order, so
 * concurrent writers that meet the same terms wait for each other in one order (like the
 * vocabulary) and the library size is updated after them, last. A paper whose text changes
 * after it was counted (keywords filled in) is rebuilt without counting its new terms: the
 * frequencies are exact again after a reindex.
 */
export async function indexPapers(db: Db, papers: readonly PaperToIndex[], rebuild?: Rebuild): Promise<void> {
  if (papers.length === 0) return;
  await inTransaction(db, async (trx) => {
    // Ranking a chunk's terms sorts ~30 rows a paper: 2,000 papers spilled to disk at the default 4 MB.
    await sql`set local work_mem = '64MB'`.execute(trx);
    await indexStatement(papers, rebuild).execute(trx);
  });
}

/**
 * A full reindex in progress: vectors are marked with its run, and their postings go to a new
 * table that replaces content_postings when it is complete (see reindex-content.ts), so the
 * old postings are neither looked up nor deleted.
 */
export interface Rebuild {
  run: number;
  postings: string;
}

/** The statement of {@link indexPapers} (for EXPLAIN). */
export function indexStatement(papers: readonly PaperToIndex[], rebuild?: Rebuild): RawBuilder<unknown> {
  const ids = papers.map((p) => p.id);
  const counts = papers.map((p) => p.count);
  const n = sql<number>`n.papers`;
  return sql`
    with docs as materialized (
      select p.id as doc, p.search, x.count
      from unnest(${ids}::text[], ${counts}::boolean[]) as x(id, count)
      join papers p on p.id = x.id
    ), extracted as materialized (
      select d.doc, d.count, t.term, ${weightedTf('t')} as tf
      from docs d cross join lateral paperboy_content_terms(d.search) t
    ), bumped as (
      insert into content_terms as ct (term, df)
      select term, count(*)::integer from extracted where count group by term order by term
      on conflict (term) do update set df = ct.df + excluded.df
      returning id, term, df
    ), stats as (
      -- After the terms (the scalar subquery waits for them), so every writer locks in one order.
      insert into content_stats as s (papers, model)
      select count(*)::integer, ${CONTENT_MODEL.version}::integer from docs where count having count(*) > 0 and (select count(*) from bumped) >= 0
      on conflict (singleton) do update set papers = s.papers + excluded.papers
      returning papers
    ), n as (
      select coalesce((select papers from stats), (select papers from content_stats), 0) as papers
    ), dict as (
      ${dictionary(counts)}
    ), weighted as (
      select e.doc, d.id as term, ${termWeight(sql`e.tf`, sql`d.df`, n)} as w
      from extracted e join dict d on d.term = e.term cross join n
      where ${usableDf(sql`d.df`, n)}
    ), ${vectorsOf('weighted')}, ${rebuild ? rebuilt(rebuild) : replaced}
    -- In index order: consecutive inserts land on the same leaf pages (~25 % less time for this insert).
    select posted.term, posted.weight, w.key from written w, ${postedOf('w')} order by posted.term, posted.weight desc`;
}

/**
 * The dictionary rows of the extracted terms, with df as it now is: for counted papers what
 * counting them returned, for the others a lookup; the set difference of the two is skipped
 * when a batch is all one or the other (90 ms for 1,000 papers, for nothing).
 */
function dictionary(counts: readonly boolean[]): RawBuilder<unknown> {
  const counted = counts.some((count) => count);
  const recounted = counts.some((count) => !count);
  // Looked up term by term (lateral): the planner, misjudging how many terms a chunk has,
  // hashed them and read the whole dictionary instead (60 ms for 200,000 terms).
  const lookup = (terms: RawBuilder<unknown>) => sql`
      select ct.id, ct.term, ct.df
      from (${terms}) as e
      cross join lateral (select id, term, df from content_terms ct where ct.term = e.term) as ct`;
  if (!recounted) return sql`select id, term, df from bumped`;
  if (!counted) return lookup(sql`select distinct term from extracted`);
  return sql`
      select id, term, df from bumped
      union all
      ${lookup(sql`select distinct term from extracted where not count except select term from extracted where count`)}`;
}

/** Ingestion: vectors that changed are rewritten, their old postings deleted and the new ones inserted. */
const replaced = sql`
    old as (
      select key, terms, weights from content_vectors where paper_id in (select doc from docs)
    ), written as (
      insert into content_vectors as v (paper_id, terms, weights)
      select d.doc, coalesce(b.terms, '{}'), coalesce(b.weights, '{}') from docs d left join built b on b.doc = d.doc
      on conflict (paper_id) do update set terms = excluded.terms, weights = excluded.weights, built_by = null
      where v.terms <> excluded.terms or v.weights <> excluded.weights
      returning key, terms, weights
    ), removed as (
      delete from content_postings p
      using (select o.key, posted.term, posted.weight from old o join written w on w.key = o.key, ${postedOf('o')}) o
      where p.term = o.term and p.weight = o.weight and p.paper_key = o.key
    )
    insert into content_postings (term, weight, paper_key)`;

/** A reindex: every vector is written and marked with the run; all postings go to the run's new table. */
function rebuilt(rebuild: Rebuild): RawBuilder<unknown> {
  return sql`
    written as (
      insert into content_vectors as v (paper_id, terms, weights, built_by)
      select d.doc, coalesce(b.terms, '{}'), coalesce(b.weights, '{}'), ${rebuild.run}::integer from docs d left join built b on b.doc = d.doc
      on conflict (paper_id) do update set terms = excluded.terms, weights = excluded.weights, built_by = excluded.built_by
      returning key, terms, weights
    )
    insert into ${sql.table(rebuild.postings)} (term, weight, paper_key)`;
}
