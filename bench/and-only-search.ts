/**
 * The search paperboy had before it ranked by relevance (commit 3baca26, `src/db/paper-search.ts`),
 * kept as a baseline for the search benchmarks: every word required (`websearch_to_tsquery`),
 * three tiers (title; title, keywords or authors; anywhere), newest first within a tier, and
 * the same spelling fallback. Frozen: not used by paperboy itself.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Paper } from '../src/core/paper.ts';
import type { SearchPage, SearchQuery } from '../src/core/ports/paper-library.ts';
import type { Db } from '../src/db/db.ts';
import { latestListedDay } from '../src/db/listed-days.ts';
import { paperColumns, toPaper } from '../src/db/paper-columns.ts';

/**
 * Full-text search (`websearch_to_tsquery('english', …)`) in three tiers: papers whose
 * title matches the query, then those whose title, keywords or authors match, then the
 * rest (abstract matches); newest first within a tier. Every `author:` filter applies. When
 * nothing matches, each word that is not in any stored title or keyword (nor a stop word) is
 * replaced by the nearest one that is, so a typo still finds something (and the answer says
 * what it searched for instead).
 */
export async function andOnlySearch(db: Db, query: SearchQuery): Promise<SearchPage> {
  const found = await search(db, query);
  if (found.length > 0 || query.text.trim() === '') return page(found, query.limit);
  const corrected = await correctSpelling(db, query.text);
  if (!corrected) return page(found, query.limit);
  return { ...page(await search(db, { ...query, text: corrected }), query.limit), correctedTo: corrected };
}

/**
 * Whether `text` yields any search terms (stop words alone, like "the", match nothing): the
 * same parse as search's, so a topic that passes will also match papers.
 */
export async function hasSearchTerms(db: Db, text: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select numnode(websearch_to_tsquery('english', ${text})) as n`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

function page(rows: Paper[], limit: number): SearchPage {
  return { papers: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** Within a tier: newest first, then most upvoted. Exactly `papers_newest_idx`, so it can be read in order. */
const NEWEST_FIRST = sql`papers.listed_on desc nulls last, papers.upvotes desc, papers.id`;

/**
 * How many of the newest papers one pass reads. A condition met by more than ~1 % of papers
 * fills a page from this pass; sorting every match of a common word instead took over a
 * second on a million papers. Rarer conditions come from the GIN indexes (see newestMatching).
 */
const RECENT_PASS = 1_000;

/**
 * Days back from the newest stored day that a rarer condition is looked up in before the
 * whole library. A word in 0.3 % of papers still has a page of matches in the last 90 days,
 * and those are far fewer to fetch and sort than its matches over a decade; a word too rare
 * for that has few matches anywhere. (The window costs in proportion to its papers, so one
 * short window beats a ladder of longer ones.)
 */
const RECENT_DAYS = 90;

/** A search as SQL: what any result matches, and the relevance tiers within that, best first. */
interface Tiers {
  /** Every result meets this; the cheapest test for papers read one by one. */
  matches: RawBuilder<unknown>;
  /** The same test in a form the indexes can answer. */
  matchesIndexed: RawBuilder<unknown>;
  /** The tier of a paper that `matches`, as 0, 1, …; evaluated only on the newest papers. */
  tierOf: RawBuilder<unknown>;
  /** Each tier as a condition the indexes can answer on its own. */
  each: RawBuilder<unknown>[];
}

async function search(db: Db, query: SearchQuery): Promise<Paper[]> {
  const { parsed, authorKeys } = await prepare(db, query.text, query.authors ?? []);
  const author = authorCondition(authorKeys);
  let tiers: Tiers;
  if (parsed) tiers = textTiers(parsed, author ?? ANY_AUTHOR);
  else if (author) tiers = { matches: author.perPaper, matchesIndexed: author.indexed, tierOf: sql`0`, each: [author.indexed] };
  else return [];
  const ids = await rankedIds(db, tiers, query.offset + query.limit + 1, () => mayMatch(db, query.text, tiers));
  return papersInOrder(db, ids.slice(query.offset));
}

/**
 * Asked when none of the newest papers match: could older ones? Usually the query has a typo.
 * Words of stored titles and keywords exist, so only a query with other words is probed, and
 * the probe is cheap exactly then: the index has no entry for a misspelt word. (Probing every
 * such query cost ~10 ms for rare combinations of common words.)
 */
async function mayMatch(db: Db, text: string, tiers: Tiers): Promise<boolean> {
  const { rows } = await sql<{ may: boolean }>`
    select case
      when exists (select from unnest(${wordsOf(text)}::text[]) as typed where not exists (select from vocabulary where word = typed))
      then exists (select from papers where ${tiers.matchesIndexed})
      else true
    end as may`.execute(db);
  return rows[0]?.may ?? true;
}

function textTiers(q: string, author: AuthorCondition): Tiers {
  // Each is the expression of a GIN index (papers_dated_search_idx, _headline_idx, _title_idx).
  const anywhere = sql`papers.search @@ ${q}::tsquery`;
  const inHeadline = sql`ts_filter(papers.search, '{a,b}') @@ ${q}::tsquery`;
  const inTitle = sql`ts_filter(papers.search, '{a}') @@ ${q}::tsquery`;
  // A match in the title or headline is a match anywhere, unless the query excludes a word
  // (`-memory`) that the abstract holds; only then does a tier need testing against it too.
  const excludes = q.includes('!') ? sql`${anywhere} and` : sql``;
  return {
    matches: sql`${anywhere} and ${author.perPaper}`,
    matchesIndexed: sql`${anywhere} and ${author.indexed}`,
    tierOf: sql`case when ${inTitle} then 0 when ${inHeadline} then 1 else 2 end`,
    each: [
      sql`${excludes} ${inTitle} and ${author.indexed}`,
      sql`${excludes} ${inHeadline} and not ${inTitle} and ${author.indexed}`,
      sql`${anywhere} and not ${inHeadline} and ${author.indexed}`,
    ],
  };
}

/** The `author:` filters as SQL, two ways. */
interface AuthorCondition {
  /** For the GIN index of papers_author_keys_idx. */
  indexed: RawBuilder<unknown>;
  /** The same test for papers read one by one (the recent pass), cheapest first. */
  perPaper: RawBuilder<unknown>;
}

/** No `author:` filter. */
const ANY_AUTHOR: AuthorCondition = { indexed: sql`true`, perPaper: sql`true` };

/**
 * `author:Name` filters, all of which apply: a paper with, for each name, an author who is
 * called that or has it as a whole part of their name (`author:Wang`, `author:"Boshi Wang"`),
 * ignoring case and accents — the keys that papers_author_keys_idx indexes, as `prepare` folds
 * them. Undefined when there is no filter.
 */
function authorCondition(keys: readonly string[]): AuthorCondition | undefined {
  if (keys.length === 0) return undefined;
  // One containment test for every name: the GIN index intersects their posting lists.
  const indexed = sql`paperboy_author_keys(papers.authors) @> ${keys}::text[]`;
  // Computing the keys of a paper costs ~5 µs (array text in and out); a substring test of the
  // folded names, which each key implies, rules out almost every paper first. `case` fixes that
  // order. It calls unaccent itself, as paperboy_fold does: that wrapper cannot be inlined, and
  // calling through it made the test ~1.5× as dear (8.6 against 5.8 µs a paper on PGlite; the
  // test without folding was 3.7 µs).
  const within = keys.map((key) => `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const folded = sql`lower(public.unaccent('public.unaccent'::regdictionary, paperboy_join(papers.authors)))`;
  return { indexed, perPaper: sql`(case when ${folded} like all(${within}::text[]) then ${indexed} else false end)` };
}

/** What a search looks for, as the statements that follow use it. */
interface Prepared {
  /**
   * The query as tsquery text (`'larg' <-> 'languag' & 'model'`), parsed once so the statements
   * that follow carry it as a constant the planner can estimate; '' when it has no words to
   * search for (empty, or only stop words).
   */
  parsed: string;
  /** The distinct `author:` names as author keys: folded like paperboy_author_keys (no accents, lower case), single spaces; blank ones left out. */
  authorKeys: string[];
}

/** Parses the query and folds the author names, in one round trip (none when there is neither). */
async function prepare(db: Db, text: string, authors: readonly string[]): Promise<Prepared> {
  const names = authors.map((name) => name.trim().replace(/\s+/g, ' ')).filter((name) => name !== '');
  if (text.trim() === '' && names.length === 0) return { parsed: '', authorKeys: [] };
  const { rows } = await sql<{ q: string; keys: string[] }>`
    select ${text.trim() === '' ? sql`''` : sql`websearch_to_tsquery('english', ${text})::text`} as q,
           array(select distinct key from unnest(${names}::text[]) as name, paperboy_fold(name) as key where key <> '') as keys`.execute(db);
  return { parsed: rows[0]?.q ?? '', authorKeys: rows[0]?.keys ?? [] };
}

/**
 * The first `wanted` matching ids, by tier and then newest first. One pass over the newest
 * papers sorts their matches into tiers; a tier with enough matches there is complete for this
 * page, because that pass reads papers in the very order results are listed. Other tiers come
 * from newestMatching, unless `mayMatchOlder` rules out any match at all.
 */
async function rankedIds(db: Db, tiers: Tiers, wanted: number, mayMatchOlder: () => Promise<boolean>): Promise<string[]> {
  const { rows: recent } = await sql<{ id: string; tier: number }>`
    select papers.id, ${tiers.tierOf} as tier
    from (select id, search, authors, listed_on, upvotes from papers order by ${NEWEST_FIRST} limit ${RECENT_PASS}) as papers
    where ${tiers.matches}
    order by ${NEWEST_FIRST}`.execute(db);
  if (recent.length === 0 && !(await mayMatchOlder())) return [];
  const ids: string[] = [];
  let day: Promise<string | undefined> | undefined;
  const newestDay = () => (day ??= latestListedDay(db));
  for (const [tier, condition] of tiers.each.entries()) {
    const need = wanted - ids.length;
    if (need <= 0) break;
    const inRecent = recent.filter((r) => r.tier === tier).map((r) => r.id);
    if (inRecent.length >= need) {
      ids.push(...inRecent.slice(0, need));
    } else {
      ids.push(...(await newestMatching(db, condition, need, newestDay)));
    }
  }
  return ids;
}

/**
 * The newest `limit` papers meeting `condition`, for conditions too rare to fill a page from
 * the recent pass: the matches of the last RECENT_DAYS if they fill the page (they are then the
 * first ones overall), else every match. Matches are materialised before sorting so the planner
 * takes them from the GIN indexes rather than walking the newest-first index in hope of meeting
 * them (it did, for a word it had no statistics on, and read a million papers).
 */
async function newestMatching(db: Db, condition: RawBuilder<unknown>, limit: number, newestDay: () => Promise<string | undefined>) {
  const day = await newestDay();
  if (day) {
    const recent = await newestOf(db, sql`papers.listed_on >= ${day}::date - ${RECENT_DAYS}::integer and ${condition}`, limit);
    if (recent.length >= limit) return recent;
  }
  return newestOf(db, condition, limit);
}

async function newestOf(db: Db, condition: RawBuilder<unknown>, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with matches as materialized (
      select papers.id, papers.listed_on, papers.upvotes from papers where ${condition}
    )
    select papers.id from matches as papers order by ${NEWEST_FIRST} limit ${limit}`.execute(db);
  return rows.map((r) => r.id);
}

/** Full papers for ids, in the order given. */
async function papersInOrder(db: Db, ids: string[]): Promise<Paper[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('papers').select(paperColumns).where('papers.id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, toPaper(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Spelling suggestions: every word of the query that is not a stored title or keyword word is
 * replaced by the most similar one (trigram similarity); undefined when nothing changed. Stop
 * words ("the", which search leaves out) are words, not misspellings: they stay as typed.
 */
async function correctSpelling(db: Db, text: string): Promise<string | undefined> {
  const words = wordsOf(text);
  if (words.length === 0) return undefined;
  // paperboy_nearest_word: the most similar stored word by trigram similarity (`%`, at
  // pg_trgm.similarity_threshold, 0.3 by default), through the vocabulary's trigram index.
  // A stop word is one the english configuration drops: its tsvector is empty.
  const { rows } = await sql<{ typed: string; nearest: string | null }>`
    select typed, case when to_tsvector('english', typed) = ''::tsvector then typed else paperboy_nearest_word(typed) end as nearest
    from unnest(${words}::text[]) as typed`.execute(db);
  const corrections = new Map(rows.map((r) => [r.typed, r.nearest ?? r.typed]));
  const corrected = text.replace(WORD, (word) => corrections.get(word.toLowerCase()) ?? word);
  return corrected === text ? undefined : corrected;
}

/** Words worth correcting: three letters or more (operators like OR are shorter or uppercase-only). */
const WORD = /[\p{L}\p{N}]{3,}/gu;

/** The distinct lower-cased words of a query, as the vocabulary spells them. */
function wordsOf(text: string): string[] {
  return [...new Set(text.toLowerCase().match(WORD) ?? [])];
}
