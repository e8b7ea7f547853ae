import type { Kysely } from 'kysely';
import type { Vote } from '../core/answer.ts';
import type { Database } from './schema.ts';

/** Stores (or replaces) a recipient's 👍/👎 on a paper; `null` clears it. */
export async function setVote(db: Kysely<Database>, recipientId: number, paperId: string, vote: Vote | null, now: Date): Promise<void> {
  if (vote === null) {
    await db.deleteFrom('feedback').where('recipient_id', '=', recipientId).where('paper_id', '=', paperId).execute();
    return;
  }
  const value = vote === 'up' ? 1 : -1;
  await db
    .insertInto('feedback')
    .values({ recipient_id: recipientId, paper_id: paperId, vote: value, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['recipient_id', 'paper_id']).doUpdateSet({ vote: value, updated_at: now }))
    .execute();
}

/** A recipient's votes on the given papers. */
export async function votesOn(db: Kysely<Database>, recipientId: number, paperIds: string[]): Promise<Map<string, Vote>> {
  if (paperIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('feedback')
    .select(['paper_id', 'vote'])
    .where('recipient_id', '=', recipientId)
    .where('paper_id', 'in', paperIds)
    .execute();
  return new Map(rows.map((row) => [row.paper_id, row.vote > 0 ? 'up' : 'down']));
}
