import type { Vote } from '../answer.ts';

/**
 * The weights of the one ranking every list uses (`today`, digests):
 *   ln(1 + upvotes)                       community signal, log-scaled
 * + 3 × (followed topics/authors/categories matched, at most 3)
 * + 0.5 × affinity (capped ±4): overlap in keywords, authors and categories with papers
 *   the recipient voted on, 👍 counting for and 👎 against
 * − 10 for a paper the recipient voted 👎 itself (+1 for 👍).
 */
export const SCORE_WEIGHTS = { follow: 3, maxFollowMatches: 3, affinity: 0.5, maxAffinity: 4, ownDown: -10, ownUp: 1 } as const;

/** The community part of a score: ln(1 + upvotes). Computed once per paper where many recipients are scored. */
export function communitySignal(upvotes: number): number {
  return Math.log(1 + Math.max(upvotes, 0));
}

/** A paper's score for a recipient, from its community signal and what the recipient follows, voted and liked. */
export function personalScore(community: number, followMatches: number, affinity: number, ownVote?: Vote): number {
  const w = SCORE_WEIGHTS;
  return (
    community +
    w.follow * Math.min(followMatches, w.maxFollowMatches) +
    w.affinity * Math.max(-w.maxAffinity, Math.min(w.maxAffinity, affinity)) +
    (ownVote === 'down' ? w.ownDown : ownVote === 'up' ? w.ownUp : 0)
  );
}

/** Orders the labels of matched follows the way cards show them. */
export function byLabel(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
