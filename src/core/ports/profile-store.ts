import type { Vote } from '../answer.ts';
import type { Follow } from '../follow.ts';
import type { ContentIndex, TermVector } from './content-index.ts';
import type { RecipientId } from './recipient-store.ts';

/** What ranking needs to know about a paper's content: its vector and the items affinity compares. */
export interface PaperFeatures {
  /** Its content vector; empty when it is not indexed (yet) or has nothing distinctive. */
  vector: TermVector;
  keywords: readonly string[];
  authors: readonly string[];
  categories: readonly string[];
}

/** One of a recipient's votes, as a profile is built from it. */
export interface VotedPaper extends PaperFeatures {
  paperId: string;
  vote: Vote;
  /** When it was cast (or last changed). */
  at: Date;
}

/** What one recipient's profile is built from. */
export interface ProfileInput {
  recipient: RecipientId;
  /** Its latest votes, newest first (at most the number asked for). */
  votes: VotedPaper[];
  /** Its topic follows, oldest first, each with its text as a vector (`ContentIndex.textVector`). */
  seeds: { follow: Follow; vector: TermVector }[];
  /**
   * Vectors of the library's papers nearest to what the votes and follows say, best first,
   * blended in as pseudo-relevance feedback (`expandedProfile`); absent: none.
   */
  neighbours?: readonly TermVector[];
}

/**
 * Builds a profile from its input; `content` reads the content index inside the rebuild's
 * transaction (the only connection, on PGlite), for the papers nearest to it.
 */
export type ProfileBuilder = (input: ProfileInput, content: Pick<ContentIndex, 'nearest' | 'vectors'>) => Promise<Profile>;

/** What a part of a profile came from: a voted paper, or a followed topic (as `followText` shows it). */
export type ProfileSource = { kind: 'paper'; paperId: string } | { kind: 'follow'; follow: string };

/**
 * A recipient's learned profile (built by `buildProfile`, core/ranking/profile.ts): what it
 * likes in content terms and in keywords, authors and categories, with, for every term and
 * item, the source that adds most to it (an index into `sources`, -1 for none), and what its
 * recent 👎 were about.
 */
export interface Profile {
  /** How many votes and topic follows it was built from. */
  votes: number;
  seeds: number;
  /** Content terms, L2-normalised; 👎 make weights negative. */
  content: TermVector;
  /** Parallel to `content.terms`. */
  contentSources: readonly number[];
  /** Affinity items (keys from `itemKeys`), their weights (👍 for, 👎 against) and sources. */
  items: readonly string[];
  itemWeights: readonly number[];
  itemSources: readonly number[];
  /** The recent 👎 papers' vectors summed (not normalised): near-duplicates score close to 1 or more. */
  dislikes: TermVector;
  sources: readonly ProfileSource[];
}

/**
 * Materialised profiles, one per recipient with votes or topic follows. A profile is marked
 * stale whenever the recipient's votes or follows change (by whatever writes them), and
 * rebuilt by the core from {@link ProfileInput} before it is used.
 */
export interface ProfileStore {
  /**
   * The stored profiles of these recipients: 'stale' for one to rebuild first; absent for a
   * recipient with no profile (it never voted nor followed a topic).
   */
  load(recipients: readonly RecipientId[]): Promise<Map<RecipientId, Profile | 'stale'>>;
  /** Every recipient whose stored profile is stale, ascending (a reindex makes them all so). */
  stale(): Promise<RecipientId[]>;
  /**
   * Rebuilds these recipients' profiles in one transaction: locks their rows (so a vote cast
   * meanwhile marks its profile stale again rather than being lost), reads each recipient's
   * latest `votes` votes and its topic follows, stores what `build` makes of them (a profile
   * built from nothing is removed), and returns the profiles stored. Recipients are built one
   * after another, on the transaction's connection.
   */
  rebuild(recipients: readonly RecipientId[], build: ProfileBuilder, options: { votes: number }): Promise<Map<RecipientId, Profile>>;
}
