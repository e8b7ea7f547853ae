import type { Db } from './db.ts';

/** The latest day (on or before `onOrBefore`, when given) that has papers, or undefined for an empty library. */
export async function latestListedDay(db: Db, onOrBefore?: string): Promise<string | undefined> {
  // max() rather than order by … limit 1: the planner answers it from papers_newest_idx
  // (desc nulls last), which a plain `order by listed_on desc` (nulls first) cannot use.
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.max('listed_on').as('day'))
    .$if(onOrBefore !== undefined, (qb) => qb.where('listed_on', '<=', onOrBefore!))
    .executeTakeFirst();
  return row?.day ?? undefined;
}

/** The earliest day that has papers, or undefined for an empty library. */
export async function earliestListedDay(db: Db): Promise<string | undefined> {
  // min() for the same reason: read from the far end of papers_newest_idx, past its nulls.
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.min('listed_on').as('day'))
    .executeTakeFirst();
  return row?.day ?? undefined;
}
