import type { Reason } from '../answer.ts';
import { reasonsFor } from '../commands/shared.ts';
import type { DeliveryChoice, DueSubscription } from '../ports/delivery-ledger.ts';
import type { Storage } from '../ports/storage.ts';
import { type LikedBy, likedByOf } from '../ranking/rank-window.ts';
import { type ComposeStore, composeDigests, type DigestPick } from './compose-digests.ts';

/**
 * Why a paper was picked, as its card says: the follows it matched, a 👍 likeness (naming the
 * 👍 paper that adds most), or "top paper of the day" (of its day, in a weekly digest or when it
 * is from the day before) when it matched no follow.
 */
export function pickReasons(pick: Pick<DigestPick, 'matched' | 'points' | 'listedOn' | 'latestDay' | 'cadence'>, likedBy?: LikedBy): Reason[] {
  const reasons = reasonsFor({ ...pick, likedBy });
  if (pick.matched.length === 0 && !reasons.some((reason) => reason.kind === 'liked' || reason.kind === 'related')) {
    reasons.unshift({ kind: 'top', day: pick.cadence === 'daily' && pick.listedOn === pick.latestDay ? null : pick.listedOn });
  }
  return reasons;
}

/**
 * Chooses the papers for due subscriptions, all at once (see `composeDigests` for what "new"
 * and "best" mean). A digest with nothing to post is 'empty' unless its subscriber asked for
 * a "nothing new today" post. The titles of the 👍 papers that reasons name are read in one
 * query for the batch, and stored with the reasons.
 */
export async function chooseDigests(store: ComposeStore & Pick<Storage, 'papers'>, due: readonly DueSubscription[]): Promise<DeliveryChoice[]> {
  const picks = await composeDigests(
    store,
    due.map((d) => ({ key: d.subscriptionId, recipientId: d.recipientId, localDate: d.localDate, limit: d.papersPerPost, cadence: d.cadence })),
  );
  const likedIds = picks.flatMap((pick) => (pick.likedBy?.kind === 'paper' ? [pick.likedBy.paperId] : []));
  const titles = likedIds.length > 0 ? await store.papers.titles(likedIds) : new Map<string, string>();
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
      reasons: chosen.map((pick) =>
        pickReasons(
          pick,
          likedByOf(pick.likedBy, (id) => titles.get(id)),
        ),
      ),
      empty: chosen.length === 0 && !d.postWhenEmpty,
    };
  });
}
