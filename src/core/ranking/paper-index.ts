import type { TermVector } from '../ports/content-index.ts';
import type { PaperFeatures, Profile, ProfileSource } from '../ports/profile-store.ts';
import { byKey, itemKeys } from './profile.ts';
import { NAMED_MIN_POINTS, type ProfileMatch, personalPoints, SCORE_WEIGHTS } from './score.ts';

/**
 * A set of papers (a window's, by position "pord") inverted by content term and by affinity
 * item, so a profile is scored against all of them at the cost of the postings its own terms
 * have among them, not of the papers: a digest batch scores hundreds of profiles against the
 * same window. Built once per window state and shared.
 */
export interface PaperIndex {
  readonly size: number;
  /** Each paper's vector and item keys (ascending, as `byKey` orders them), by pord (empty for a paper without features). */
  readonly vectors: readonly TermVector[];
  readonly items: readonly (readonly string[])[];
  /** Postings per term: the pords holding it, ascending, and their weights. */
  readonly termPostings: ReadonlyMap<number, { pords: number[]; weights: number[] }>;
  /** Pords per item key, ascending. */
  readonly itemPostings: ReadonlyMap<string, number[]>;
}

const NO_VECTOR: TermVector = { terms: [], weights: [] };

/** Indexes papers given by pord (undefined: a paper without features). */
export function indexPapers(features: readonly (PaperFeatures | undefined)[]): PaperIndex {
  const termPostings = new Map<number, { pords: number[]; weights: number[] }>();
  const itemPostings = new Map<string, number[]>();
  const vectors: TermVector[] = [];
  const items: string[][] = [];
  features.forEach((f, pord) => {
    const vector = f?.vector ?? NO_VECTOR;
    const keys = f ? itemKeys(f).sort(byKey) : [];
    vectors.push(vector);
    items.push(keys);
    vector.terms.forEach((term, k) => {
      const list = termPostings.get(term);
      if (list) {
        list.pords.push(pord);
        list.weights.push(vector.weights[k]!);
      } else termPostings.set(term, { pords: [pord], weights: [vector.weights[k]!] });
    });
    for (const key of keys) {
      const list = itemPostings.get(key);
      if (list) list.push(pord);
      else itemPostings.set(key, [pord]);
    }
  });
  return { size: features.length, vectors, items, termPostings, itemPostings };
}

/**
 * Scores profiles against one {@link PaperIndex}, reusing its arrays from profile to profile
 * (a batch scores many): after `score`, `touched` lists the papers the profile says anything
 * about, and `points`/`match` read their values until the next `score`.
 *
 * Each sum runs over the profile's terms (or items) in their stored order, so a paper's value
 * does not depend on which other papers are indexed with it: `today`, `foryou`, digests and
 * search's tie-break give a paper the same points.
 */
export class ProfileScorer {
  readonly touched: number[] = [];
  private readonly content: Float64Array;
  private readonly affinity: Float64Array;
  private readonly dislike: Float64Array;
  private readonly seen: Uint8Array;

  constructor(readonly index: PaperIndex) {
    this.content = new Float64Array(index.size);
    this.affinity = new Float64Array(index.size);
    this.dislike = new Float64Array(index.size);
    this.seen = new Uint8Array(index.size);
  }

  /** Scores `profile` against every paper of the index; the papers it touches are in `touched`. */
  score(profile: Profile): readonly number[] {
    const { touched, content, affinity, dislike, seen } = this;
    for (const pord of touched) {
      content[pord] = 0;
      affinity[pord] = 0;
      dislike[pord] = 0;
      seen[pord] = 0;
    }
    touched.length = 0;
    this.accumulate(profile.content, content);
    this.accumulate(profile.dislikes, dislike);
    const { itemPostings } = this.index;
    const { items, itemWeights } = profile;
    for (let k = 0; k < items.length; k++) {
      const pords = itemPostings.get(items[k]!);
      if (!pords) continue;
      const weight = itemWeights[k]!;
      for (const pord of pords) {
        if (!seen[pord]) {
          seen[pord] = 1;
          touched.push(pord);
        }
        affinity[pord] = affinity[pord]! + weight;
      }
    }
    return touched;
  }

  /** The last scored profile's raw match with a paper. */
  match(pord: number): ProfileMatch {
    return { content: this.content[pord]!, affinity: this.affinity[pord]!, dislike: this.dislike[pord]! };
  }

  /** The last scored profile's personal points for a paper (0 for one it did not touch). */
  points(pord: number): number {
    if (!this.seen[pord]) return 0;
    // One object reused: a batch asks for hundreds of thousands of points.
    const match = this.scratch;
    match.content = this.content[pord]!;
    match.affinity = this.affinity[pord]!;
    match.dislike = this.dislike[pord]!;
    return personalPoints(match);
  }

  private readonly scratch: ProfileMatch = { content: 0, affinity: 0, dislike: 0 };

  /** Adds vector · each paper's vector into `into`, over the vector's terms' postings (the hot loop of a digest batch). */
  private accumulate(vector: TermVector, into: Float64Array): void {
    const { termPostings } = this.index;
    const { touched, seen } = this;
    const { terms, weights: termWeights } = vector;
    for (let k = 0; k < terms.length; k++) {
      const postings = termPostings.get(terms[k]!);
      if (!postings) continue;
      const weight = termWeights[k]!;
      const { pords, weights } = postings;
      for (let j = 0; j < pords.length; j++) {
        const pord = pords[j]!;
        if (!seen[pord]) {
          seen[pord] = 1;
          touched.push(pord);
        }
        into[pord] = into[pord]! + weight * weights[j]!;
      }
    }
  }
}

/**
 * Which source of a profile adds most to its points for a paper: the 👍 paper or followed
 * topic credited with each shared term and item (`Profile.contentSources`, `itemSources`),
 * summed per source as the points weigh them. Undefined when no credited source adds
 * {@link NAMED_MIN_POINTS}.
 * A merge over the profile's ascending terms and items (as `buildProfile` orders them) and the
 * paper's (`items` ascending, as a {@link PaperIndex} keeps them), so a batch explaining
 * thousands of picks builds no lookup tables.
 */
export function strongestSource(profile: Profile, vector: TermVector, items: readonly string[]): ProfileSource | undefined {
  const credit = new Map<number, number>();
  const add = (source: number | undefined, value: number) => {
    if (source === undefined || source < 0 || !(value > 0)) return;
    credit.set(source, (credit.get(source) ?? 0) + value);
  };
  const terms = profile.content.terms;
  for (let i = 0, j = 0; i < terms.length && j < vector.terms.length; ) {
    const a = terms[i]!;
    const b = vector.terms[j]!;
    if (a === b) add(profile.contentSources[i], SCORE_WEIGHTS.content * profile.content.weights[i++]! * vector.weights[j++]!);
    else if (a < b) i++;
    else j++;
  }
  // Both ascending: the profile's as built, the paper's as the index keeps them.
  for (let i = 0, j = 0; i < profile.items.length && j < items.length; ) {
    const order = byKey(profile.items[i]!, items[j]!);
    if (order === 0) {
      add(profile.itemSources[i], SCORE_WEIGHTS.affinity * profile.itemWeights[i]!);
      i++;
      j++;
    } else if (order < 0) i++;
    else j++;
  }
  let best: number | undefined;
  for (const [source, value] of credit) if (best === undefined || value > credit.get(best)! || (value === credit.get(best) && source < best)) best = source;
  return best === undefined || credit.get(best)! < NAMED_MIN_POINTS ? undefined : profile.sources[best];
}
