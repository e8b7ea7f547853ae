import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// What a delivery pass over 100k subscriptions needs to stay linear: subscriptions.claimed_through,
// the latest local date the subscription has a delivery for, set in the claiming transaction.
// With the index below, a claim batch reads only the subscriptions of a due (timezone, send time)
// that are not yet claimed for that date, instead of re-reading every claimed one on each batch;
// the same index serves the loose scan for the distinct schedules.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('claimed_through', 'date', (c) => c.notNull().defaultTo(sql`'-infinity'::date`))
    .execute();
  await sql`
    update subscriptions s
    set claimed_through = d.last
    from (select subscription_id, max(local_date) as last from deliveries group by subscription_id) d
    where d.subscription_id = s.id`.execute(db);
  await sql`create index subscriptions_due_idx on subscriptions (timezone, send_time, claimed_through, id) where status = 'active'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index subscriptions_due_idx`.execute(db);
  await db.schema.alterTable('subscriptions').dropColumn('claimed_through').execute();
}
