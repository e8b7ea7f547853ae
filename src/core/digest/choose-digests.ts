import type { Reason } from '../answer.ts';
import { reasonsFor } from '../commands/shared.ts';
import type { DeliveryChoice, DueSubscription } from '../ports/delivery-ledger.ts';
import type { RankingSignals } from '../ports/ranking-signals.ts';
import { composeDigests, type DigestPick } from './compose-digests.ts';

/**
 * Why a paper was picked, as its card says: the follows it matched, a 👍 likeness, or "top
 * paper of the day" (of its day, in a weekly digest or when it is from the day before).
 */
export function pickReasons(pick: Pick<DigestPick, 'matched' | 'affinity' | 'listedOn' | 'latestDay' | 'cadence'>): Reason[] {
  const reasons = reasonsFor(pick);
  if (pick.matched.length === 0) {
    reasons.unshift({ kind: 'top', day: pick.cadence === 'daily' && pick.listedOn === pick.latestDay ? null : pick.listedOn });
  }
  return reasons;
}

/**
 * Chooses the papers for due subscriptions, all at once (see `composeDigests` for what "new"
 * and "best" mean). A digest with nothing to post is 'empty' unless its subscriber asked for
 * a "nothing new today" post.
 */
export async function chooseDigests(ranking: RankingSignals, due: readonly DueSubscription[]): Promise<DeliveryChoice[]> {
  const picks = await composeDigests(
    ranking,
    due.map((d) => ({ key: d.subscriptionId, recipientId: d.recipientId, localDate: d.localDate, limit: d.papersPerPost, cadence: d.cadence })),
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
      period: d.period,
      cadence: d.cadence,
      dueAt: d.dueAt,
      paperIds: chosen.map((pick) => pick.paperId),
      reasons: chosen.map(pickReasons),
      empty: chosen.length === 0 && !d.postWhenEmpty,
    };
  });
}
