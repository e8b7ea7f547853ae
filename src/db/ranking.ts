import { type Kysely, sql } from 'kysely';
import type { Paper } from '../core/paper.ts';
import { paperColumns, toPaper } from './papers.ts';
import type { Database } from './schema.ts';

/** A paper with its score for one recipient and the follows it matched. */
export interface RankedPaper {
  paper: Paper;
  score: number;
  /** Labels of the follows it matched, as `followText` shows them. */
  matched: string[];
  /** The recipient's own vote on it. */
  vote: 1 | -1 | null;
  /** Overlap with papers the recipient voted on: positive means "like what you 👍". */
  affinity: number;
}

/** The latest day (on or before `onOrBefore`, when given) that has papers, or undefined for an empty database. */
export async function latestListedDay(db: Kysely<Database>, onOrBefore?: string): Promise<string | undefined> {
  // max() rather than order by … limit 1: the planner answers it from papers_newest_idx
  // (desc nulls last), which a plain `order by listed_on desc` (nulls first) cannot use.
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.max('listed_on').as('day'))
    .$if(onOrBefore !== undefined, (qb) => qb.where('listed_on', '<=', onOrBefore!))
    .executeTakeFirst();
  return row?.day ?? undefined;
}

/**
 * The score, in SQL so digests can rank many recipients set-based later:
 *   ln(1 + upvotes)                       community signal, log-scaled
 * + 3 × (followed topics/authors/categories matched, at most 3)
 * + 0.5 × affinity (capped ±4): overlap in keywords, authors and categories with papers
 *   the recipient voted on, 👍 counting for and 👎 against
 * − 10 for a paper the recipient voted 👎 itself (+1 for 👍).
 */
export const SCORE_WEIGHTS = { follow: 3, maxFollowMatches: 3, affinity: 0.5, maxAffinity: 4, ownDown: -10, ownUp: 1 } as const;

/**
 * Ranks the papers listed on `day` for a recipient (or anonymously when recipientId is
 * undefined). Ties break on upvotes, then recency. Returns `limit + 1` rows at most so
 * callers can tell whether there is a next page.
 */
export async function rankDay(
  db: Kysely<Database>,
  options: { day: string; recipientId: number | undefined; limit: number; offset: number; excludeIds?: string[]; onlyMatches?: boolean },
): Promise<RankedPaper[]> {
  const recipientId = options.recipientId ?? -1;
  const w = Object.fromEntries(Object.entries(SCORE_WEIGHTS).map(([k, v]) => [k, sql.lit(v)])) as Record<keyof typeof SCORE_WEIGHTS, ReturnType<typeof sql.lit>>;
  const { rows } = await sql<Parameters<typeof toPaper>[0] & { score: number; matched: string[]; own_vote: number | null; affinity: number | null }>`
    with my_follows as materialized (
      select kind, value, label, case when kind = 'topic' then websearch_to_tsquery('english', value) end as q
      from follows where recipient_id = ${recipientId}
    ),
    my_votes as materialized (
      select f.vote, p.ai_keywords, p.authors, p.categories
      from feedback f join papers p on p.id = f.paper_id
      where f.recipient_id = ${recipientId}
      order by f.updated_at desc
      limit 200
    ),
    -- What the votes add up to per keyword/author/category: a paper's affinity is the sum over
    -- its distinct items, which equals summing the overlap with each voted paper one by one.
    profile as materialized (
      select i.kind, i.item, sum(v.vote * i.weight) as weight
      from my_votes v
      cross join lateral (
        select 'k'::text as kind, x as item, 1.0 as weight from unnest(v.ai_keywords) x
        union select 'a', x, 1.0 from unnest(v.authors) x
        union select 'c', x, 0.5 from unnest(v.categories) x
      ) i
      group by i.kind, i.item
    ),
    day_affinity as materialized (
      select i.id, sum(pr.weight) as affinity
      from (
        select p.id, 'k'::text as kind, x as item from papers p cross join lateral unnest(p.ai_keywords) x where p.listed_on = ${options.day}
        union select p.id, 'a', x from papers p cross join lateral unnest(p.authors) x where p.listed_on = ${options.day}
        union select p.id, 'c', x from papers p cross join lateral unnest(p.categories) x where p.listed_on = ${options.day}
      ) i
      join profile pr on pr.kind = i.kind and pr.item = i.item
      group by i.id
    ),
    scored as (
      select ${sql.join(paperColumns.map((c) => sql.ref(c)))},
        coalesce(m.matched, '{}') as matched,
        own.vote as own_vote,
        a.affinity,
        ln(1 + greatest(papers.upvotes, 0))
          + ${w.follow} * least(cardinality(coalesce(m.matched, '{}')), ${w.maxFollowMatches})
          + ${w.affinity} * greatest(-1 * ${w.maxAffinity}, least(${w.maxAffinity}, coalesce(a.affinity, 0)))
          + case own.vote when -1 then ${w.ownDown} when 1 then ${w.ownUp} else 0 end
          as score
      from papers
      left join lateral (
        select array_agg(case f.kind when 'topic' then f.label when 'author' then 'author:' || f.label else 'cat:' || f.label end
                         order by f.label) as matched
        from my_follows f
        where (f.kind = 'topic' and papers.search @@ f.q)
           or (f.kind = 'author' and lower(paperboy_join(papers.authors)) like '%' || replace(replace(replace(f.value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
           or (f.kind = 'category' and exists (select 1 from unnest(papers.categories) c where lower(c) = f.value))
      ) m on true
      left join day_affinity a on a.id = papers.id
      left join feedback own on own.recipient_id = ${recipientId} and own.paper_id = papers.id
      where papers.listed_on = ${options.day}
        ${options.excludeIds?.length ? sql`and papers.id <> all(${options.excludeIds})` : sql``}
    )
    select * from scored
    ${options.onlyMatches ? sql`where cardinality(matched) > 0` : sql``}
    order by score desc, upvotes desc, published_at desc nulls last, id
    limit ${options.limit + 1} offset ${options.offset}`.execute(db);
  return rows.map((row) => ({
    paper: toPaper(row),
    score: Number(row.score),
    matched: row.matched,
    vote: row.own_vote === null ? null : row.own_vote > 0 ? 1 : -1,
    affinity: Number(row.affinity ?? 0),
  }));
}
