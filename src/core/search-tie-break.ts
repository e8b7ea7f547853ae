import type { SearchCandidate, TieBreak } from './ports/paper-library.ts';

/** Days of age that one doubling of upvotes makes up for. */
const DAYS_PER_DOUBLING = 14;

/**
 * How recent and upvoted a paper is, as one number (higher first): log2(1 + upvotes) minus
 * its age in weeks over two, so a paper with twice the upvotes ranks level with one two weeks
 * newer. A paper with no listed day counts as a year old.
 */
export function freshness(paper: Pick<SearchCandidate, 'listedOn' | 'upvotes'>, today: string): number {
  const ageDays = paper.listedOn ? Math.max(0, (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${paper.listedOn}T00:00:00Z`)) / 86_400_000) : 365;
  return Math.log2(1 + Math.max(0, paper.upvotes)) - ageDays / DAYS_PER_DOUBLING;
}

/** A {@link TieBreak} that prefers recent, upvoted papers among equally relevant ones ({@link freshness}). */
export function recentAndUpvoted(today: string): TieBreak {
  return (candidates) => new Map(candidates.map((c) => [c.id, freshness(c, today)]));
}

/**
 * Several tie-breaks as one: their scores added, each times its weight (a paper missing from
 * one scores 0 there). For instance recency and upvotes plus a recipient's profile score:
 * `combineTieBreaks([recentAndUpvoted(today), 1], [profileTieBreak, 4])`.
 */
export function combineTieBreaks(...parts: readonly (readonly [TieBreak, number])[]): TieBreak {
  return async (candidates) => {
    const scores = await Promise.all(parts.map(async ([tieBreak]) => tieBreak(candidates)));
    const total = new Map<string, number>();
    for (const c of candidates)
      total.set(
        c.id,
        parts.reduce((sum, [, weight], i) => sum + weight * (scores[i]!.get(c.id) ?? 0), 0),
      );
    return total;
  };
}
