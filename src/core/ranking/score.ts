import type { Vote } from '../answer.ts';

/**
 * The weights of the one ranking every list uses (`today`, `foryou`, digests, search's
 * tie-break):
 *   ln(1 + upvotes)                       community signal, log-scaled
 * + 3 × (followed topics/authors/categories matched, at most 3)
 * + personal points, from the recipient's profile (core/ranking/profile.ts):
 *     6 × content similarity (the cosine of the paper's TF-IDF vector with the profile's, −1…1)
 *   + 0.5 × affinity (capped ±4): keywords, authors and categories shared with voted papers
 *   − up to 10 for a near-duplicate of a paper the recipient 👎 (its similarity to the recent
 *     👎 papers, from 0.6 where the penalty starts to 0.9 where it is whole: a repost or a
 *     second version is above 0.9, two papers on one topic rarely above 0.5)
 * − 10 for a paper the recipient voted 👎 itself (+1 for 👍).
 *
 * Six points of content similarity: a paper as close to the profile as two papers on one topic
 * usually are (cosine ~0.3) gains ~1.8, what ~5 upvotes give; a paper much like it (0.5) gains 3,
 * as much as a follow.
 */
export const SCORE_WEIGHTS = {
  follow: 3,
  maxFollowMatches: 3,
  content: 6,
  affinity: 0.5,
  maxAffinity: 4,
  nearDuplicate: -10,
  nearDuplicateFrom: 0.6,
  nearDuplicateFull: 0.9,
  ownDown: -10,
  ownUp: 1,
} as const;

/**
 * Personal points from which a paper counts as "like what you 👍" (its card says so, and
 * `foryou` and the digests of recipients who follow something take it without a follow match):
 * one point, what two shared authors give, or a content similarity of ~0.17 — more than
 * sharing a common word or a category does.
 */
export const LIKED_MIN_POINTS = 1;

/**
 * Points the 👍 paper or followed topic a card names must add to the paper by itself: a paper
 * lifted by what the profile's nearest papers share, with one common word of the 👍 paper
 * besides, is not "like" it.
 */
export const NAMED_MIN_POINTS = 0.5;

/** What a profile says about one paper, before weighting (see {@link personalPoints}). */
export interface ProfileMatch {
  /** Dot product of the profile's content vector with the paper's (−1…1). */
  content: number;
  /** Sum of the profile's item weights over the paper's keywords, authors and categories. */
  affinity: number;
  /** Dot product of the recent 👎 papers' summed vectors with the paper's (≥ ~0.9: a near-duplicate of one). */
  dislike: number;
}

/** The community part of a score: ln(1 + upvotes). Computed once per paper where many recipients are scored. */
export function communitySignal(upvotes: number): number {
  return Math.log(1 + Math.max(upvotes, 0));
}

/** The personal part of a score: what the recipient's profile says about the paper, in points. */
export function personalPoints(match: ProfileMatch): number {
  const w = SCORE_WEIGHTS;
  const near = Math.max(0, Math.min(1, (match.dislike - w.nearDuplicateFrom) / (w.nearDuplicateFull - w.nearDuplicateFrom)));
  return w.content * match.content + w.affinity * Math.max(-w.maxAffinity, Math.min(w.maxAffinity, match.affinity)) + w.nearDuplicate * near;
}

/** A paper's score for a recipient, from its community signal, the follows it matched, its personal points and the recipient's own vote. */
export function personalScore(community: number, followMatches: number, points: number, ownVote?: Vote): number {
  const w = SCORE_WEIGHTS;
  return community + w.follow * Math.min(followMatches, w.maxFollowMatches) + points + (ownVote === 'down' ? w.ownDown : ownVote === 'up' ? w.ownUp : 0);
}

/** Orders the labels of matched follows the way cards show them. */
export function byLabel(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
