import type { RecipientId } from '../ports/recipient-store.ts';
import { type RankedPaper, type RankStore, rankWindow } from './rank-window.ts';

export type { RankedPaper } from './rank-window.ts';

/**
 * Ranks the papers listed on `day` for a recipient (or anonymously), best first (see
 * {@link rankWindow}): the list of `today`. Returns `limit + 1` papers at most from `offset`,
 * so callers can tell whether there is a next page.
 */
export async function rankDay(
  store: RankStore,
  options: { day: string; recipient: RecipientId | undefined; limit: number; offset: number },
): Promise<RankedPaper[]> {
  // A window of the one day, for its stamp: what is cached for it is reused until its papers change.
  const window = await store.ranking.window(options.day, 1);
  if (window.latest !== options.day) return [];
  return rankWindow(store, { window, recipient: options.recipient, limit: options.limit, offset: options.offset });
}
