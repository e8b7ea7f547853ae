import type { ActionTokenStore } from '../core/ports/action-token-store.ts';
import type { Db } from './db.ts';

/** Long button payloads over `action_tokens`; the core's action codec makes the tokens. */
export function createActionTokenStore(db: Db): ActionTokenStore {
  return {
    async put(token, payload) {
      // A token is a hash of its payload, so one already stored holds the same payload.
      await db
        .insertInto('action_tokens')
        .values({ token, payload })
        .onConflict((oc) => oc.column('token').doNothing())
        .execute();
    },

    async get(token) {
      const row = await db.selectFrom('action_tokens').select('payload').where('token', '=', token).executeTakeFirst();
      return row?.payload;
    },
  };
}
