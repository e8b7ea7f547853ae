import { type Kysely, sql } from 'kysely';
import type { FollowKind } from '../core/follow.ts';
import type { Paper } from '../core/paper.ts';
import { paperColumns, toPaper } from './papers.ts';
import type { Database } from './schema.ts';

/**
 * The set-based queries behind daily digests (see core/digest/compose-digests.ts): each
 * serves a whole batch of digests at once, never one subscriber or one follow at a time.
 */

/** A paper of a digest window, as ranking needs it. */
export interface WindowPaper {
  id: string;
  listedOn: string;
  upvotes: number;
}

/** The papers a digest for some local date draws from. */
export interface DigestWindow {
  /** The newest day with papers on or before the local date ("the day" of the digest); undefined when there are none. */
  latest: string | undefined;
  /** The window's days, newest first (at most two). */
  days: string[];
  /** Its papers, newest day first, then by upvotes, recency and id (the tie-break order of `rankDay`). */
  papers: WindowPaper[];
  /**
   * Changes whenever a paper of the window is added or changed (and differs between
   * databases), so matches of follows computed for it can be reused until then.
   */
  stamp: string;
}

/** The latest two days with papers on or before `localDate`, and their papers. */
export async function digestWindow(db: Kysely<Database>, localDate: string): Promise<DigestWindow> {
  const { rows } = await sql<{ id: string | null; listed_on: string | null; upvotes: number | null; latest: string | null; previous: string | null; stamp: string }>`
    with days as (
      select l1.day as latest, l2.day as previous
      from (select max(listed_on) as day from papers where listed_on <= ${localDate}::date) l1
      cross join lateral (select max(listed_on) as day from papers where listed_on < l1.day) l2
    ),
    window_papers as (
      select p.id, p.listed_on, p.upvotes, p.published_at, p.last_seen_at
      from papers p, days
      where p.listed_on = any(array[days.latest, days.previous])
    )
    select w.id, w.listed_on, w.upvotes, d.latest, d.previous, st.stamp
    from days d
    cross join (select md5(current_database() || coalesce(string_agg(id || '@' || last_seen_at::text, ',' order by id), '')) as stamp from window_papers) st
    left join window_papers w on true
    order by w.listed_on desc, w.upvotes desc, w.published_at desc nulls last, w.id`.execute(db);
  const first = rows[0];
  return {
    latest: first?.latest ?? undefined,
    days: [first?.latest, first?.previous].filter((day): day is string => Boolean(day)),
    papers: rows.flatMap((row) => (row.id && row.listed_on ? [{ id: row.id, listedOn: row.listed_on, upvotes: row.upvotes ?? 0 }] : [])),
    stamp: first?.stamp ?? '',
  };
}

/** One follow of a recipient. */
export interface RecipientFollow {
  kind: FollowKind;
  value: string;
  label: string;
}

/** The follows of many recipients (recipients that follow nothing are absent). */
export async function followsOf(db: Kysely<Database>, recipientIds: readonly number[]): Promise<Map<number, RecipientFollow[]>> {
  const byRecipient = new Map<number, RecipientFollow[]>();
  if (recipientIds.length === 0) return byRecipient;
  const rows = await db
    .selectFrom('follows')
    .select(['recipient_id', 'kind', 'value', 'label'])
    .where('recipient_id', '=', sql<number>`any(${[...new Set(recipientIds)]}::int[])`)
    .execute();
  for (const row of rows) {
    const list = byRecipient.get(row.recipient_id);
    const follow = { kind: row.kind, value: row.value, label: row.label };
    if (list) list.push(follow);
    else byRecipient.set(row.recipient_id, [follow]);
  }
  return byRecipient;
}

/**
 * Which papers listed on `days` each follow matches, in one statement for all the follows,
 * with the same rules as `rankDay`: a topic by full-text search, an author by a substring of
 * the author list, a category exactly. Each follow is tested once, and a topic only against
 * papers sharing a word stem with it (a tsquery can only match a document containing one of
 * its lexemes, unless it negates one), so the exact `@@` runs on a handful of pairs instead of
 * every follow × paper. Returns paper ids by the index of the follow in `follows`.
 */
export async function matchFollows(
  db: Kysely<Database>,
  days: readonly string[],
  follows: readonly { kind: FollowKind; value: string }[],
): Promise<Map<number, string[]>> {
  const matches = new Map<number, string[]>();
  if (follows.length === 0 || days.length === 0) return matches;
  const { rows } = await sql<{ fid: number; ids: string[] }>`
    with wp as materialized (
      select p.id, p.search, p.categories, lower(paperboy_join(p.authors)) as author_text
      from papers p where p.listed_on = any(${[...days]}::date[])
    ),
    fv as materialized (
      select (f.ord - 1)::int as fid, f.kind, f.value
      from unnest(${follows.map((f) => f.kind)}::text[], ${follows.map((f) => f.value)}::text[]) with ordinality as f(kind, value, ord)
    ),
    topics as materialized (
      select fid, q, querytree(q) like '%!%' as negated
      from (select fid, websearch_to_tsquery('english', value) as q from fv where kind = 'topic') t
    ),
    topic_lexemes as materialized (
      select distinct fv.fid, l.lexeme
      from fv cross join lateral unnest(tsvector_to_array(to_tsvector('english', fv.value))) as l(lexeme)
      where fv.kind = 'topic'
    ),
    paper_lexemes as materialized (
      select wp.id, l.lexeme from wp cross join lateral unnest(tsvector_to_array(wp.search)) as l(lexeme)
    ),
    topic_pairs as materialized (
      select tl.fid, pl.id from topic_lexemes tl join paper_lexemes pl on pl.lexeme = tl.lexeme
      union
      select t.fid, wp.id from topics t cross join wp where t.negated
    ),
    matches as (
      select tp.fid, tp.id
      from topic_pairs tp join topics t on t.fid = tp.fid join wp on wp.id = tp.id
      where wp.search @@ t.q
      union all
      select fv.fid, wp.id
      from fv cross join wp
      where fv.kind = 'author'
        and wp.author_text like '%' || replace(replace(replace(fv.value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
      union all
      select distinct fv.fid, pc.id
      from fv join (select wp.id, lower(cat) as cat from wp cross join lateral unnest(wp.categories) as cat) pc on pc.cat = fv.value
      where fv.kind = 'category'
    )
    select fid, array_agg(id) as ids from matches group by fid`.execute(db);
  for (const row of rows) matches.set(row.fid, row.ids);
  return matches;
}

/** What recipients' votes say about a window's papers. */
export interface VoteSignals {
  /** Affinity by recipient and paper, as `rankDay` computes it; absent means 0. */
  affinity: Map<number, Map<string, number>>;
  /** Papers of the window each recipient voted on (it has seen them). */
  voted: Map<number, Set<string>>;
}

/**
 * Affinity of recipients to the papers listed on `days`, set-based: a profile of each
 * recipient's latest 200 votes (keywords and authors weigh 1, categories 0.5, 👍 for and 👎
 * against) summed over each paper's items — the same number `rankDay` computes vote by vote.
 */
export async function voteSignals(db: Kysely<Database>, recipientIds: readonly number[], days: readonly string[]): Promise<VoteSignals> {
  const signals: VoteSignals = { affinity: new Map(), voted: new Map() };
  if (recipientIds.length === 0 || days.length === 0) return signals;
  const ids = [...new Set(recipientIds)];
  const { rows } = await sql<{ recipient_id: number; paper_id: string; affinity: number | null; voted: boolean }>`
    with votes as materialized (
      select f.recipient_id, f.paper_id, f.vote, p.ai_keywords, p.authors, p.categories, p.listed_on,
             row_number() over (partition by f.recipient_id order by f.updated_at desc) as recent
      from feedback f join papers p on p.id = f.paper_id
      where f.recipient_id = any(${ids}::int[])
    ),
    profile as (
      select v.recipient_id, i.kind, i.item, sum(v.vote * i.weight)::float8 as weight
      from votes v
      cross join lateral (
        select 'k'::text as kind, x as item, 1.0 as weight from unnest(v.ai_keywords) x
        union select 'a', x, 1.0 from unnest(v.authors) x
        union select 'c', x, 0.5 from unnest(v.categories) x
      ) i
      where v.recent <= 200
      group by v.recipient_id, i.kind, i.item
    ),
    window_items as (
      select distinct p.id, 'k'::text as kind, x as item from papers p cross join lateral unnest(p.ai_keywords) x where p.listed_on = any(${[...days]}::date[])
      union select p.id, 'a', x from papers p cross join lateral unnest(p.authors) x where p.listed_on = any(${[...days]}::date[])
      union select p.id, 'c', x from papers p cross join lateral unnest(p.categories) x where p.listed_on = any(${[...days]}::date[])
    )
    select pr.recipient_id, wi.id as paper_id, sum(pr.weight) as affinity, false as voted
    from profile pr join window_items wi on wi.kind = pr.kind and wi.item = pr.item
    group by pr.recipient_id, wi.id
    union all
    select recipient_id, paper_id, null, true from votes where listed_on = any(${[...days]}::date[])`.execute(db);
  for (const row of rows) {
    if (row.voted) {
      const set = signals.voted.get(row.recipient_id) ?? new Set<string>();
      set.add(row.paper_id);
      signals.voted.set(row.recipient_id, set);
    } else if (row.affinity) {
      const map = signals.affinity.get(row.recipient_id) ?? new Map<string, number>();
      map.set(row.paper_id, Number(row.affinity));
      signals.affinity.set(row.recipient_id, map);
    }
  }
  return signals;
}

/** Which of these (recipient, paper) pairs were already delivered: one index probe each, in one statement. */
export async function deliveredAmong(db: Kysely<Database>, pairs: readonly { recipientId: number; paperId: string }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  // LATERAL … LIMIT 1 keeps this a probe per pair: a hash join would read all of delivered_papers.
  const { rows } = await sql<{ recipient_id: number; paper_id: string }>`
    select x.recipient_id, x.paper_id
    from unnest(${pairs.map((p) => p.recipientId)}::int[], ${pairs.map((p) => p.paperId)}::text[]) as x(recipient_id, paper_id)
    cross join lateral (
      select 1 from delivered_papers d where d.recipient_id = x.recipient_id and d.paper_id = x.paper_id limit 1
    ) sent`.execute(db);
  return new Set(rows.map((row) => `${row.recipient_id}:${row.paper_id}`));
}

/** Papers by id (in no particular order); ids that are not stored are left out. */
export async function papersByIds(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Paper>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('papers').select(paperColumns).where('id', '=', sql<string>`any(${[...new Set(ids)]}::text[])`).execute();
  return new Map(rows.map((row) => [row.id, toPaper(row)]));
}
