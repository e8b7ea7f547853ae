import type { Vote } from '../answer.ts';
import type { Follow, FollowKind } from '../follow.ts';
import type { PaperFeatures } from './profile-store.ts';
import type { RecipientId } from './recipient-store.ts';

/** A paper as ranking needs it. */
export interface CandidatePaper {
  id: string;
  listedOn: string;
  upvotes: number;
}

/** The days a digest draws its papers from. */
export interface PaperWindow {
  /** The newest day with papers on or before the asked date; undefined when there are none. */
  latest: string | undefined;
  /** The window's days, newest first. */
  days: string[];
  /**
   * Changes whenever a paper of the window is added or changed, or the content model counts
   * new papers or is rebuilt (and differs between databases), so what was computed for the
   * window (follow matches, content features) can be reused until then.
   */
  stamp: string;
}

/**
 * The set-based reads behind ranking (`today`, digests): each serves a whole batch of
 * recipients at once, never one recipient or one follow at a time. The score itself is the
 * core's (`core/ranking`); these only gather what it is computed from (profiles come from
 * `ProfileStore`).
 */
export interface RankingSignals {
  /** The latest `size` days with papers on or before `onOrBefore`, with a stamp of their papers' state. Cheap: aggregates only. */
  window(onOrBefore: string, size: number): Promise<PaperWindow>;
  /** The days from `from` to `to` (inclusive, 'YYYY-MM-DD') that have papers, as a window with its stamp. */
  span(from: string, to: string): Promise<PaperWindow>;
  /** The papers listed on `days`, newest day first, then by upvotes, recency and id (the tie-break order of every ranking). */
  candidates(days: readonly string[]): Promise<CandidatePaper[]>;
  /** The follows of many recipients (recipients that follow nothing are absent). */
  followsOf(recipients: readonly RecipientId[]): Promise<Map<RecipientId, Follow[]>>;
  /**
   * The follows and the mutes of many recipients, in one read (recipients with none are absent
   * from each map); each list oldest first, as `followsOf` gives it.
   */
  interestsOf(recipients: readonly RecipientId[]): Promise<{ follows: Map<RecipientId, Follow[]>; mutes: Map<RecipientId, Follow[]> }>;
  /** What ranking compares of these papers: content vectors, keywords, authors, categories. Unknown ids are absent. */
  features(paperIds: readonly string[]): Promise<Map<string, PaperFeatures>>;
  /** {@link features} of every paper listed on `days` (a window's, read without waiting for its candidates). */
  featuresOn(days: readonly string[]): Promise<Map<string, PaperFeatures>>;
  /**
   * Which papers listed on `days` each follow matches: a topic by full-text search, an author
   * by a name in the author list, a category exactly. Paper ids by the index of the follow.
   */
  matchFollows(days: readonly string[], follows: readonly { kind: FollowKind; value: string }[]): Promise<Map<number, string[]>>;
  /** The recipients' own votes on the papers listed on `days`, whatever their age (recipients without any are absent). */
  votesIn(recipients: readonly RecipientId[], days: readonly string[]): Promise<Map<RecipientId, Map<string, Vote>>>;
  /** Which of these (recipient, paper) pairs were already delivered, as `recipient:paper` keys. */
  deliveredAmong(pairs: readonly { recipient: RecipientId; paperId: string }[]): Promise<Set<string>>;
}
