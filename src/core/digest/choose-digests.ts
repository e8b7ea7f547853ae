import type { Kysely } from 'kysely';
import type { DeliveryChoice, DueSubscription } from '../../db/delivery-claims.ts';
import type { Database } from '../../db/schema.ts';
import { reasonsFor } from '../commands/shared.ts';
import { composeDigests, type DigestPick } from './compose-digests.ts';

/** The reason on a card picked because the recipient follows nothing: the best of the day. */
export const TOP_OF_THE_DAY = 'top paper of the day';

/** Why a paper was picked, as shown on its card: "matches your follow: grokking", "top paper of the day", … */
export function pickReasons(pick: Pick<DigestPick, 'matched' | 'affinity' | 'listedOn' | 'latestDay'>): string[] {
  const reasons = reasonsFor(pick);
  if (pick.matched.length === 0) reasons.unshift(pick.listedOn === pick.latestDay ? TOP_OF_THE_DAY : `top paper of ${pick.listedOn}`);
  return reasons;
}

/**
 * Chooses the papers for due subscriptions, all at once (see `composeDigests` for what "new"
 * and "best" mean). A digest with nothing to post is 'empty' unless its subscriber asked for
 * a "nothing new today" post.
 */
export async function chooseDigests(db: Kysely<Database>, due: readonly DueSubscription[]): Promise<DeliveryChoice[]> {
  const picks = await composeDigests(
    db,
    due.map((d) => ({ key: d.subscriptionId, recipientId: d.recipientId, localDate: d.localDate, limit: d.papersPerPost })),
  );
  const bySubscription = new Map<number, DigestPick[]>();
  for (const pick of picks) {
    const list = bySubscription.get(pick.key);
    if (list) list.push(pick);
    else bySubscription.set(pick.key, [pick]);
  }
  return due.map((d) => {
    const chosen = bySubscription.get(d.subscriptionId) ?? [];
    return {
      subscriptionId: d.subscriptionId,
      recipientId: d.recipientId,
      localDate: d.localDate,
      dueAt: d.dueAt,
      paperIds: chosen.map((pick) => pick.paperId),
      reasons: chosen.map(pickReasons),
      empty: chosen.length === 0 && !d.postWhenEmpty,
    };
  });
}
