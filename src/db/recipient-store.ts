import type { Follow } from '../core/follow.ts';
import type { RecipientStore } from '../core/ports/recipient-store.ts';
import type { Db } from './db.ts';
import { inTransaction } from './in-transaction.ts';

/** Recipients, their follows and mutes, over `recipients`, `follows` and `mutes`. */
export function createRecipientStore(db: Db): RecipientStore {
  return {
    async ensure(ref) {
      const row = await db
        .insertInto('recipients')
        .values({ platform: ref.platform, external_id: ref.externalId, kind: ref.kind })
        .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet({ kind: ref.kind }))
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async find(ref) {
      const row = await db
        .selectFrom('recipients')
        .select('id')
        .where('platform', '=', ref.platform)
        .where('external_id', '=', ref.externalId)
        .executeTakeFirst();
      return row?.id;
    },

    // If the new id already has a row (someone used the bot there first), that empty newcomer
    // is deleted (its follows, feedback and subscription cascade) and the old row takes its id.
    move(platform, fromExternalId, toExternalId) {
      return inTransaction(db, async (trx) => {
        const old = await trx
          .selectFrom('recipients')
          .select('id')
          .where('platform', '=', platform)
          .where('external_id', '=', fromExternalId)
          .forUpdate()
          .executeTakeFirst();
        if (!old) return false;
        const clash = await trx
          .selectFrom('recipients')
          .select('id')
          .where('platform', '=', platform)
          .where('external_id', '=', toExternalId)
          .executeTakeFirst();
        if (clash) await trx.deleteFrom('recipients').where('id', '=', clash.id).execute();
        await trx.updateTable('recipients').set({ external_id: toExternalId }).where('id', '=', old.id).execute();
        return true;
      });
    },

    follows: (id) => listed(db, 'follows', id),
    follow: (id, follow) => add(db, 'follows', id, follow),
    unfollow: (id, kind, value) => remove(db, 'follows', id, kind, value),

    async countFollows(id) {
      const row = await db
        .selectFrom('follows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('recipient_id', '=', id)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    mutes: (id) => listed(db, 'mutes', id),
    mute: (id, mute) => add(db, 'mutes', id, mute),
    unmute: (id, kind, value) => remove(db, 'mutes', id, kind, value),

    async timezone(id) {
      const row = await db.selectFrom('recipients').select('timezone').where('id', '=', id).executeTakeFirst();
      return row?.timezone ?? undefined;
    },

    async rememberTimezone(id, timezone) {
      await db.updateTable('recipients').set({ timezone }).where('id', '=', id).execute();
    },
  };
}

/** Follows and mutes are stored alike, one table each. */
type Interests = 'follows' | 'mutes';

/** A recipient's follows (or mutes), oldest first. */
function listed(db: Db, table: Interests, id: number): Promise<Follow[]> {
  return db.selectFrom(table).select(['kind', 'value', 'label']).where('recipient_id', '=', id).orderBy('created_at').orderBy('id').execute();
}

/** Adds a follow (or mute); false when the recipient already had it. */
async function add(db: Db, table: Interests, id: number, follow: Follow): Promise<boolean> {
  const inserted = await db
    .insertInto(table)
    .values({ recipient_id: id, kind: follow.kind, value: follow.value, label: follow.label })
    .onConflict((oc) => oc.columns(['recipient_id', 'kind', 'value']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a follow (or mute), returning it as it was stored; undefined when there was none. */
function remove(db: Db, table: Interests, id: number, kind: Follow['kind'], value: string): Promise<Follow | undefined> {
  return db
    .deleteFrom(table)
    .where('recipient_id', '=', id)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .returning(['kind', 'value', 'label'])
    .executeTakeFirst();
}
