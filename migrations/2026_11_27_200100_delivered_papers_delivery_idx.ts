import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// delivered_papers.delivery_id is looked up when a delivery's papers go back to the pool (gone,
// given up) and, through its foreign key (on delete set null), whenever deliveries are deleted
// (an unsubscribe cascades to them). Without an index each of those scans the whole table,
// which grows by papers_per_post rows per subscriber per day.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index delivered_papers_delivery_idx on delivered_papers (delivery_id) where delivery_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index delivered_papers_delivery_idx`.execute(db);
}
