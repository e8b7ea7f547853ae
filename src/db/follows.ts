import { type Kysely, sql } from 'kysely';
import type { Follow, FollowKind } from '../core/follow.ts';
import type { Database } from './schema.ts';

/** A recipient's follows, oldest first. */
export async function listFollows(db: Kysely<Database>, recipientId: number): Promise<Follow[]> {
  const rows = await db
    .selectFrom('follows')
    .select(['kind', 'value', 'label'])
    .where('recipient_id', '=', recipientId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows;
}

/** Adds a follow; false when the recipient already follows it. */
export async function addFollow(db: Kysely<Database>, recipientId: number, follow: Follow): Promise<boolean> {
  const inserted = await db
    .insertInto('follows')
    .values({ recipient_id: recipientId, kind: follow.kind, value: follow.value, label: follow.label })
    .onConflict((oc) => oc.columns(['recipient_id', 'kind', 'value']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a follow; the removed follow, or undefined when there was none. */
export async function removeFollow(
  db: Kysely<Database>,
  recipientId: number,
  kind: FollowKind,
  value: string,
): Promise<Follow | undefined> {
  return db
    .deleteFrom('follows')
    .where('recipient_id', '=', recipientId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .returning(['kind', 'value', 'label'])
    .executeTakeFirst();
}

/** How many follows a recipient has. */
export async function countFollows(db: Kysely<Database>, recipientId: number): Promise<number> {
  const row = await db
    .selectFrom('follows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_id', '=', recipientId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether a topic yields any search terms (stop words alone, like "the", match nothing). */
export async function topicHasTerms(db: Kysely<Database>, topic: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select numnode(websearch_to_tsquery('english', ${topic})) as n`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}
