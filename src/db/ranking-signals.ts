import { type RawBuilder, sql } from 'kysely';
import type { Vote } from '../core/answer.ts';
import type { Follow } from '../core/follow.ts';
import type { PaperFeatures } from '../core/ports/profile-store.ts';
import type { PaperWindow, RankingSignals } from '../core/ports/ranking-signals.ts';
import type { Db } from './db.ts';
import { voteOf } from './feedback-store.ts';

/**
 * The set-based reads behind ranking (`today`, digests; see core/ranking and
 * core/digest/compose-digests.ts): each serves a whole batch of recipients at once, never one
 * recipient or one follow at a time.
 */
/** Up to this many topic follows are tested against every paper of the window directly (see matchFollows). */
const FEW_TOPICS = 16;

export function createRankingSignals(db: Db): RankingSignals {
  return {
    async window(onOrBefore, size) {
      if (!Number.isInteger(size) || size < 1) throw new RangeError(`a window has at least one day, not ${size}`);
      // A loose index scan: each day is one max() below the previous one, answered from
      // papers_newest_idx, so the window costs `size` index probes however many papers the
      // days hold; the stamp then reads only the window's papers.
      return stampedWindow(
        db,
        sql`with recursive days (day, n) as (
          select (select max(listed_on) from papers where listed_on <= ${onOrBefore}::date), 1
          union all
          select (select max(listed_on) from papers where listed_on < d.day), d.n + 1
          from days d
          where d.day is not null and d.n < ${size}::int
        ),
        window_days as materialized (select day from days where day is not null)`,
      );
    },

    async span(from, to) {
      // Each day with papers found by one probe of papers_newest_idx (a loose scan downwards from `to`).
      return stampedWindow(
        db,
        sql`with recursive days (day) as (
          select (select max(listed_on) from papers where listed_on <= ${to}::date and listed_on >= ${from}::date)
          union all
          select (select max(listed_on) from papers where listed_on < d.day and listed_on >= ${from}::date)
          from days d
          where d.day is not null
        ),
        window_days as materialized (select day from days where day is not null)`,
      );
    },

    async candidates(days) {
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
    },

    async followsOf(recipients) {
      return (await interestsOf(db, recipients, false)).follows;
    },

    interestsOf: (recipients) => interestsOf(db, recipients, true),

    features(paperIds) {
      if (paperIds.length === 0) return Promise.resolve(new Map());
      return featuresWhere(db, sql`p.id = any(${[...new Set(paperIds)]}::text[])`);
    },

    featuresOn(days) {
      if (days.length === 0) return Promise.resolve(new Map());
      return featuresWhere(db, sql`p.listed_on = any(${[...days]}::date[])`);
    },

    /**
     * In one statement for all the follows. With many topics (a batch of digests), a topic
     * is tested only against papers sharing a word stem with it (a tsquery can only match a
     * document containing one of its lexemes, unless it negates one), so the exact `@@` runs on
     * a handful of pairs instead of every follow × paper; splitting every paper into its
     * lexemes costs more than it saves for a few topics (one recipient's `today`), which are
     * tested against every paper directly. Both give the same matches.
     */
    async matchFollows(days, follows) {
      const matches = new Map<number, string[]>();
      if (follows.length === 0 || days.length === 0) return matches;
      const fewTopics = follows.filter((f) => f.kind === 'topic').length <= FEW_TOPICS;
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
        ${
          fewTopics
            ? sql`topic_pairs as (select t.fid, wp.id from topics t cross join wp),`
            : sql`topic_lexemes as materialized (
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
        ),`
        }
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
    },

    async votesIn(recipients, days) {
      const votes = new Map<number, Map<string, Vote>>();
      if (recipients.length === 0 || days.length === 0) return votes;
      // Each recipient's votes read by its key (`offset 0` keeps the planner from turning this into
      // a scan of every vote), then checked against the window's ids hashed once: in one join,
      // Postgres rebuilt that hash for each recipient with votes (a batch of 500 digests read
      // theirs in 26 ms instead of 4), so the CTE keeps the halves apart.
      const { rows } = await sql<{ recipient_id: number; paper_id: string; vote: number }>`
        with theirs as materialized (
          select r.id as recipient_id, f.paper_id, f.vote
          from unnest(${[...new Set(recipients)]}::int[]) as r(id)
          cross join lateral (select paper_id, vote from feedback where recipient_id = r.id offset 0) f
        )
        select t.recipient_id, t.paper_id, t.vote
        from theirs t join papers p on p.id = t.paper_id
        where p.listed_on = any(${[...days]}::date[])`.execute(db);
      for (const row of rows) {
        const mine = votes.get(row.recipient_id);
        if (mine) mine.set(row.paper_id, voteOf(row.vote));
        else votes.set(row.recipient_id, new Map([[row.paper_id, voteOf(row.vote)]]));
      }
      return votes;
    },

    async deliveredAmong(pairs) {
      if (pairs.length === 0) return new Set();
      // LATERAL … LIMIT 1 keeps this a probe per pair: a hash join would read all of delivered_papers.
      const { rows } = await sql<{ recipient_id: number; paper_id: string }>`
        select x.recipient_id, x.paper_id
        from unnest(${pairs.map((p) => p.recipient)}::int[], ${pairs.map((p) => p.paperId)}::text[]) as x(recipient_id, paper_id)
        cross join lateral (
          select 1 from delivered_papers d where d.recipient_id = x.recipient_id and d.paper_id = x.paper_id limit 1
        ) sent`.execute(db);
      return new Set(rows.map((row) => `${row.recipient_id}:${row.paper_id}`));
    },
  };
}

/**
 * A window of days (`days`: a CTE list ending in `window_days (day)`) with the stamp of its
 * papers' state: their count, newest change and a hash of every (id, change), plus the content
 * model's size and last rebuild (vectors change with them), and the database's name.
 */
async function stampedWindow(db: Db, days: RawBuilder<unknown>): Promise<PaperWindow> {
  const { rows } = await sql<{ days: string[]; stamp: string }>`
    ${days}
    select array(select day::text from window_days order by day desc) as days, -- text: date[] has no 'YYYY-MM-DD' parser
           concat_ws(':', current_database(), (select string_agg(day::text, ',' order by day desc) from window_days),
                     count(p.id), max(p.last_seen_at), sum(hashtext(p.id || '@' || p.last_seen_at::text)::bigint),
                     (select concat_ws('@', papers, reindexed_at) from content_stats)) as stamp
    from papers p
    where p.listed_on = any(array(select day from window_days))`.execute(db);
  const row = rows[0];
  const found = row?.days ?? [];
  return { latest: found[0], days: found, stamp: row?.stamp ?? '' };
}

/** Follows (and, with `withMutes`, mutes: stored alike) of many recipients, oldest first each, in one statement. */
async function interestsOf(db: Db, recipients: readonly number[], withMutes: boolean) {
  const follows = new Map<number, Follow[]>();
  const mutes = new Map<number, Follow[]>();
  if (recipients.length === 0) return { follows, mutes };
  const ids = [...new Set(recipients)];
  // Ordered inside, so the rows carry no timestamps to parse (a batch of digests reads thousands).
  const { rows } = await sql<{ muted: boolean; recipient_id: number; kind: Follow['kind']; value: string; label: string }>`
    select muted, recipient_id, kind, value, label from (
      select false as muted, recipient_id, kind, value, label, created_at, id from follows where recipient_id = any(${ids}::int[])
      ${withMutes ? sql`union all select true, recipient_id, kind, value, label, created_at, id from mutes where recipient_id = any(${ids}::int[])` : sql``}
    ) interests
    order by muted, recipient_id, created_at, id`.execute(db);
  for (const row of rows) {
    const into = row.muted ? mutes : follows;
    const list = into.get(row.recipient_id);
    const follow: Follow = { kind: row.kind, value: row.value, label: row.label };
    if (list) list.push(follow);
    else into.set(row.recipient_id, [follow]);
  }
  return { follows, mutes };
}

/**
 * The features of the papers `where` selects (a condition on `papers p`). One JSON value:
 * JSON.parse reads a day's 300 papers' arrays in a fraction of the time the driver's array
 * parser takes (measured at 1M papers: 10.6 ms against 21.6 ms for a day, most of it parsing).
 */
async function featuresWhere(db: Db, where: RawBuilder<unknown>): Promise<Map<string, PaperFeatures>> {
  const features = new Map<string, PaperFeatures>();
  const { rows } = await sql<{ f: [string, number[] | null, number[] | null, string[], string[], string[]][] | null }>`
    select json_agg(json_build_array(p.id, v.terms, v.weights, p.ai_keywords, p.authors, p.categories)) as f
    from papers p left join content_vectors v on v.paper_id = p.id
    where ${where}`.execute(db);
  for (const [id, terms, weights, keywords, authors, categories] of rows[0]?.f ?? []) {
    features.set(id, { vector: { terms: terms ?? [], weights: weights ?? [] }, keywords, authors, categories });
  }
  return features;
}
