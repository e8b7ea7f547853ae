import { sql } from 'kysely';
import type { ContentIndex, TermVector } from '../core/ports/content-index.ts';
import { CONTENT_MODEL, textVectorsOf } from './content-model.ts';
import type { Db } from './db.ts';
import { reindexContent } from './reindex-content.ts';

/** The content model's tables as the core's {@link ContentIndex}; indexing itself lives in index-papers.ts and reindex-content.ts. */
export function createContentIndex(db: Db): ContentIndex {
  return {
    async vectors(paperIds) {
      if (paperIds.length === 0) return new Map();
      const { rows } = await sql<{ paper_id: string; terms: number[]; weights: number[] }>`
        select paper_id, terms, weights from content_vectors where paper_id = any(${[...new Set(paperIds)]}::text[])`.execute(db);
      return new Map(rows.map((row) => [row.paper_id, { terms: row.terms, weights: row.weights }]));
    },

    async textVector(text) {
      const { rows } = await sql<{ terms: number[]; weights: number[] }>`
        with texts as (select 1 as doc, ${text}::text as text), ${textVectorsOf('texts')}
        select terms, weights from built`.execute(db);
      return rows[0] ?? { terms: [], weights: [] };
    },

    async nearest(vector, options) {
      if (vector.terms.length === 0 || options.limit <= 0) return [];
      const query = postedQuery(vector);
      const exclude = [...new Set(options.exclude ?? [])];
      const budget = options.budget ?? CONTENT_MODEL.nearestBudget;
      const norm = query.weights.reduce((sum, w) => sum + w * w, 0) || 1;
      const least = Math.max(1, Math.min(CONTENT_MODEL.nearestMinDepth, budget));
      const depths = query.weights.map((w) => Math.max(least, Math.round((budget * w * w) / norm)));
      // The best `limit + excluded` by key first, then their ids: excluded papers are dropped
      // after the ranking, so that many spares keep the page full.
      const { rows } = await sql<{ paper_id: string; score: number }>`
        with q as (
          select term, weight, depth from unnest(${query.terms}::integer[], ${query.weights}::float8[], ${depths}::integer[]) as q(term, weight, depth)
        ), hits as (
          select p.paper_key, sum(q.weight * p.weight) as score
          from q cross join lateral paperboy_strongest_postings(q.term, q.depth) p
          group by p.paper_key
          order by score desc, p.paper_key
          limit ${options.limit + exclude.length}
        )
        select v.paper_id, h.score from hits h join content_vectors v on v.key = h.paper_key
        where not (v.paper_id = any(${exclude}::text[]))
        order by h.score desc, h.paper_key
        limit ${options.limit}`.execute(db);
      return rows.map((row) => ({ paperId: row.paper_id, score: row.score }));
    },

    async termLabels(termIds, options = {}) {
      if (termIds.length === 0) return new Map();
      const from = [...new Set(options.from ?? [])];
      const { rows } = await sql<{ id: number; label: string }>`
        with wanted as (
          select id, term, label from content_terms where id = any(${[...new Set(termIds)]}::integer[])
        ), missing as (
          select id, term from wanted where label is null
        ), parts as (
          select m.id, x.part, x.i from missing m, unnest(string_to_array(m.term, ' ')) with ordinality as x(part, i)
        ), sources as (
          -- The papers whose words name the terms: the caller's, else a few strongest of each term.
          select unnest(${from}::text[]) as paper_id
          union
          select v.paper_id
          from missing m cross join lateral paperboy_strongest_postings(m.id, 3) p join content_vectors v on v.key = p.paper_key
          where cardinality(${from}::text[]) = 0
        ), words as (
          select w.word, count(*) as uses
          from sources s join papers p on p.id = s.paper_id,
            regexp_split_to_table(lower(p.title || ' ' || paperboy_join(p.ai_keywords) || ' ' || p.abstract), '[^[:alnum:]]+') as w(word)
          where w.word <> ''
          group by w.word
        ), stemmed as (
          -- Stemming only changes endings: words that do not start like a wanted stem are not stemmed.
          select word, uses, (ts_lexize('english_stem', word))[1] as stem
          from words where left(word, 2) in (select left(part, 2) from parts)
        ), chosen as (
          -- The word of that stem those papers use most, the shortest on a tie ("model" over "modelling").
          select distinct on (p.id, p.i) p.id, p.i, s.word
          from parts p join stemmed s on s.stem = p.part
          order by p.id, p.i, s.uses desc, length(s.word), s.word
        ), found as (
          select p.id, string_agg(coalesce(c.word, p.part), ' ' order by p.i) as label, count(c.word) = count(*) as complete
          from parts p left join chosen c on c.id = p.id and c.i = p.i
          group by p.id
        ), saved as (
          -- A cache of complete labels: rows another transaction holds (a store counting the same
          -- terms) are left for next time.
          update content_terms ct set label = f.label from found f
          where f.complete and ct.id = f.id
            and ct.id in (select id from content_terms where id in (select id from found where complete) and label is null for update skip locked)
        )
        select id, label from wanted where label is not null
        union all
        select id, label from found`.execute(db);
      return new Map(rows.map((row) => [row.id, row.label]));
    },

    reindex: (options) => reindexContent(db, options ?? {}),

    async stats() {
      const { rows } = await sql<{ indexed: number; papers: number; counted: number; terms: number; reindexed_at: Date | null; model: number | null }>`
        select (select count(*) from content_vectors)::integer as indexed,
          (select count(*) from papers)::integer as papers,
          coalesce((select papers from content_stats), 0) as counted,
          (select count(*) from content_terms where df > 0)::integer as terms,
          (select reindexed_at from content_stats) as reindexed_at,
          (select coalesce(model, 1) from content_stats) as model`.execute(db);
      const row = rows[0]!;
      return {
        indexed: row.indexed,
        pending: row.papers - row.indexed,
        counted: row.counted,
        terms: row.terms,
        reindexedAt: row.reindexed_at ?? undefined,
        stale: row.model !== null && row.model !== CONTENT_MODEL.version,
      };
    },
  };
}

/**
 * The strongest `postedTerms` terms of a query, as papers are posted under theirs: a query as
 * long as a whole vector (or a profile) would read postings for every weak term it has.
 */
function postedQuery(vector: TermVector): TermVector {
  if (vector.terms.length <= CONTENT_MODEL.postedTerms) return vector;
  const kept = vector.terms
    .map((term, k) => ({ term, weight: vector.weights[k]! }))
    .sort((a, b) => b.weight - a.weight || a.term - b.term)
    .slice(0, CONTENT_MODEL.postedTerms);
  return { terms: kept.map((e) => e.term), weights: kept.map((e) => e.weight) };
}
