import { sql } from 'kysely';
import type { PaperLibrary, PaperPage, TrendingQuery } from '../core/ports/paper-library.ts';
import type { Db } from './db.ts';
import { earliestListedDay, latestListedDay } from './listed-days.ts';
import { paperColumns, toPaper } from './paper-columns.ts';
import { hasSearchTerms, papersInOrder, searchPapers } from './paper-search.ts';
import { upsertPapers, upsertPapersInBulk } from './paper-upsert.ts';

/**
 * The most upvoted papers of a window of days. The window's (listed_on, upvotes, id) come from
 * papers_newest_idx (an index-only range: ~300 entries a day), so only the page's papers are
 * read in full.
 */
async function trendingPapers(db: Db, query: TrendingQuery): Promise<PaperPage> {
  const { rows } = await sql<{ id: string }>`
    select id from papers
    where listed_on >= ${query.from}::date and listed_on <= ${query.to}::date and upvotes > 0
    order by upvotes desc, listed_on desc, id
    limit ${query.limit + 1} offset ${query.offset}`.execute(db);
  const ids = rows.map((r) => r.id);
  return { papers: await papersInOrder(db, ids.slice(0, query.limit)), hasMore: ids.length > query.limit };
}

/** The papers table as the core's {@link PaperLibrary}; search and storing live in their own modules. */
export function createPaperLibrary(db: Db): PaperLibrary {
  return {
    async find(id) {
      const row = await db.selectFrom('papers').select(paperColumns).where('id', '=', id).executeTakeFirst();
      return row && toPaper(row);
    },

    async findMany(ids) {
      if (ids.length === 0) return new Map();
      // `= any($1)`: one parameter however many ids, so the statement plans once and quickly.
      const rows = await db
        .selectFrom('papers')
        .select(paperColumns)
        .where('id', '=', sql<string>`any(${[...new Set(ids)]}::text[])`)
        .execute();
      return new Map(rows.map((row) => [row.id, toPaper(row)]));
    },

    async titles(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('papers')
        .select(['id', 'title'])
        .where('id', '=', sql<string>`any(${[...new Set(ids)]}::text[])`)
        .execute();
      return new Map(rows.map((row) => [row.id, row.title]));
    },

    latestListedDay: (onOrBefore) => latestListedDay(db, onOrBefore),
    earliestListedDay: () => earliestListedDay(db),
    search: (query) => searchPapers(db, query),
    trending: (query) => trendingPapers(db, query),
    hasSearchTerms: (text) => hasSearchTerms(db, text),
    store: (papers, now) => upsertPapers(db, papers, now),
    storeInBulk: (papers, options) => upsertPapersInBulk(db, papers, options),

    async isEmpty() {
      const row = await db.selectFrom('papers').select('id').limit(1).executeTakeFirst();
      return row === undefined;
    },

    async count() {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from papers`.execute(db);
      return rows[0]?.n ?? 0;
    },

    async lastAddedAt() {
      // Only the latest listed week: an old paper imported today is no sign that ingestion runs.
      const { rows } = await sql<{ newest: Date | null }>`
        select max(first_seen_at) as newest from papers
        where listed_on >= (select max(listed_on) from papers) - 7`.execute(db);
      return rows[0]?.newest ?? undefined;
    },
  };
}
