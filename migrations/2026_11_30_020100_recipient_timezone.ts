import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// recipients.timezone: the IANA timezone a recipient last gave to `subscribe` or `settings`. It
// outlives the subscription, so subscribing again after an unsubscribe starts in that timezone
// instead of UTC. Recipients subscribed now start with their subscription's timezone.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recipients').addColumn('timezone', 'text').execute();
  await sql`update recipients r set timezone = s.timezone from subscriptions s where s.recipient_id = r.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recipients').dropColumn('timezone').execute();
}
