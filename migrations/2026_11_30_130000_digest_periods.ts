import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// Weekly digests. A subscription's cadence is 'daily' (on its weekdays, as before) or 'weekly'
// (on one weekday, weekly_day, 1 = Monday … 7 = Sunday: the best of the week).
//
// The ledger's key becomes (subscription_id, period) instead of (subscription_id, local_date):
// `period` is the first day of the period a digest is for, its local date for a daily digest and
// the Monday of its local week for a weekly one (core/schedule/due-slots.ts, periodStart). A
// weekly digest is then exactly once per week however its day changes, as a daily one is once
// per local date. `cadence` records which kind of digest a row holds (its title and window).
// Every existing row is a daily digest: its period is its local date.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('subscriptions')
    .addColumn('cadence', 'text', (c) => c.notNull().defaultTo('daily').check(sql`cadence in ('daily', 'weekly')`))
    .addColumn('weekly_day', 'smallint', (c) => c.check(sql`weekly_day between 1 and 7`))
    .execute();
  await sql`alter table subscriptions add constraint subscriptions_cadence_day_check
    check ((cadence = 'weekly') = (weekly_day is not null))`.execute(db);

  await db.schema
    .alterTable('deliveries')
    .addColumn('period', 'date')
    .addColumn('cadence', 'text', (c) => c.notNull().defaultTo('daily').check(sql`cadence in ('daily', 'weekly')`))
    .execute();
  await sql`update deliveries set period = local_date`.execute(db);
  await sql`alter table deliveries alter column period set not null`.execute(db);
  await sql`alter table deliveries drop constraint deliveries_subscription_local_date_key`.execute(db);
  await sql`alter table deliveries add constraint deliveries_subscription_period_key unique (subscription_id, period)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table deliveries drop constraint deliveries_subscription_period_key`.execute(db);
  await sql`alter table deliveries add constraint deliveries_subscription_local_date_key unique (subscription_id, local_date)`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('cadence').dropColumn('period').execute();
  await sql`alter table subscriptions drop constraint subscriptions_cadence_day_check`.execute(db);
  await db.schema.alterTable('subscriptions').dropColumn('weekly_day').dropColumn('cadence').execute();
}
