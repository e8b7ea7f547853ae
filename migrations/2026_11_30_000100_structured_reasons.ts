import { type Kysely, type RawBuilder, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// deliveries.reasons held, per paper, the English lines its card showed ("matches your follow:
// grokking"); now it holds the core's structured reasons, which each adapter words itself:
//   'matches your follow: X'      → {"kind":"follow","follow":"X"}
//   'similar to papers you liked' → {"kind":"liked"}
//   'top paper of the day'        → {"kind":"top","day":null}
//   'top paper of YYYY-MM-DD'     → {"kind":"top","day":"YYYY-MM-DD"}
// Any other line is dropped (no writer ever produced one). Objects already structured are kept,
// so running the conversion twice changes nothing. `down` writes the English lines back.
// One statement each way, in SQL: the table can be large, and no row needs to leave the server.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update deliveries set reasons = ${convertEach(sql`
      case
        when jsonb_typeof(reason) = 'object' then reason
        when jsonb_typeof(reason) <> 'string' then null
        when reason #>> '{}' like 'matches your follow: %'
          then jsonb_build_object('kind', 'follow', 'follow', substr(reason #>> '{}', length('matches your follow: ') + 1))
        when reason #>> '{}' = 'similar to papers you liked' then '{"kind":"liked"}'::jsonb
        when reason #>> '{}' = 'top paper of the day' then '{"kind":"top","day":null}'::jsonb
        when reason #>> '{}' ~ '^top paper of [0-9]{4}-[0-9]{2}-[0-9]{2}$'
          then jsonb_build_object('kind', 'top', 'day', substr(reason #>> '{}', length('top paper of ') + 1))
      end`)}
    where jsonb_typeof(reasons) = 'array' and reasons <> '[]'::jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update deliveries set reasons = ${convertEach(sql`
      case
        when jsonb_typeof(reason) = 'string' then reason
        when reason ->> 'kind' = 'follow' then to_jsonb('matches your follow: ' || (reason ->> 'follow'))
        when reason ->> 'kind' = 'liked' then to_jsonb('similar to papers you liked'::text)
        when reason ->> 'kind' = 'top' and jsonb_typeof(reason -> 'day') = 'string' then to_jsonb('top paper of ' || (reason ->> 'day'))
        when reason ->> 'kind' = 'top' then to_jsonb('top paper of the day'::text)
      end`)}
    where jsonb_typeof(reasons) = 'array' and reasons <> '[]'::jsonb`.execute(db);
}

/**
 * `reasons` (an array with one array of reasons per paper) with `convert` applied to each
 * `reason`, in order; a null result drops the reason, a paper's list that is not an array
 * becomes empty.
 */
function convertEach(convert: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(
    select coalesce(jsonb_agg(
      case when jsonb_typeof(paper.list) = 'array' then (
        select coalesce(jsonb_agg(converted.value order by r.i) filter (where converted.value is not null), '[]'::jsonb)
        from jsonb_array_elements(paper.list) with ordinality as r(reason, i)
        cross join lateral (select ${convert} as value) as converted
      ) else '[]'::jsonb end
      order by paper.i), '[]'::jsonb)
    from jsonb_array_elements(deliveries.reasons) with ordinality as paper(list, i)
  )`;
}
