import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// Search lists the matches of each relevance tier (title; title, keywords or authors; anywhere)
// newest first: listed_on desc nulls last, upvotes desc, id.
// - papers_newest_idx is exactly that order, so the newest papers can be read in order and a
//   search for a common word stops after a page; `today` (one listed_on, by upvotes) uses it as
//   it used the index it replaces.
// - papers_title_idx and papers_headline_idx index the title lexemes (weight A), and the title,
//   keyword and author lexemes (A and B), alone, so the first two tiers of a rarer word come
//   from an index rather than from testing every paper whose abstract mentions it (each test
//   decompresses the paper's whole tsvector: ~30 µs, 45 ms for one query).
// - papers_author_keys_idx answers `author:Name`: each author's full name and each part of it,
//   lower-cased ("boshi wang", "boshi", "wang"). It replaces the trigram index on the joined
//   author names, where common trigrams made "author:Albert Li" read a large share of the index
//   and a substring match let author:Li find every Lin, Liang and Oliveira.
// - The full-text GIN indexes also hold listed_on (btree_gin), so "matches in the last 90 days" is
//   answered inside the index: the planner, estimating a handful of matches for a phrase,
//   otherwise fetched every match from the heap (4,000 random reads, 55 ms) to test its date.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create index papers_newest_idx on papers (listed_on desc nulls last, upvotes desc, id)`.execute(db);
  await sql`drop index papers_listed_on_idx`.execute(db);
  await sql`create index papers_title_idx on papers using gin (listed_on, ts_filter(search, '{a}'))`.execute(db);
  await sql`create index papers_headline_idx on papers using gin (listed_on, ts_filter(search, '{a,b}'))`.execute(db);
  await sql`create index papers_dated_search_idx on papers using gin (listed_on, search)`.execute(db);
  await sql`drop index papers_search_idx`.execute(db);
  // Immutable for the same reason as paperboy_join; a single expression, so it is inlined.
  await sql`
    create function paperboy_author_keys(authors text[]) returns text[]
    language sql immutable parallel safe
    as $$ select string_to_array(lower(array_to_string(authors, ' ')), ' ') || lower(authors::text)::text[] $$`.execute(db);
  await sql`create index papers_author_keys_idx on papers using gin (paperboy_author_keys(authors))`.execute(db);
  await sql`drop index papers_authors_trgm_idx`.execute(db);
  // Statistics for the new index expressions, which search's plans depend on.
  await sql`analyze papers`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index papers_search_idx on papers using gin (search)`.execute(db);
  await sql`drop index papers_dated_search_idx`.execute(db);
  await sql`create index papers_authors_trgm_idx on papers using gin (lower(paperboy_join(authors)) gin_trgm_ops)`.execute(db);
  await sql`drop index papers_author_keys_idx`.execute(db);
  await sql`drop function paperboy_author_keys(text[])`.execute(db);
  await sql`drop index papers_headline_idx`.execute(db);
  await sql`drop index papers_title_idx`.execute(db);
  await sql`create index papers_listed_on_idx on papers (listed_on desc, upvotes desc)`.execute(db);
  await sql`drop index papers_newest_idx`.execute(db);
}
