import { sql } from 'kysely';
import type { Vote } from '../core/answer.ts';
import type { FeedbackStore } from '../core/ports/feedback-store.ts';
import type { Db } from './db.ts';

/** 👍/👎 over `feedback`, stored as +1/-1. */
export function createFeedbackStore(db: Db): FeedbackStore {
  return {
    async setVote(recipient, paperId, vote, now) {
      if (vote === null) {
        await db.deleteFrom('feedback').where('recipient_id', '=', recipient).where('paper_id', '=', paperId).execute();
        return;
      }
      const value = voteValue(vote);
      await db
        .insertInto('feedback')
        .values({ recipient_id: recipient, paper_id: paperId, vote: value, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['recipient_id', 'paper_id']).doUpdateSet({ vote: value, updated_at: now }))
        .execute();
    },

    async votesOn(recipient, paperIds) {
      if (paperIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('feedback')
        .select(['paper_id', 'vote'])
        .where('recipient_id', '=', recipient)
        .where('paper_id', '=', sql<string>`any(${[...paperIds]}::text[])`)
        .execute();
      return new Map(rows.map((row) => [row.paper_id, voteOf(row.vote)]));
    },
  };
}

/** The stored number of a vote. */
export function voteValue(vote: Vote): 1 | -1 {
  return vote === 'up' ? 1 : -1;
}

/** A stored vote (+1/-1) as the core's Vote. */
export function voteOf(value: number): Vote {
  return value > 0 ? 'up' : 'down';
}
