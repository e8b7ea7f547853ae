import { type RawBuilder, sql } from 'kysely';

/**
 * The settings of the content model: TF-IDF over the terms `paperboy_content_terms` reads from
 * a paper's weighted tsvector (migration 2026_11_30_140000), close to arxiv-sanity-lite's
 * scikit-learn settings (smooth idf, L2 norm, unigrams and bigrams, max_df 0.1) but with tf
 * saturated as BM25 does, and each paper cut to its strongest terms. Measured on 2,000 real
 * arXiv papers (bench/measures/similar.ts; the variants in docs/benchmarks.md).
 */
export const CONTENT_MODEL = {
  /**
   * The model's version, stored with the document frequencies (content_stats.model) by a full
   * reindex: vectors built by an older version (another weighting) are `stale` until the next
   * `paperboy reindex`. 1: sublinear tf, title ×3, keywords and authors ×2. 2: saturated tf,
   * every field ×1. 3: vectors keep 64 terms (the strongest 28 posted).
   */
  version: 3,
  /**
   * tf counts an occurrence in the title this many times, in keywords or authors `keywords`
   * times, in the abstract `abstract` times. Equal: with tf saturated, a title word (which the
   * abstract usually repeats) needs no boost; on the 2,000 papers (with `similar`'s expansion),
   * title ×3 and keywords and authors ×2 gave 0.444 of the top 5 in the paper's category,
   * title ×2 0.453, ×1.5 0.454, ×1 0.458. (Those papers have authors but no keywords.)
   */
  fieldWeights: { title: 1, keywords: 1, abstract: 1 },
  /**
   * BM25's tf saturation, tf · (k1 + 1) / (tf + k1), without its length normalisation (b = 0:
   * vectors are L2-normalised anyway, and no average length needs keeping): a word repeated
   * ten times weighs 2.0× one said once, where 1 + ln tf made it 3.3×. On the 2,000 papers
   * (equal fields): 1 + ln tf 0.434, k1 1.2 0.444, k1 2 0.444, b 0.75 0.448.
   */
  k1: 1.2,
  /**
   * Terms a paper's vector keeps: its strongest, by weight. What rankings compare papers and
   * profiles on. On 2,000 real arXiv papers (bench/measures/recommend.ts), the share of a
   * simulated user's `today` top 5 (on text alone) in the categories they 👍 was 0.291 with 28
   * terms, 0.301 with 40, 0.313 with 48, 0.322 with 64 and 0.327 with 100: a paper cut to 28
   * terms often shares nothing with a profile that is about its subject in other words.
   */
  topTerms: 64,
  /**
   * Of those, the strongest that go to `content_postings`, the index `nearest` finds candidates
   * in (its query is cut to as many): the index's size and a search's cost grow with it, while
   * candidates are ranked on whole vectors afterwards. When vectors were cut to as many terms
   * as were posted (v2), `similar`'s top 5 in the paper's primary category was 0.419 with 16,
   * 0.449 with 24, 0.458 with 28, 0.462 with 32, 0.467 with 40 and 0.474 with every term; with
   * 64-term vectors and 28 posted, 0.470.
   */
  postedTerms: 28,
  /** Terms in fewer papers are dropped: a term only one paper has says nothing about similarity. */
  minDf: 2,
  /** Terms in more than this share of the library are dropped (max_df), as arxiv-sanity-lite does… */
  maxDfShare: 0.1,
  /** …but never below this many papers, so a small library keeps its common words (with a low idf). */
  maxDfFloor: 20,
  /**
   * Postings `nearest` reads per query unless told otherwise (`NearestOptions.budget`), and the
   * fewest it reads for any query term. On a million synthetic papers (40 queries), shared by
   * squared weight: 14,000 found 87.5 % of the exact top 5, 28,000 92 %, 56,000 94.5 %,
   * 100,000 97 %, at a p95 of 12, 10–20, 23 and 41 ms for the search alone (a loaded machine);
   * the same 28,000 as a flat 1,000 per term found 89 % in more time, 200 per term 74.5 %.
   */
  nearestBudget: 28_000,
  nearestMinDepth: 50,
} as const;

/** tf of a term from its counts per field (`a` title, `b` keywords and authors, `c` abstract). */
export function weightedTf(terms: string): RawBuilder<number> {
  const w = CONTENT_MODEL.fieldWeights;
  return sql<number>`(${sql.lit(w.title)} * ${sql.ref(`${terms}.a`)} + ${sql.lit(w.keywords)} * ${sql.ref(`${terms}.b`)} + ${sql.lit(w.abstract)} * ${sql.ref(`${terms}.c`)})`;
}

/** The highest usable df in a library of `papers` papers. */
export function maxDf(papers: RawBuilder<number>): RawBuilder<number> {
  return sql<number>`greatest(floor(${sql.lit(CONTENT_MODEL.maxDfShare)} * ${papers})::integer, ${sql.lit(CONTENT_MODEL.maxDfFloor)})`;
}

/** Whether a term with document frequency `df` is usable in a library of `papers` papers. */
export function usableDf(df: RawBuilder<number>, papers: RawBuilder<number>): RawBuilder<boolean> {
  return sql<boolean>`${df} between ${sql.lit(CONTENT_MODEL.minDf)} and ${maxDf(papers)}`;
}

/** Saturated tf times smooth idf: tf · (k1 + 1) / (tf + k1) · (ln((1 + N) / (1 + df)) + 1). In float8: numeric ln is ~10× slower. */
export function termWeight(tf: RawBuilder<number>, df: RawBuilder<number>, papers: RawBuilder<number>): RawBuilder<number> {
  const k1 = sql.lit(CONTENT_MODEL.k1);
  return sql<number>`(${tf}::float8 * (${k1} + 1) / (${tf}::float8 + ${k1})) * (ln((1 + ${papers})::float8 / (1 + ${df})) + 1)`;
}

/**
 * From `weighted` (a CTE name with columns doc, term, w: every usable term of every document
 * with its weight), the CTEs that keep each document's `topTerms` strongest and L2-normalise
 * them; the last one, `built`, has doc, terms (ascending) and weights (real).
 */
export function vectorsOf(weighted: string): RawBuilder<unknown> {
  return sql`
    ranked as (
      select doc, term, w, row_number() over (partition by doc order by w desc, term) as r from ${sql.table(weighted)}
    ), strongest as (
      select doc, term, w from ranked where r <= ${sql.lit(CONTENT_MODEL.topTerms)}
    ), normed as (
      select doc, term, (w / sqrt(sum(w * w) over (partition by doc)))::real as w from strongest
    ), built as (
      select doc, array_agg(term order by term) as terms, array_agg(w order by term) as weights from normed group by doc
    )`;
}

/**
 * The posted entries of the vectors at `alias` (columns terms, weights): their strongest
 * `postedTerms`, ties by term, as the rows `posted(term, weight)` of a lateral subquery.
 * Every writer and remover of postings reads them through this, so they always agree.
 */
export function postedOf(alias: string): RawBuilder<unknown> {
  return sql`lateral (
      select x.term, x.weight from unnest(${sql.ref(`${alias}.terms`)}, ${sql.ref(`${alias}.weights`)}) as x(term, weight)
      order by x.weight desc, x.term limit ${sql.lit(CONTENT_MODEL.postedTerms)}
    ) as posted`;
}

/**
 * Free texts as vectors, the way `ContentIndex.textVector` reads one: from `texts` (a CTE name
 * with columns doc, text), each text treated like a title and weighed with the current document
 * frequencies. The CTEs end in `built` (doc, terms, weights); a text with no usable term has no row.
 */
export function textVectorsOf(texts: string): RawBuilder<unknown> {
  const n = sql<number>`n.papers`;
  return sql`
    text_terms as (
      select x.doc, t.term, ${weightedTf('t')} as tf
      from ${sql.table(texts)} x cross join lateral paperboy_content_terms(setweight(to_tsvector('english', x.text), 'A')) t
    ), n as (
      select coalesce((select papers from content_stats), 0) as papers
    ), text_weighted as (
      select e.doc, d.id as term, ${termWeight(sql`e.tf`, sql`d.df`, n)} as w
      from text_terms e join content_terms d on d.term = e.term cross join n
      where ${usableDf(sql`d.df`, n)}
    ), ${vectorsOf('text_weighted')}`;
}
