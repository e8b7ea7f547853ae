import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// delivered_papers.recipient_id: its foreign key becomes a statement trigger on recipients that
// does the cascade. The key's check is a row lock on the recipient for every row inserted, and
// claiming a batch of 500 digests inserts 2,500 rows: 27 ms of the claim statement's 51 (5 s
// of a 100,000-digest pass). Nothing is lost by it: delivered_papers is written only by the
// claim, in the statement that inserts a delivery for one of that recipient's subscriptions,
// and that delivery's own key (to the subscription, whose key holds the recipient) already
// keeps the recipient from going away meanwhile. Deleting recipients still deletes their rows,
// now once per statement (transition table) rather than per row.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table delivered_papers drop constraint delivered_papers_recipient_id_fkey`.execute(db);
  await sql`
    create function paperboy_forget_delivered() returns trigger language plpgsql as $$
    begin
      delete from delivered_papers d using gone g where d.recipient_id = g.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger recipients_delete_forget_delivered after delete on recipients
    referencing old table as gone for each statement execute function paperboy_forget_delivered()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger recipients_delete_forget_delivered on recipients`.execute(db);
  await sql`drop function paperboy_forget_delivered()`.execute(db);
  await sql`delete from delivered_papers d where not exists (select 1 from recipients r where r.id = d.recipient_id)`.execute(db);
  await sql`
    alter table delivered_papers add constraint delivered_papers_recipient_id_fkey
    foreign key (recipient_id) references recipients (id) on delete cascade`.execute(db);
}
