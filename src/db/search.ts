import { type Kysely, sql } from 'kysely';
import type { Paper } from '../core/paper.ts';
import { paperColumns, toPaper } from './papers.ts';
import type { Database } from './schema.ts';

export interface SearchPage {
  papers: Paper[];
  /** True when there are more results after this page. */
  hasMore: boolean;
  /** 'fulltext' normally; 'similar' when full-text found nothing and trigram similarity stood in. */
  mode: 'fulltext' | 'similar';
}

export interface SearchQuery {
  /** websearch syntax: words, "quoted phrases", -exclusion, OR. May be empty when `author` is set. */
  text: string;
  /** Restrict to papers with an author whose name contains this (case-insensitive). */
  author?: string | undefined;
  limit: number;
  offset: number;
}

/** Word similarity needed for the typo fallback; pg_trgm's default (0.6) misses "grokkng". */
const TYPO_THRESHOLD = 0.45;

/**
 * Full-text search (`websearch_to_tsquery('english', …)`): title matches first, then
 * keyword/author matches, then abstract-only ones; within a tier by rank, then upvotes,
 * then recency. When nothing matches, falls back to trigram word similarity on titles
 * so a typo still finds something.
 */
export async function searchPapers(db: Kysely<Database>, query: SearchQuery): Promise<SearchPage> {
  const found = query.text.trim() === '' ? await authorOnly(db, query) : await fullText(db, query);
  if (found.length > 0 || query.offset > 0 || query.text.trim() === '') {
    return page(found, query.limit, 'fulltext');
  }
  return page(await similarTitles(db, query), query.limit, 'similar');
}

function page(rows: Paper[], limit: number, mode: SearchPage['mode']): SearchPage {
  return { papers: rows.slice(0, limit), hasMore: rows.length > limit, mode };
}

function authorFilter(author: string | undefined) {
  return author
    ? sql`and lower(paperboy_join(papers.authors)) like ${`%${escapeLike(author.toLowerCase())}%`}`
    : sql``;
}

async function fullText(db: Kysely<Database>, query: SearchQuery): Promise<Paper[]> {
  const { rows } = await sql<Parameters<typeof toPaper>[0]>`
    select ${sql.join(paperColumns.map((c) => sql.ref(c)))}
    from papers, websearch_to_tsquery('english', ${query.text}) as q
    where papers.search @@ q ${authorFilter(query.author)}
    order by
      case when ts_filter(papers.search, '{a}') @@ q then 2
           when ts_filter(papers.search, '{a,b}') @@ q then 1
           else 0 end desc,
      ts_rank(papers.search, q) desc,
      papers.upvotes desc,
      papers.published_at desc nulls last,
      papers.id
    limit ${query.limit + 1} offset ${query.offset}`.execute(db);
  return rows.map(toPaper);
}

async function authorOnly(db: Kysely<Database>, query: SearchQuery): Promise<Paper[]> {
  const { rows } = await sql<Parameters<typeof toPaper>[0]>`
    select ${sql.join(paperColumns.map((c) => sql.ref(c)))}
    from papers
    where true ${authorFilter(query.author)}
    order by papers.listed_on desc nulls last, papers.upvotes desc, papers.id
    limit ${query.limit + 1} offset ${query.offset}`.execute(db);
  return rows.map(toPaper);
}

async function similarTitles(db: Kysely<Database>, query: SearchQuery): Promise<Paper[]> {
  const needle = query.text.toLowerCase().replace(/["()]/g, ' ').replace(/\s+/g, ' ').trim();
  if (needle.length < 3) return [];
  // The threshold is a session setting; set it for this transaction only so `<%` can use the trigram index.
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TYPO_THRESHOLD)}, true)`.execute(trx);
    const { rows } = await sql<Parameters<typeof toPaper>[0]>`
      select ${sql.join(paperColumns.map((c) => sql.ref(c)))}
      from papers
      where ${needle} <% lower(papers.title) ${authorFilter(query.author)}
      order by word_similarity(${needle}, lower(papers.title)) desc, papers.upvotes desc, papers.id
      limit ${query.limit + 1}`.execute(trx);
    return rows.map(toPaper);
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
