import { type Kysely, sql } from 'kysely';
import type { Paper } from '../core/paper.ts';
import { paperColumns, toPaper } from './papers.ts';
import { SCORE_WEIGHTS } from './ranking.ts';
import type { Database } from './schema.ts';

/** One digest to compose: for whom, for which local date, how many papers at most. */
export interface DigestRequest {
  /** The caller's key for this digest (the delivery id); picks come back under it. */
  key: number;
  recipientId: number;
  /** The subscriber's local date, 'YYYY-MM-DD'. */
  localDate: string;
  /** papers_per_post. */
  limit: number;
}

/** One paper picked for one digest. */
export interface DigestPick {
  key: number;
  paperId: string;
  /** 1-based position in the digest. */
  rank: number;
  /** Labels of the follows it matched, shown as in `today` (`grokking`, `author:…`, `cat:…`); empty for a top-of-the-day pick. */
  matched: string[];
  /** Overlap with what the recipient voted on (positive: like what they 👍). */
  affinity: number;
  /** The day the paper is listed on. */
  listedOn: string;
  /** The newest day with papers on or before the local date ("the day" of this digest). */
  latestDay: string;
}

/**
 * How many of the latest days with papers (on or before the local date) a digest draws from.
 *
 * Why two: Hugging Face fills a day's list during that day, and a subscriber whose morning
 * comes before Europe's and America's (Asia/Kolkata at 09:00 is 03:30 UTC) would otherwise
 * get the first two or three papers of a half-listed day and never see the rest. With the day
 * before in the window, whatever was listed after their last digest still arrives the next
 * morning; delivered_papers makes sure nothing comes twice. Newer days are shown first, so a
 * subscriber late in the day gets that day's papers and only fills up from the day before.
 */
export const DIGEST_WINDOW_DAYS = 2;

/**
 * Picks the papers for many digests at once, set-based: one statement for the whole batch,
 * never one per subscriber or per follow. Read-only; pass a transaction to see its claims.
 *
 * - Candidates: papers listed on the {@link DIGEST_WINDOW_DAYS} latest days with papers on
 *   or before each digest's local date, minus papers this recipient was already sent
 *   (delivered_papers) or has voted on (it has seen them).
 * - A recipient that follows anything gets only papers matching its follows; one that follows
 *   nothing gets the day's top papers.
 * - Score as in `rankDay` (`today`): ln(1 + upvotes) + 3 × matched follows (≤ 3) + 0.5 ×
 *   affinity (±4). Order: newer day first, then score, upvotes, recency, id.
 *
 * Follow matching is shared across the batch: each distinct topic is tested once against the
 * window's papers, and only against papers sharing a word stem with it (a tsquery can only
 * match a document that contains one of its lexemes, unless it negates one), so the exact
 * `@@` runs on a handful of pairs instead of every follow × paper.
 */
export async function composeDigests(db: Kysely<Database>, requests: readonly DigestRequest[]): Promise<DigestPick[]> {
  if (requests.length === 0) return [];
  const w = Object.fromEntries(Object.entries(SCORE_WEIGHTS).map(([k, v]) => [k, sql.lit(v)])) as Record<keyof typeof SCORE_WEIGHTS, ReturnType<typeof sql.lit>>;
  const { rows } = await sql<{
    key: number;
    paper_id: string;
    rank: number;
    matched: string[];
    affinity: number;
    listed_on: string;
    latest: string;
  }>`
    with batch as materialized (
      select * from unnest(${requests.map((r) => r.key)}::int[], ${requests.map((r) => r.recipientId)}::int[],
                           ${requests.map((r) => r.localDate)}::date[], ${requests.map((r) => r.limit)}::int[])
        as b(key, recipient_id, local_date, n)
    ),
    windows as materialized (
      select d.local_date, day.listed_on, l1.day as latest
      from (select distinct local_date from batch) d
      cross join lateral (select max(listed_on) as day from papers where listed_on <= d.local_date) l1
      cross join lateral (select max(listed_on) as day from papers where listed_on < l1.day) l2
      cross join lateral (values (l1.day), (l2.day)) as day(listed_on)
      where day.listed_on is not null
    ),
    wp as materialized (
      select p.id, p.listed_on, p.upvotes, p.published_at, p.search, p.authors, p.categories, p.ai_keywords,
             lower(paperboy_join(p.authors)) as authors_lc
      from papers p where p.listed_on in (select listed_on from windows)
    ),
    bf as materialized (
      select f.recipient_id, f.kind, f.value, f.label from follows f
      where f.recipient_id in (select recipient_id from batch)
    ),
    topics as materialized (
      select value, q, querytree(q) like '%!%' as negated
      from (select distinct value, websearch_to_tsquery('english', value) as q from bf where kind = 'topic') t
    ),
    topic_lexemes as materialized (
      select distinct t.value, l.lexeme
      from topics t cross join lateral unnest(tsvector_to_array(to_tsvector('english', t.value))) as l(lexeme)
    ),
    paper_lexemes as materialized (
      select wp.id, l.lexeme from wp cross join lateral unnest(tsvector_to_array(wp.search)) as l(lexeme)
    ),
    topic_pairs as materialized (
      select tl.value, pl.id from topic_lexemes tl join paper_lexemes pl on pl.lexeme = tl.lexeme
      union
      select t.value, wp.id from topics t cross join wp where t.negated
    ),
    matches as materialized (
      select 'topic'::text as kind, tp.value, tp.id
      from topic_pairs tp join topics t on t.value = tp.value join wp on wp.id = tp.id
      where wp.search @@ t.q
      union all
      select 'author', a.value, wp.id
      from (select distinct value from bf where kind = 'author') a cross join wp
      where wp.authors_lc like '%' || replace(replace(replace(a.value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
      union all
      select distinct 'category', c.value, pc.id
      from (select distinct value from bf where kind = 'category') c
      join (select wp.id, lower(cat) as cat from wp cross join lateral unnest(wp.categories) as cat) pc on pc.cat = c.value
    ),
    followed as materialized (
      select b.key, m.id, array_agg(case f.kind when 'topic' then f.label when 'author' then 'author:' || f.label else 'cat:' || f.label end
                                    order by f.label) as matched
      from batch b
      join bf f on f.recipient_id = b.recipient_id
      join matches m on m.kind = f.kind and m.value = f.value
      group by b.key, m.id
    ),
    candidates as materialized (
      select c.* from (
        select b.key, b.recipient_id, b.n, w.latest, fo.id, fo.matched
        from batch b
        join followed fo on fo.key = b.key
        join wp on wp.id = fo.id
        join windows w on w.local_date = b.local_date and w.listed_on = wp.listed_on
        union all
        select b.key, b.recipient_id, b.n, w.latest, wp.id, '{}'::text[]
        from batch b
        join windows w on w.local_date = b.local_date
        join wp on wp.listed_on = w.listed_on
        where not exists (select 1 from bf where bf.recipient_id = b.recipient_id)
      ) c
      where not exists (select 1 from delivered_papers d where d.recipient_id = c.recipient_id and d.paper_id = c.id)
        and not exists (select 1 from feedback v where v.recipient_id = c.recipient_id and v.paper_id = c.id)
    ),
    window_items as materialized (
      select distinct wp.id, 'k'::text as kind, x as item from wp cross join lateral unnest(wp.ai_keywords) x
      union select wp.id, 'a', x from wp cross join lateral unnest(wp.authors) x
      union select wp.id, 'c', x from wp cross join lateral unnest(wp.categories) x
    ),
    profile as materialized (
      select v.recipient_id, i.kind, i.item, sum(v.vote * i.weight) as weight
      from (
        select f.recipient_id, f.vote, p.ai_keywords, p.authors, p.categories,
               row_number() over (partition by f.recipient_id order by f.updated_at desc) as recent
        from feedback f join papers p on p.id = f.paper_id
        where f.recipient_id in (select recipient_id from batch)
      ) v
      cross join lateral (
        select 'k'::text as kind, x as item, 1.0 as weight from unnest(v.ai_keywords) x
        union select 'a', x, 1.0 from unnest(v.authors) x
        union select 'c', x, 0.5 from unnest(v.categories) x
      ) i
      where v.recent <= 200
      group by v.recipient_id, i.kind, i.item
    ),
    affinity as materialized (
      select pr.recipient_id, wi.id, sum(pr.weight) as affinity
      from profile pr join window_items wi on wi.kind = pr.kind and wi.item = pr.item
      group by pr.recipient_id, wi.id
    ),
    scored as (
      select c.key, c.id, c.n, c.matched, c.latest, wp.listed_on, wp.upvotes, wp.published_at,
             coalesce(a.affinity, 0) as affinity,
             ln(1 + greatest(wp.upvotes, 0))
               + ${w.follow} * least(cardinality(c.matched), ${w.maxFollowMatches})
               + ${w.affinity} * greatest(-1 * ${w.maxAffinity}, least(${w.maxAffinity}, coalesce(a.affinity, 0))) as score
      from candidates c
      join wp on wp.id = c.id
      left join affinity a on a.recipient_id = c.recipient_id and a.id = c.id
    ),
    ranked as (
      select s.*, row_number() over (partition by s.key
                                     order by s.listed_on desc, s.score desc, s.upvotes desc, s.published_at desc nulls last, s.id) as rank
      from scored s
    )
    select key, id as paper_id, rank::int as rank, matched, affinity, listed_on, latest
    from ranked where rank <= n
    order by key, rank`.execute(db);
  return rows.map((row) => ({
    key: row.key,
    paperId: row.paper_id,
    rank: row.rank,
    matched: row.matched,
    affinity: Number(row.affinity),
    listedOn: row.listed_on,
    latestDay: row.latest,
  }));
}

/** Papers by id (in no particular order); ids that are not stored are left out. */
export async function papersByIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Paper>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('papers').select(paperColumns).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((row) => [row.id, toPaper(row)]));
}
