import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// action_tokens.command becomes payload: buttons now carry typed actions encoded by the core's
// action codec, not command text, and the token store only keeps what it is given. Stored
// values are unchanged (the codec still reads the old command text).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table action_tokens rename column command to payload`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table action_tokens rename column payload to command`.execute(db);
}
