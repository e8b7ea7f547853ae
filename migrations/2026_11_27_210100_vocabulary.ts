import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// The words of titles and keywords, for spelling suggestions: a search for "quantizaton" that
// matches nothing is retried as "quantization". Finding the nearest word among tens of
// thousands is a small trigram lookup; matching the typo against every title (the trigram
// index this replaces) read every title holding the word, ~10,000 of a million papers.
// The word list is the same expression upsertPapers feeds it with.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table vocabulary (word text primary key)`.execute(db);
  await sql`create index vocabulary_word_trgm_idx on vocabulary using gin (word gin_trgm_ops)`.execute(db);
  await sql`
    insert into vocabulary (word)
    select distinct word
    from papers, unnest(regexp_split_to_array(lower(title || ' ' || paperboy_join(ai_keywords)), '[^[:alnum:]]+')) as word
    where length(word) between 3 and 40
    on conflict do nothing`.execute(db);
  await sql`drop index papers_title_trgm_idx`.execute(db);
  // Statistics let the planner see how selective `%` is, and take the trigram index.
  await sql`analyze vocabulary`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index papers_title_trgm_idx on papers using gin (lower(title) gin_trgm_ops)`.execute(db);
  await sql`drop table vocabulary`.execute(db);
}
