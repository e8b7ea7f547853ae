import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// Delivery ledger, second step:
// - status 'sending': a worker is inside the platform call. A crash there leaves the outcome
//   unknown; the row's lease says when another pass may resend it (see delivery-pass.ts).
// - reasons: why each paper in paper_ids was picked (parallel array), so a resumed or retried
//   delivery posts exactly the digest that was chosen at claim time.
// - retry_at: when a 'failed' row may be retried by a later pass; null means given up.
// - due_at: the instant the post was due (local send time on local_date), for the catch-up
//   cut-off of resumed and retried rows and for lateness in `paperboy subscriptions`.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop constraint deliveries_status_check`.execute(db);
  await sql`alter table deliveries add constraint deliveries_status_check
    check (status in ('claimed', 'sending', 'sent', 'failed', 'empty', 'gone'))`.execute(db);
  await db.schema
    .alterTable('deliveries')
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('retry_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .execute();
  await sql`drop index deliveries_open_idx`.execute(db);
  await sql`create index deliveries_open_idx on deliveries (status, lease_expires_at)
    where status in ('claimed', 'sending', 'failed')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index deliveries_open_idx`.execute(db);
  await sql`create index deliveries_open_idx on deliveries (status, lease_expires_at)
    where status in ('claimed', 'failed')`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('reasons').dropColumn('retry_at').dropColumn('due_at').execute();
  await sql`update deliveries set status = 'claimed' where status = 'sending'`.execute(db);
  await sql`alter table deliveries drop constraint deliveries_status_check`.execute(db);
  await sql`alter table deliveries add constraint deliveries_status_check
    check (status in ('claimed', 'sent', 'failed', 'empty', 'gone'))`.execute(db);
}
