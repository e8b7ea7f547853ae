import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// `author:Muller` finds "Jürgen Müller": the author keys behind `author:` (papers_author_keys_idx)
// are folded, accents removed (unaccent) and lower-cased, and search folds the names it is given
// the same way. paperboy_fold is immutable for the index expression, as paperboy_join is:
// unaccent is only stable because its rules file could change, and ours never does at run time.
// (Not inlined, which is why search's per-paper pre-test calls unaccent itself.)
// Full names are split on a control character rather than read back from the array's text
// form, which unaccent could corrupt (it turns “ into ", the array quote).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent with schema public`.execute(db);
  await sql`
    create function paperboy_fold(text) returns text
    language sql immutable parallel safe
    as $$ select lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`.execute(db);
  await sql`drop index papers_author_keys_idx`.execute(db);
  await sql`
    create or replace function paperboy_author_keys(authors text[]) returns text[]
    language sql immutable parallel safe
    as $$ select string_to_array(public.paperboy_fold(array_to_string(authors, ' ')), ' ')
              || string_to_array(public.paperboy_fold(array_to_string(authors, E'\\x1f')), E'\\x1f') $$`.execute(db);
  await sql`create index papers_author_keys_idx on papers using gin (paperboy_author_keys(authors))`.execute(db);
  await sql`analyze papers`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index papers_author_keys_idx`.execute(db);
  await sql`
    create or replace function paperboy_author_keys(authors text[]) returns text[]
    language sql immutable parallel safe
    as $$ select string_to_array(lower(array_to_string(authors, ' ')), ' ') || lower(authors::text)::text[] $$`.execute(db);
  await sql`create index papers_author_keys_idx on papers using gin (paperboy_author_keys(authors))`.execute(db);
  await sql`drop function paperboy_fold(text)`.execute(db);
  // The unaccent extension stays, as btree_gin does after 210000's down: harmless, and maybe used by others.
}
