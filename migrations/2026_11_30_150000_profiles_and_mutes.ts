import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// Learned profiles and mutes (issue 12).
//
// - mutes: topics, authors and categories a recipient never wants to see, stored like follows
//   (normalised value for matching, label as typed), one row per (recipient, kind, value).
// - recipient_profiles: each recipient's profile, materialised: what its latest votes and its
//   topic follows say it likes, as the core computed it (core/ranking/profile.ts). Rankings read
//   one row per recipient instead of 200 votes per recipient per request, and a digest batch
//   reads the profiles of its 500 subscribers in one statement.
//     data: the profile as the core built it, as JSON text (`json`, not `jsonb`: it is only ever
//       written and read whole, and text goes out as it is stored, where arrays of reals took the
//       server ~10 ms to format for a batch of 500): the content terms (term ids of
//       content_terms) with their weights (👎 negative) and, per term, which source adds most to
//       it; the affinity items (keywords, authors, categories) likewise; the summed vectors of
//       the recent 👎 (near-duplicates); and the sources ({"paper": id} or {"follow": text});
//     votes/seeds: how many votes and topic follows it was built from.
//   stale: its votes or follows changed since it was built. Triggers set it on every write to
//   feedback or follows (whatever writes them), and the core rebuilds a stale profile before
//   using it; the vote and follow commands rebuild at once. A rebuild locks the row first, so a
//   vote committed while it reads marks the row stale again rather than being lost.
//   Statement triggers with transition tables: one upsert per statement, not per row (a bulk
//   insert of a million votes marks each recipient once).
// - Every recipient with votes or topic follows gets a stale row here, so the first ranking
//   after the upgrade builds its profile.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mutes')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('topic', 'author', 'category')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('mutes_recipient_kind_value_key', ['recipient_id', 'kind', 'value'])
    .execute();

  await sql`
    create table recipient_profiles (
      recipient_id integer primary key references recipients (id) on delete cascade,
      stale boolean not null default true,
      votes integer not null default 0,
      seeds integer not null default 0,
      data json not null default '{}',
      built_at timestamptz
    )`.execute(db);

  await sql`
    create function paperboy_profile_stale() returns trigger language plpgsql as $$
    begin
      insert into recipient_profiles (recipient_id)
      select distinct c.recipient_id from changed c
      -- Votes and follows deleted with their recipient (a cascade) leave nothing to mark.
      where exists (select 1 from recipients r where r.id = c.recipient_id)
      on conflict (recipient_id) do update set stale = true;
      return null;
    end $$`.execute(db);
  for (const table of ['feedback', 'follows']) {
    for (const [event, transition] of [
      ['insert', 'new table as changed'],
      ['update', 'new table as changed'],
      ['delete', 'old table as changed'],
    ] as const) {
      await sql`
        create trigger ${sql.raw(`${table}_${event}_profile_stale`)} after ${sql.raw(event)} on ${sql.table(table)}
        referencing ${sql.raw(transition)} for each statement execute function paperboy_profile_stale()`.execute(db);
    }
  }

  await sql`
    insert into recipient_profiles (recipient_id)
    select recipient_id from feedback union select recipient_id from follows where kind = 'topic'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['feedback', 'follows']) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`drop trigger ${sql.raw(`${table}_${event}_profile_stale`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`drop function paperboy_profile_stale()`.execute(db);
  await db.schema.dropTable('recipient_profiles').execute();
  await db.schema.dropTable('mutes').execute();
}
