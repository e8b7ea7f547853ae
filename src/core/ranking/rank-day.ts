import type { Vote } from '../answer.ts';
import { followText } from '../follow.ts';
import type { Paper } from '../paper.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import type { Storage } from '../ports/storage.ts';
import { byLabel, communitySignal, personalScore } from './score.ts';

/** A paper with its score for one recipient and why. */
export interface RankedPaper {
  paper: Paper;
  score: number;
  /** The follows it matched, as `followText` shows them, in label order. */
  matched: string[];
  /** The recipient's own vote on it. */
  vote: Vote | undefined;
  /** Overlap with papers the recipient voted on: positive means "like what you 👍". */
  affinity: number;
}

/**
 * Ranks the papers listed on `day` for a recipient (or anonymously), best first, by
 * `personalScore`; ties keep the candidates' order (upvotes, recency, id). Returns `limit + 1`
 * papers at most from `offset`, so callers can tell whether there is a next page.
 */
export async function rankDay(
  store: Pick<Storage, 'papers' | 'ranking'>,
  options: { day: string; recipient: RecipientId | undefined; limit: number; offset: number },
): Promise<RankedPaper[]> {
  const { day, recipient } = options;
  // Reads that do not depend on each other go out together (a server answers them on separate connections).
  const [candidates, followsOf] = await Promise.all([
    store.ranking.candidates([day]),
    recipient === undefined ? undefined : store.ranking.followsOf([recipient]),
  ]);
  if (candidates.length === 0) return [];
  const follows = recipient === undefined ? [] : (followsOf?.get(recipient) ?? []);
  const [matches, signals] = await Promise.all([
    follows.length > 0 ? store.ranking.matchFollows([day], follows) : new Map<number, string[]>(),
    recipient === undefined ? undefined : store.ranking.voteSignals([recipient], [day]),
  ]);
  const matched = new Map<string, string[]>();
  follows.forEach((follow, index) => {
    for (const id of matches.get(index) ?? []) {
      const labels = matched.get(id);
      if (labels) labels.push(followText(follow));
      else matched.set(id, [followText(follow)]);
    }
  });
  const affinity = recipient === undefined ? undefined : signals?.affinity.get(recipient);
  const votes = recipient === undefined ? undefined : signals?.votes.get(recipient);

  const scored = candidates.map((candidate, order) => {
    const labels = (matched.get(candidate.id) ?? []).sort(byLabel);
    const paperAffinity = affinity?.get(candidate.id) ?? 0;
    const vote = votes?.get(candidate.id);
    return {
      id: candidate.id,
      order,
      labels,
      affinity: paperAffinity,
      vote,
      score: personalScore(communitySignal(candidate.upvotes), labels.length, paperAffinity, vote),
    };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const page = scored.slice(options.offset, options.offset + options.limit + 1);
  const papers = await store.papers.findMany(page.map((entry) => entry.id));
  return page.flatMap((entry) => {
    const paper = papers.get(entry.id);
    return paper ? [{ paper, score: entry.score, matched: entry.labels, vote: entry.vote, affinity: entry.affinity }] : [];
  });
}
