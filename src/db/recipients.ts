import type { Kysely, Transaction } from 'kysely';
import type { RecipientRef } from '../core/recipient.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The id of a recipient, creating its row on first contact. */
export async function ensureRecipient(db: Db, ref: RecipientRef): Promise<number> {
  const row = await db
    .insertInto('recipients')
    .values({ platform: ref.platform, external_id: ref.externalId, kind: ref.kind })
    .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet({ kind: ref.kind }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The id of a recipient if it has ever been seen; reads never create rows. */
export async function findRecipientId(db: Db, ref: RecipientRef): Promise<number | undefined> {
  const row = await db
    .selectFrom('recipients')
    .select('id')
    .where('platform', '=', ref.platform)
    .where('external_id', '=', ref.externalId)
    .executeTakeFirst();
  return row?.id;
}

/** The recipient behind an id (for delivery). */
export async function getRecipient(db: Db, id: number): Promise<RecipientRef | undefined> {
  const row = await db.selectFrom('recipients').select(['platform', 'external_id', 'kind']).where('id', '=', id).executeTakeFirst();
  return row && { platform: row.platform, externalId: row.external_id, kind: row.kind };
}

/**
 * Moves a recipient to a new platform id (a Telegram group that became a supergroup),
 * keeping its follows, feedback and subscription. If the new id already has a row
 * (someone used the bot there first), that empty newcomer is merged away.
 */
export async function moveRecipient(db: Kysely<Database>, platform: string, fromId: string, toId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('recipients')
      .select('id')
      .where('platform', '=', platform)
      .where('external_id', '=', fromId)
      .forUpdate()
      .executeTakeFirst();
    if (!old) return false;
    const clash = await trx
      .selectFrom('recipients')
      .select('id')
      .where('platform', '=', platform)
      .where('external_id', '=', toId)
      .executeTakeFirst();
    if (clash) await trx.deleteFrom('recipients').where('id', '=', clash.id).execute();
    await trx.updateTable('recipients').set({ external_id: toId }).where('id', '=', old.id).execute();
    return true;
  });
}
