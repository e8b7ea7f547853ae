import { sql } from 'kysely';
import type { PaperLibrary } from '../core/ports/paper-library.ts';
import type { Db } from './db.ts';
import { earliestListedDay, latestListedDay } from './listed-days.ts';
import { paperColumns, toPaper } from './paper-columns.ts';
import { hasSearchTerms, searchPapers } from './paper-search.ts';
import { upsertPapers, upsertPapersInBulk } from './paper-upsert.ts';

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
