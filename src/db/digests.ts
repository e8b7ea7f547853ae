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

/** Which papers a digest for some local date draws from. */
export interface DigestWindow {
  /** The newest day with papers on or before the local date ("the day" of the digest); undefined when there are none. */
  latest: string | undefined;
  /** The window's days, newest first (at most two). */
  days: string[];
  /**
   * Changes whenever a paper of the window is added or changed (and differs between
   * databases), so what was computed for the window (its papers, matches of follows) can be
   * reused until then.
   */
  stamp: string;
}

/** The latest two days with papers on or before `localDate`, with a stamp of their papers' state. Cheap: aggregates only. */
export async function digestWindow(db: Kysely<Database>, localDate: string): Promise<DigestWindow> {
  const { rows } = await sql<{ latest: string | null; previous: string | null; stamp: string }>`
    with days as (
      select l1.day as latest, l2.day as previous
      from (select max(listed_on) as day from papers where listed_on <= ${localDate}::date) l1
      cross join lateral (select max(listed_on) as day from papers where listed_on < l1.day) l2
    )
    select d.latest, d.previous,
           concat_ws(':', current_database(), d.latest, d.previous, count(p.id), max(p.last_seen_at),
                     sum(hashtext(p.id || '@' || p.last_seen_at::text)::bigint)) as stamp
    from days d
    left join papers p on p.listed_on = any(array[d.latest, d.previous])
    group by d.latest, d.previous`.execute(db);
  const row = rows[0];
  return {
    latest: row?.latest ?? undefined,
    days: [row?.latest, row?.previous].filter((day): day is string => Boolean(day)),
    stamp: row?.stamp ?? '',
  };
}

/** The papers listed on `days`, newest day first, then by upvotes, recency and id (the tie-break order of `rankDay`). */
export async function windowPapers(db: Kysely<Database>, days: readonly string[]): Promise<WindowPaper[]> {
  if (days.length === 0) return [];
  const rows = await db
    .selectFrom('papers')
    .select(['id', 'listed_on', 'upvotes'])
    .where('listed_on', '=', sql<string>`any(${[...days]}::date[])`)
    .orderBy('listed_on', 'desc')
    .orderBy('upvotes', 'desc')
    .orderBy(sql`published_at desc nulls last`)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, listedOn: row.listed_on!, upvotes: row.upvotes }));
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
