import type { Kysely } from 'kysely';
import type { DeliveryChoice, NewClaim } from '../../db/deliveries.ts';
import { composeDigests, type DigestPick } from '../../db/digests.ts';
import type { Database } from '../../db/schema.ts';
import { reasonsFor } from '../commands/shared.ts';

/** The reason on a card picked because the recipient follows nothing: the best of the day. */
export const TOP_OF_THE_DAY = 'top paper of the day';

/** Why a paper was picked, as shown on its card: "matches your follow: grokking", "top paper of the day", … */
export function pickReasons(pick: Pick<DigestPick, 'matched' | 'affinity' | 'listedOn' | 'latestDay'>): string[] {
  const reasons = reasonsFor(pick);
  if (pick.matched.length === 0) reasons.unshift(pick.listedOn === pick.latestDay ? TOP_OF_THE_DAY : `top paper of ${pick.listedOn}`);
  return reasons;
}

/**
 * Chooses the papers for freshly claimed deliveries in one set-based query (see
 * `composeDigests` for what "new" and "best" mean). A delivery with nothing to post ends
 * 'empty' unless its subscriber asked for a "nothing new today" post.
 */
export async function chooseDigests(db: Kysely<Database>, claims: readonly NewClaim[]): Promise<DeliveryChoice[]> {
  const picks = await composeDigests(
    db,
    claims.map((claim) => ({ key: claim.id, recipientId: claim.recipientId, localDate: claim.localDate, limit: claim.papersPerPost })),
  );
  const byDelivery = new Map<number, DigestPick[]>();
  for (const pick of picks) {
    const list = byDelivery.get(pick.key);
    if (list) list.push(pick);
    else byDelivery.set(pick.key, [pick]);
  }
  return claims.map((claim) => {
    const chosen = byDelivery.get(claim.id) ?? [];
    return {
      id: claim.id,
      recipientId: claim.recipientId,
      paperIds: chosen.map((pick) => pick.paperId),
      reasons: chosen.map(pickReasons),
      empty: chosen.length === 0 && !claim.postWhenEmpty,
    };
  });
}
