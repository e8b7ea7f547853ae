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

    async follows(id) {
      return db.selectFrom('follows').select(['kind', 'value', 'label']).where('recipient_id', '=', id).orderBy('created_at').orderBy('id').execute();
    },

    async follow(id, follow) {
      const inserted = await db
        .insertInto('follows')
        .values({ recipient_id: id, kind: follow.kind, value: follow.value, label: follow.label })
        .onConflict((oc) => oc.columns(['recipient_id', 'kind', 'value']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async unfollow(id, kind, value) {
      return db
        .deleteFrom('follows')
        .where('recipient_id', '=', id)
        .where('kind', '=', kind)
        .where('value', '=', value)
        .returning(['kind', 'value', 'label'])
        .executeTakeFirst();
    },

    async countFollows(id) {
      const row = await db
        .selectFrom('follows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('recipient_id', '=', id)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async mutes(id) {
      return db.selectFrom('mutes').select(['kind', 'value', 'label']).where('recipient_id', '=', id).orderBy('created_at').orderBy('id').execute();
    },

    async mute(id, mute) {
      const inserted = await db
        .insertInto('mutes')
        .values({ recipient_id: id, kind: mute.kind, value: mute.value, label: mute.label })
        .onConflict((oc) => oc.columns(['recipient_id', 'kind', 'value']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async unmute(id, kind, value) {
      return db
        .deleteFrom('mutes')
        .where('recipient_id', '=', id)
        .where('kind', '=', kind)
        .where('value', '=', value)
        .returning(['kind', 'value', 'label'])
        .executeTakeFirst();
    },

    async timezone(id) {
      const row = await db.selectFrom('recipients').select('timezone').where('id', '=', id).executeTakeFirst();
      return row?.timezone ?? undefined;
    },

    async rememberTimezone(id, timezone) {
      await db.updateTable('recipients').set({ timezone }).where('id', '=', id).execute();
    },
  };
}
