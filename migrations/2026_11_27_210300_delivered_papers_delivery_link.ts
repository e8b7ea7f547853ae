import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// delivered_papers.delivery_id drops its foreign key. Claiming a batch of 500 digests writes
// 2,500 delivered_papers rows in the claim's statement, and the key's check (a row lock on
// the delivery, per row) was ~45 % of that statement: 100,000 digests took 31–34 s to compose
// and record, 27–28 s without it. The key only ever nulled the column when a delivery row was
// deleted (an unsubscribe cascades to its deliveries). Delivery ids are never reused, so a
// row naming a deleted delivery is harmless: the column is only read to release the papers
// of a delivery that exists, and such a row keeps counting as sent, as before.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivered_papers drop constraint delivered_papers_delivery_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update delivered_papers d set delivery_id = null where delivery_id is not null and not exists (select from deliveries where id = d.delivery_id)`.execute(
    db,
  );
  await sql`
    alter table delivered_papers add constraint delivered_papers_delivery_id_fkey
    foreign key (delivery_id) references deliveries (id) on delete set null`.execute(db);
}
