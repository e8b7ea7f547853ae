import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  // array_to_string is only STABLE, and generated columns need IMMUTABLE functions.
  // For text[] it is immutable in practice, so wrap it.
  await sql`
    create or replace function paperboy_join(text[]) returns text
    language sql immutable parallel safe
    as $$ select coalesce(array_to_string($1, ' '), '') $$`.execute(db);

  await db.schema
    .createTable('papers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('authors', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('published_at', 'timestamptz')
    .addColumn('featured_on', 'date')
    .addColumn('listed_on', 'date', (c) => c.generatedAlwaysAs(sql`coalesce(featured_on, (published_at at time zone 'UTC')::date)`).stored())
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ai_summary', 'text')
    .addColumn('ai_keywords', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('github_repo', 'text')
    .addColumn('project_page', 'text')
    .addColumn('thumbnail', 'text')
    .addColumn('categories', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('primary_category', 'text')
    .addColumn('sources', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('search', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql`setweight(to_tsvector('english', title), 'A')
           || setweight(to_tsvector('english', paperboy_join(ai_keywords) || ' ' || paperboy_join(authors)), 'B')
           || setweight(to_tsvector('english', abstract), 'C')`,
        )
        .stored(),
    )
    .execute();

  await sql`create index papers_search_idx on papers using gin (search)`.execute(db);
  await sql`create index papers_title_trgm_idx on papers using gin (lower(title) gin_trgm_ops)`.execute(db);
  await sql`create index papers_authors_trgm_idx on papers using gin (lower(paperboy_join(authors)) gin_trgm_ops)`.execute(db);
  await sql`create index papers_categories_idx on papers using gin (categories)`.execute(db);
  await sql`create index papers_listed_on_idx on papers (listed_on desc, upvotes desc)`.execute(db);

  await db.schema
    .createTable('recipients')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('user', 'channel')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('recipients_platform_external_id_key', ['platform', 'external_id'])
    .execute();

  await db.schema
    .createTable('follows')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('topic', 'author', 'category')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('follows_recipient_kind_value_key', ['recipient_id', 'kind', 'value'])
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('vote', 'smallint', (c) => c.notNull().check(sql`vote in (-1, 1)`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('feedback_pkey', ['recipient_id', 'paper_id'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('recipient_id', 'integer', (c) => c.notNull().unique().references('recipients.id').onDelete('cascade'))
    .addColumn('send_time', 'text', (c) => c.notNull().check(sql`send_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`))
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('weekdays', sql`smallint[]`, (c) => c.notNull().defaultTo(sql`'{1,2,3,4,5,6,7}'`))
    .addColumn('papers_per_post', 'smallint', (c) => c.notNull().defaultTo(5).check(sql`papers_per_post between 1 and 10`))
    .addColumn('post_when_empty', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'paused')`))
    .addColumn('paused_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('local_date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('claimed', 'sent', 'failed', 'empty', 'gone')`))
    .addColumn('paper_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('claimed_by', 'text')
    .addColumn('lease_expires_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('deliveries_subscription_local_date_key', ['subscription_id', 'local_date'])
    .execute();
  await sql`create index deliveries_open_idx on deliveries (status, lease_expires_at) where status in ('claimed', 'failed')`.execute(db);

  await db.schema
    .createTable('delivered_papers')
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull())
    // Survives its delivery row (an unsubscribe), so a later resubscription never repeats a paper.
    .addColumn('delivery_id', 'integer', (c) => c.references('deliveries.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('delivered_papers_pkey', ['recipient_id', 'paper_id'])
    .execute();

  await db.schema
    .createTable('ingest_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text')
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('action_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['action_tokens', 'ingest_runs', 'delivered_papers', 'deliveries', 'subscriptions', 'feedback', 'follows', 'recipients', 'papers']) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function if exists paperboy_join(text[])`.execute(db);
}
