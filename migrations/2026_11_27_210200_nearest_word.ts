import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// The stored word most like a misspelt one, for search's spelling suggestions. A function so
// that it can carry `set enable_seqscan = off`: the planner takes trigram similarity for a cheap
// test and would read the whole vocabulary (45 ms for 21,000 words on PGlite) instead of the
// trigram index (1 ms); a transaction-local setting cost the search four round trips.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function paperboy_nearest_word(typed text) returns text
    language sql stable parallel safe
    set enable_seqscan = off
    as $$
      select word from vocabulary
      where word % typed
      order by word = typed desc, similarity(word, typed) desc, abs(length(word) - length(typed)), word
      limit 1
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function paperboy_nearest_word(text)`.execute(db);
}
