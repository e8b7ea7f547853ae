import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// The content model: what each paper is about, as a TF-IDF vector over stemmed words and
// two-word phrases, for `similar` (and the recommendations built on it). Filled by ingestion
// and by `paperboy reindex`; this migration only creates the (empty) tables.
//
// - paperboy_content_terms(search) reads a paper's terms from its stored weighted tsvector
//   (title A, keywords and authors B, abstract C) rather than running to_tsvector again:
//   every lexeme with its count in each field, and the pairs of lexemes that follow each other
//   within the title or within the keywords and authors (stop words skipped, as scikit-learn's
//   bigrams skip them). ~80 µs a paper (the pairs come from the title-and-keywords part alone,
//   ts_filter(search, '{a,b}'); the same query through one unnest of the whole vector took
//   ~130 µs, and exploding the abstract's positions too, for phrases from every field, ~420 µs
//   — more than running to_tsvector again would cost). Lexemes of one
//   letter, starting with a digit or symbol (`2`, `39`), or hyphenated compounds
//   (`state-of-the-art`, whose parts are lexemes of their own) are left out.
// - content_terms: the term dictionary. Integer ids (stable: a reindex updates rows in place),
//   the number of papers holding each term (df), and a readable label filled in when a term is
//   first shown ("language model" for `languag model`).
// - content_stats: one row, the library size the document frequencies were counted on.
// - content_vectors: each paper's strongest terms with their weights (L2-normalised), under a
//   compact integer key. A separate table rather than a key column on papers: adding an
//   identity column rewrites papers and rebuilds its five GIN indexes (minutes at a million).
//   built_by: the reindex run that last wrote the vector (null: ingestion did), so a reindex
//   can tell which vectors changed under it while it built its new postings.
// - content_postings: the same weights by term, strongest first (term, weight desc, paper),
//   so "the papers strongest in this term" is a short index-only range scan. Not unique and
//   without foreign keys: every write goes through the indexing code, which removes a paper's
//   old postings by (term, weight, key) from its old vector. A full reindex builds a new table
//   and swaps it in (inserting 28 million rows into this index one by one cost more than all
//   the rest of a reindex of a million papers).
// - paperboy_strongest_postings(term, depth): a term's `depth` strongest postings, read in index
//   order. A function so that it can carry `set enable_bitmapscan = off`: without statistics
//   (PGlite never autovacuums) or with average ones (~60 postings a term), the planner fetched
//   every posting of the term and sorted them, which for a term in 10 % of a million papers is
//   100,000 rows instead of 200 (the same reason as paperboy_nearest_word).
// - content_df_staging: where a bulk indexing run (several connections) collects its counts
//   before merging them into content_terms in one statement. Unlogged: scratch space.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function paperboy_content_terms(doc tsvector) returns table (term text, a integer, b integer, c integer)
    language sql immutable parallel safe
    as $$
      select lexeme,
        coalesce(cardinality(array_positions(weights, 'A')), 0),
        coalesce(cardinality(array_positions(weights, 'B')), 0),
        coalesce(cardinality(array_positions(weights, 'C')), 0)
      from unnest(doc)
      where length(lexeme) between 2 and 40 and ascii(lexeme) between 97 and 122 and strpos(lexeme, '-') = 0
      union all
      select prev || ' ' || lexeme, (count(*) filter (where w = 'A'))::integer, (count(*) filter (where w = 'B'))::integer, 0
      from (
        select x.w, lexeme, lag(lexeme) over (order by x.pos) as prev, lag(x.w) over (order by x.pos) as prev_w
        from unnest(ts_filter(doc, '{a,b}')), unnest(positions, weights) as x(pos, w)
        where length(lexeme) between 2 and 40 and ascii(lexeme) between 97 and 122 and strpos(lexeme, '-') = 0
      ) as headline
      where prev_w = w and prev <> lexeme
      group by 1
    $$`.execute(db);

  await sql`
    create table content_terms (
      id integer generated always as identity primary key,
      term text not null unique,
      df integer not null default 0,
      label text
    )`.execute(db);
  await sql`
    create table content_stats (
      singleton boolean primary key default true check (singleton),
      papers integer not null default 0,
      reindexed_at timestamptz
    )`.execute(db);
  await sql`
    create table content_vectors (
      key integer generated always as identity primary key,
      paper_id text not null unique references papers (id) on delete cascade,
      terms integer[] not null,
      weights real[] not null,
      built_by integer
    )`.execute(db);
  await sql`create table content_postings (term integer not null, weight real not null, paper_key integer not null)`.execute(db);
  await sql`create index content_postings_impact_idx on content_postings (term, weight desc, paper_key)`.execute(db);
  await sql`
    create function paperboy_strongest_postings(t integer, depth integer) returns table (paper_key integer, weight real)
    language sql stable parallel safe
    set enable_bitmapscan = off
    set enable_seqscan = off
    as $$ select paper_key, weight from content_postings where term = t order by weight desc limit depth $$`.execute(db);
  await sql`create unlogged table content_df_staging (run integer not null, term text not null, n integer not null)`.execute(db);
  await sql`create index content_df_staging_run_idx on content_df_staging (run)`.execute(db);
  await sql`analyze content_terms, content_stats, content_vectors, content_postings`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['content_df_staging', 'content_postings', 'content_vectors', 'content_stats', 'content_terms']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function paperboy_strongest_postings(integer, integer)`.execute(db);
  await sql`drop function paperboy_content_terms(tsvector)`.execute(db);
}
