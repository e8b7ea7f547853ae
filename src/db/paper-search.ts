import { type RawBuilder, sql } from 'kysely';
import type { Paper } from '../core/paper.ts';
import type { SearchCandidate, SearchPage, SearchQuery } from '../core/ports/paper-library.ts';
import type { Db } from './db.ts';
import { latestListedDay } from './listed-days.ts';
import { paperColumns, toPaper } from './paper-columns.ts';
import { atLeast, type SearchTerm, splitTerms, withExclusions } from './search-terms.ts';

/**
 * Search ranked by relevance. The order, best first:
 *
 * 1. Coverage: papers with every term of the query (a word, a "quoted phrase", an `a OR b`
 *    group) first; then, for queries of two terms or more, papers with all but one, and so on
 *    down to half of them (at least one). `-exclusions` and `author:` filters apply to all.
 * 2. Within the same coverage, a score: each matched term counts its rarity (idf, from the
 *    content model's document frequencies) three times in the title, twice in the keywords or
 *    authors, once in the abstract only.
 * 3. Papers with the same coverage and score (the same words in the same places) are ordered
 *    by the query's tie-break (the command passes recency and upvotes), else newest first.
 *
 * Where it is bounded, so a common word costs no more than a rare one on a million papers:
 * the papers with every term are found in the old tier order (all in the title; in the title,
 * keywords or authors; anywhere — newest first within each, see rankedIds), and the first
 * {@link HEAD} of them are the ones ranked by score; any further ones follow in that order.
 * Papers with most of the terms are gathered from the rarest terms (every paper that has at
 * least half of the terms has one of the rarest half, plus one) while those hold at most
 * {@link EXACT_LIMIT} papers, and otherwise also from the newest {@link RECENT_PASS} papers;
 * at most {@link PARTIAL_CAP} of them are listed.
 *
 * When the query matches no paper with every term and one of its words is not in any stored
 * paper, each word that is not in a stored title or keyword (nor a stop word) is replaced by
 * the nearest one that is, so a typo still finds something (and the answer says what it
 * searched for instead).
 */
export async function searchPapers(db: Db, query: SearchQuery): Promise<SearchPage> {
  const found = await rank(db, query);
  if (found.complete > 0 || query.text.trim() === '' || !found.mayBeMisspelt) return page(db, found, query);
  const corrected = await correctSpelling(db, query.text);
  if (!corrected) return page(db, found, query);
  const retry = await rank(db, { ...query, text: corrected });
  if (retry.order.length === 0 || (retry.complete === 0 && found.order.length > 0)) return page(db, found, query);
  return { ...(await page(db, retry, query)), correctedTo: corrected };
}

/**
 * Whether `text` yields any search terms (stop words alone, like "the", match nothing): the
 * same parse as search's, so a topic that passes will also match papers.
 */
export async function hasSearchTerms(db: Db, text: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select numnode(websearch_to_tsquery('english', ${text})) as n`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

async function page(db: Db, found: Ranking, query: SearchQuery): Promise<SearchPage> {
  const ids = found.order.slice(query.offset, query.offset + query.limit);
  const partial = new Map(ids.flatMap((id) => (found.partial.has(id) ? [[id, found.partial.get(id)!] as const] : [])));
  return { papers: await papersInOrder(db, ids), hasMore: found.order.length > query.offset + query.limit, ...(partial.size > 0 ? { partial } : {}) };
}

/**
 * Papers with every term ranked by score and tie-break: the first HEAD of them in tier order.
 * Every page ranks the same ones, so pages never overlap. Six is page one and the paper after
 * it: the statements that find them are then the ones the newest-first search ran for page one
 * (15 cost ~1.5× at p95 on a million papers, with the same quality on the real-paper check).
 */
const HEAD = 6;

/** The head when the papers with every term are few (see fewMatches): read at once, so a larger head costs only its scoring. */
const FEW_HEAD = 50;

/** Papers with most of the terms listed at most (fifty pages of five, the most a chat shows). */
const PARTIAL_CAP = 250;

/**
 * The most papers the rarest terms may hold for the papers with most of the terms to be
 * gathered from them alone (each is scored: ~5 µs a paper).
 */
const EXACT_LIMIT = 3_000;

/**
 * Queries whose terms are this rare (by document frequency) have their matches read all at
 * once (everyMatch) instead of tier by tier: fetching and sorting ~1,500 papers costs less than
 * the six index lookups of three tiers in two windows.
 */
const FEW_MATCHES = 1_500;

/** What rank found: the ids in order, as far as the page needs. */
interface Ranking {
  /** Ids in result order: at least offset + limit + 1 when there are that many. */
  order: string[];
  /** How many papers with every term are in `order`. */
  complete: number;
  /** Whether a term of the query is in no stored paper (so a spelling correction may help). */
  mayBeMisspelt: boolean;
  /** The papers with some of the terms: the query's words they have and lack. */
  partial: Map<string, { words: string[]; missing: string[] }>;
}

/** A paper as the ranking sorts it. */
interface Scored {
  id: string;
  listed_on: string | null;
  upvotes: number;
  /** How many of the terms it has. */
  cov: number;
  score: number;
  /** For papers with some of the terms: which (term i is bit i). */
  mask?: number;
}

async function rank(db: Db, query: SearchQuery): Promise<Ranking> {
  const wanted = query.offset + query.limit + 1;
  const prepared = await prepare(db, query.text, query.authors ?? []);
  const { parsed, authorKeys } = prepared;
  const author = authorCondition(authorKeys);
  let tiers: Tiers;
  if (parsed) tiers = textTiers(parsed, author ?? ANY_AUTHOR);
  else if (author) tiers = { matches: author.perPaper, matchesIndexed: author.indexed, tierOf: sql`0`, each: [author.indexed] };
  else return { order: [], complete: 0, mayBeMisspelt: false, partial: new Map() };
  const { terms, exclusions } = splitTerms(parsed);
  const weighed = weigh(terms, prepared.dfs, prepared.library);

  // The head depends on the query alone (never on the page), so that every page ranks the same papers.
  const few = fewMatches(weighed, prepared.library) ? await everyMatch(db, tiers, Math.max(FEW_HEAD, wanted)) : undefined;
  const headSize = few ? FEW_HEAD : HEAD;
  const ids = few ?? (await rankedIds(db, tiers, Math.max(headSize, wanted), () => mayMatch(db, query.text, tiers)));
  // One term (or none): its tier is where it matches, so the score needs no statement of its own.
  const head = weighed.length >= 2 ? await scoreIds(db, ids.slice(0, headSize), weighed) : ids.slice(0, headSize).map((m) => oneTermScore(m, weighed.length));
  const tail = ids.slice(headSize).map((m) => m.id);
  // Papers with most of the terms follow all those with every term: needed once the page reaches past them.
  const partial = ids.length < wanted ? await mostTerms(db, weighed, exclusions, author ?? ANY_AUTHOR) : [];
  const tieBreak = query.tieBreak && (head.length > 1 || partial.length > 1) ? await query.tieBreak([...head, ...partial].map(candidate)) : undefined;
  const order = [...sortScored(head, tieBreak), ...tail, ...sortScored(partial, tieBreak)];
  return {
    order,
    complete: ids.length,
    mayBeMisspelt: prepared.library === 0 || weighed.some((t) => t.df === 0),
    partial: wordsHad(partial, weighed, prepared.words),
  };
}

/** For papers with some of the terms, the terms they have and lack in the words typed (`long documents` for the phrase). */
function wordsHad(partial: readonly Scored[], terms: readonly SearchTerm[], typed: Prepared['words']): Ranking['partial'] {
  if (terms.length > MASKED_TERMS) return new Map();
  const shown = terms.map((t) => {
    const words = typed.filter((w) => w.lexemes.some((lexeme) => t.lexemes.includes(lexeme))).map((w) => w.word);
    return words.length > 0 ? words.join(' ') : t.lexemes.join(' ');
  });
  const has = (p: Scored, i: number) => (((p.mask ?? 0) >> i) & 1) === 1;
  return new Map(partial.map((p) => [p.id, { words: shown.filter((_, i) => has(p, i)), missing: shown.filter((_, i) => !has(p, i)) }]));
}

/** The score of a paper for a query of one term (its tier says where the term is) or none (only `author:`). */
function oneTermScore(match: Match, terms: number): Scored {
  return { id: match.id, listed_on: match.listed_on, upvotes: match.upvotes, cov: terms, score: terms === 0 ? 0 : 3 - match.tier };
}

function candidate(s: Scored): SearchCandidate {
  return { id: s.id, listedOn: s.listed_on, upvotes: s.upvotes };
}

/** Coverage, then score, then the tie-break, then newest first (listed day, upvotes, id). */
function sortScored(rows: Scored[], tieBreak: ReadonlyMap<string, number> | undefined): string[] {
  const tb = (id: string) => tieBreak?.get(id) ?? 0;
  return rows
    .sort(
      (a, b) =>
        b.cov - a.cov ||
        b.score - a.score ||
        tb(b.id) - tb(a.id) ||
        (a.listed_on === b.listed_on ? 0 : a.listed_on === null ? 1 : b.listed_on === null ? -1 : a.listed_on < b.listed_on ? 1 : -1) ||
        b.upvotes - a.upvotes ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((r) => r.id);
}

/** A term with what it weighs. */
interface Weighed extends SearchTerm {
  /** Its idf: ln(1 + papers / df); 1 for every term while the content model is empty. */
  weight: number;
  /** Papers holding it (an estimate for phrases and OR groups); undefined when not counted. */
  df: number | undefined;
}

/** Share of papers assumed to hold a lexeme the content model does not count (numbers, hyphenated words). */
const UNCOUNTED_SHARE = 0.01;

/** Lexemes the content model counts (see paperboy_content_terms): 2–40 characters, a letter first, no hyphen. */
const COUNTED = /^[a-z][^-]{1,39}$/;

function weigh(terms: readonly SearchTerm[], dfs: Readonly<Record<string, number>>, library: number): Weighed[] {
  return terms.map((term) => {
    const each = term.lexemes.map((lexeme) => dfs[lexeme] ?? (COUNTED.test(lexeme) ? 0 : undefined));
    const known = each.filter((df): df is number => df !== undefined);
    // A phrase is as rare as its rarest word; an OR group as common as its alternatives together.
    const df = known.length === 0 ? undefined : term.anyOf ? known.reduce((a, b) => a + b, 0) : Math.min(...known);
    if (library === 0) return { ...term, weight: 1, df };
    const assumed = df ?? library * UNCOUNTED_SHARE;
    return { ...term, weight: Math.log(1 + library / Math.max(assumed, 1)), df };
  });
}

/** SQL: the number of terms a paper has. */
function coverageOf(terms: readonly Weighed[]): RawBuilder<number> {
  if (terms.length === 0) return sql<number>`0`;
  return sql<number>`(${sql.join(
    terms.map((t) => sql`(papers.search @@ ${t.query}::tsquery)::integer`),
    sql` + `,
  )})`;
}

/** Terms whose matches a paper's mask can hold (bits of a 32-bit integer, as JavaScript shifts them). */
const MASKED_TERMS = 30;

/** SQL: which terms a paper has, as bits (term i is bit i); 0 for queries of more than MASKED_TERMS terms. */
function maskOf(terms: readonly Weighed[]): RawBuilder<number> {
  if (terms.length > MASKED_TERMS) return sql<number>`0`;
  return sql<number>`(${sql.join(
    terms.map((t, i) => sql`((papers.search @@ ${t.query}::tsquery)::integer << ${i}::integer)`),
    sql` + `,
  )})`;
}

/** SQL: the score of a paper: each term's weight three times in the title, twice in the keywords or authors, once in the abstract. */
function scoreOf(terms: readonly Weighed[]): RawBuilder<number> {
  if (terms.length === 0) return sql<number>`0::float8`;
  return sql<number>`(${sql.join(
    terms.map(
      (t) => sql`(case when papers.search @@ ${t.inTitle}::tsquery then ${3 * t.weight}::float8
        when papers.search @@ ${t.inHeadline}::tsquery then ${2 * t.weight}::float8
        when papers.search @@ ${t.query}::tsquery then ${t.weight}::float8 else 0::float8 end)`,
    ),
    sql` + `,
  )})`;
}

/** The papers with every term, scored (their coverage is all of the terms). */
async function scoreIds(db: Db, matches: readonly Match[], terms: readonly Weighed[]): Promise<Scored[]> {
  if (matches.length === 0) return [];
  const ids = matches.map((m) => m.id);
  const { rows } = await sql<Scored>`
    select papers.id, papers.listed_on, papers.upvotes, ${terms.length}::integer as cov, ${scoreOf(terms)} as score
    from papers where papers.id = any(${ids}::text[])`.execute(db);
  return rows;
}

/**
 * Papers with most but not all of the terms (at least half, at least one), scored, best
 * PARTIAL_CAP first. Gathered from the rarest terms: any paper with `need` of the n terms has
 * one of the n - need + 1 rarest. While those hold at most EXACT_LIMIT papers this is every
 * such paper; otherwise the newest RECENT_PASS papers are searched too.
 */
async function mostTerms(db: Db, terms: readonly Weighed[], exclusions: readonly string[], author: AuthorCondition): Promise<Scored[]> {
  const n = terms.length;
  if (n < 2) return [];
  const need = Math.ceil(n / 2);
  const enough = atLeast(terms, need, exclusions) ?? withExclusions(`( ${terms.map((t) => `( ${t.query} )`).join(' | ')} )`, exclusions);
  const rarestFirst = [...terms].sort((a, b) => (a.df ?? Number.POSITIVE_INFINITY) - (b.df ?? Number.POSITIVE_INFINITY));
  const rare: Weighed[] = [];
  let held = 0;
  for (const term of rarestFirst) {
    if (term.df === undefined || held + term.df > EXACT_LIMIT) break;
    rare.push(term);
    held += term.df;
  }
  const complete = rare.length >= n - need + 1;
  const columns = sql`papers.id, papers.listed_on, papers.upvotes, ${coverageOf(terms)} as cov, ${scoreOf(terms)} as score, ${maskOf(terms)} as mask`;
  const branches: RawBuilder<unknown>[] = [];
  if (rare.length > 0) {
    const fromRare = `( ${rare.map((t) => `( ${t.query} )`).join(' | ')} ) & ( ${enough} )`;
    branches.push(sql`select ${columns} from papers where papers.search @@ ${fromRare}::tsquery and ${author.indexed}`);
  }
  if (!complete) {
    branches.push(sql`
      select ${columns}
      from (select id, search, authors, listed_on, upvotes from papers order by ${NEWEST_FIRST} limit ${RECENT_PASS}) as papers
      where papers.search @@ ${enough}::tsquery and ${author.perPaper}`);
  }
  const { rows } = await sql<Scored>`
    select id, listed_on, upvotes, cov, score, mask from (${sql.join(branches, sql` union `)}) as found
    where cov >= ${need} and cov < ${n}
    order by cov desc, score desc, listed_on desc nulls last, upvotes desc, id
    limit ${PARTIAL_CAP}`.execute(db);
  return rows;
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
  /** Document frequencies of the query's lexemes that the content model counts. */
  dfs: Record<string, number>;
  /** The library size those were counted on (0 before the content model has counted). */
  library: number;
  /** The query's words as typed (without operators and exclusions), each with its lexemes. */
  words: { word: string; lexemes: string[] }[];
}

/** Parses the query and folds the author names, in one round trip (none when there is neither). */
async function prepare(db: Db, text: string, authors: readonly string[]): Promise<Prepared> {
  const names = authors.map((name) => name.trim().replace(/\s+/g, ' ')).filter((name) => name !== '');
  if (text.trim() === '' && names.length === 0) return { parsed: '', authorKeys: [], dfs: {}, library: 0, words: [] };
  const typed = typedWords(text);
  // The lexemes of to_tsvector are those of websearch_to_tsquery (same configuration).
  const { rows } = await sql<{ q: string; keys: string[]; dfs: Record<string, number> | null; library: number | null; lexemes: string[][] }>`
    select ${text.trim() === '' ? sql`''` : sql`websearch_to_tsquery('english', ${text})::text`} as q,
           array(select distinct key from unnest(${names}::text[]) as name, paperboy_fold(name) as key where key <> '') as keys,
           (select json_object_agg(term, df) from content_terms where term = any(tsvector_to_array(to_tsvector('english', ${text})))) as dfs,
           (select papers from content_stats) as library,
           array(select array_to_string(tsvector_to_array(to_tsvector('english', word)), ' ') from unnest(${typed}::text[]) with ordinality as w(word, n) order by n) as lexemes`.execute(
    db,
  );
  const row = rows[0];
  const words = typed.map((word, i) => ({
    word,
    lexemes: String(row?.lexemes[i] ?? '')
      .split(' ')
      .filter(Boolean),
  }));
  return { parsed: row?.q ?? '', authorKeys: row?.keys ?? [], dfs: row?.dfs ?? {}, library: row?.library ?? 0, words };
}

/**
 * The first `wanted` matching ids, by tier and then newest first. One pass over the newest
 * papers sorts their matches into tiers; a tier with enough matches there is complete for this
 * page, because that pass reads papers in the very order results are listed. Other tiers come
 * from newestMatching, unless `mayMatchOlder` rules out any match at all.
 */
async function rankedIds(db: Db, tiers: Tiers, wanted: number, mayMatchOlder: () => Promise<boolean>): Promise<Match[]> {
  const { rows: recent } = await sql<Match>`
    select papers.id, papers.listed_on, papers.upvotes, ${tiers.tierOf} as tier
    from (select id, search, authors, listed_on, upvotes from papers order by ${NEWEST_FIRST} limit ${RECENT_PASS}) as papers
    where ${tiers.matches}
    order by ${NEWEST_FIRST}`.execute(db);
  if (recent.length === 0 && !(await mayMatchOlder())) return [];
  const found: Match[] = [];
  let day: Promise<string | undefined> | undefined;
  const newestDay = () => (day ??= latestListedDay(db));
  for (const [tier, condition] of tiers.each.entries()) {
    const need = wanted - found.length;
    if (need <= 0) break;
    const inRecent = recent.filter((r) => r.tier === tier);
    if (inRecent.length >= need) {
      found.push(...inRecent.slice(0, need));
    } else {
      found.push(...(await newestMatching(db, condition, need, newestDay)).map((m) => ({ ...m, tier })));
    }
  }
  return found;
}

/**
 * The papers with every term when there are few (FEW_MATCHES at most, by the document
 * frequencies): all of them at once from the full-text index, sorted into tier order, rather
 * than tier by tier over the newest papers and then the last 90 days.
 */
async function everyMatch(db: Db, tiers: Tiers, wanted: number): Promise<Match[] | undefined> {
  const { rows } = await sql<Match & { n: number }>`
    with matches as materialized (
      select papers.id, papers.listed_on, papers.upvotes, ${tiers.tierOf} as tier from papers where ${tiers.matchesIndexed} limit ${FEW_MATCHES + 1}
    )
    select id, listed_on, upvotes, tier, (select count(*) from matches)::integer as n
    from matches as papers order by tier, ${NEWEST_FIRST} limit ${wanted}`.execute(db);
  if ((rows[0]?.n ?? 0) > FEW_MATCHES) return undefined;
  return rows.map(({ n: _, ...match }) => match);
}

/**
 * Whether the papers with every term are surely few enough for everyMatch: its rarest term is
 * (a phrase is no more common than its rarest word). Guessing from the terms' frequencies as if
 * independent went wrong for words that go together ("retrieval augmented generation"), and a
 * wrong guess costs reading FEW_MATCHES papers before the tier-by-tier way.
 */
function fewMatches(terms: readonly Weighed[], library: number): boolean {
  if (terms.length === 0 || library === 0 || terms.some((t) => t.df === undefined)) return false;
  return Math.min(...terms.map((t) => t.df!)) <= FEW_MATCHES;
}

/** A paper with every term, as rankedIds finds it. */
interface Match {
  id: string;
  listed_on: string | null;
  upvotes: number;
  /** Its tier: 0 all the terms in the title, 1 in the title, keywords or authors, 2 anywhere. */
  tier: number;
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

async function newestOf(db: Db, condition: RawBuilder<unknown>, limit: number): Promise<Omit<Match, 'tier'>[]> {
  const { rows } = await sql<Omit<Match, 'tier'>>`
    with matches as materialized (
      select papers.id, papers.listed_on, papers.upvotes from papers where ${condition}
    )
    select papers.id, papers.listed_on, papers.upvotes from matches as papers order by ${NEWEST_FIRST} limit ${limit}`.execute(db);
  return rows;
}

/** Full papers for ids, in the order given. */
export async function papersInOrder(db: Db, ids: string[]): Promise<Paper[]> {
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

/** The words of a query as typed, for saying which ones a paper has: no quotes or brackets, no `-exclusions`, no `OR`; each once. */
function typedWords(text: string): string[] {
  const words = text
    .split(/\s+/)
    .map((token) => token.replace(/^["(]+|["),.;:!?]+$/g, ''))
    .filter((token) => token !== '' && !token.startsWith('-') && token.toLowerCase() !== 'or');
  return [...new Map(words.map((w) => [w.toLowerCase(), w])).values()];
}

/** Words worth correcting: three letters or more (operators like OR are shorter or uppercase-only). */
const WORD = /[\p{L}\p{N}]{3,}/gu;

/** The distinct lower-cased words of a query, as the vocabulary spells them. */
function wordsOf(text: string): string[] {
  return [...new Set(text.toLowerCase().match(WORD) ?? [])];
}
