import type { Vote } from '../answer.ts';
import { type Follow, followText } from '../follow.ts';
import type { Paper } from '../paper.ts';
import type { Profile, ProfileSource } from '../ports/profile-store.ts';
import type { PaperWindow } from '../ports/ranking-signals.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import type { Storage } from '../ports/storage.ts';
import { ProfileScorer, strongestSource } from './paper-index.ts';
import { loadProfiles } from './profiles.ts';
import { byLabel, communitySignal, LIKED_MIN_POINTS, personalScore } from './score.ts';
import { followKey, windowIndex, windowMatches, windowPapers } from './window-cache.ts';

/** A paper with its score for one recipient and why. */
export interface RankedPaper {
  paper: Paper;
  score: number;
  /** The follows it matched, as `followText` shows them, in label order. */
  matched: string[];
  /** The recipient's own vote on it. */
  vote: Vote | undefined;
  /** What the recipient's profile says about it, in points (positive: like what they 👍). */
  points: number;
  /** For a paper like what they 👍 (points ≥ LIKED_MIN_POINTS): the 👍 paper or followed topic adding most. */
  likedBy?: LikedBy;
}

/** What a paper like what the recipient likes is most like: a paper it 👍 (with its title), or a topic it follows. */
export type LikedBy = { kind: 'paper'; id: string; title: string } | { kind: 'follow'; follow: string };

/** How {@link rankWindow} chooses and pages. */
export interface RankOptions {
  window: PaperWindow;
  recipient: RecipientId | undefined;
  limit: number;
  offset: number;
  /**
   * Only papers personal to the recipient: matching a follow or like what it 👍
   * (`foryou`). Default false: every paper of the window (`today`).
   */
  personalOnly?: boolean;
  /** Leave out papers the recipient voted on (it has seen them). Default false. */
  excludeVoted?: boolean;
}

/** The store parts a single ranking reads. */
export type RankStore = Pick<Storage, 'papers' | 'ranking' | 'profiles'>;

/**
 * Ranks a window's papers for a recipient (or anonymously), best first, by `personalScore`:
 * upvotes, follows matched, the recipient's profile and own vote; ties keep the window's order
 * (newest day, upvotes, recency, id). Papers matching one of the recipient's mutes never
 * appear. Returns `limit + 1` papers at most from `offset`, so callers can tell whether there
 * is a next page. The digests rank with the same parts (compose-digests.ts).
 */
export async function rankWindow(store: RankStore, options: RankOptions): Promise<RankedPaper[]> {
  const { window, recipient } = options;
  const known = recipient !== undefined;
  // Every read starts as soon as what it needs is known (a server answers them on separate
  // connections): the window's papers and features need only the window, follow matching only
  // the follows. Features are read for a known recipient before its profile is (most have one;
  // they are cached for the window either way).
  const papersP = windowPapers(store.ranking, window);
  const indexP = known ? windowIndex(store.ranking, window) : undefined;
  const interestsP = known
    ? store.ranking.interestsOf([recipient]).then((found) => ({ follows: found.follows.get(recipient) ?? [], mutes: found.mutes.get(recipient) ?? [] }))
    : Promise.resolve({ follows: [] as Follow[], mutes: [] as Follow[] });
  const matchesP = interestsP.then(({ follows, mutes }) =>
    follows.length + mutes.length > 0 ? windowMatches(store.ranking, window, [...follows, ...mutes]) : undefined,
  );
  const [{ papers }, { follows, mutes }, matches, profiles, votesIn] = await Promise.all([
    papersP,
    interestsP,
    matchesP,
    known ? loadProfiles(store, [recipient]) : undefined,
    known ? store.ranking.votesIn([recipient], window.days) : undefined,
  ]);
  const profile: Profile | undefined = known ? profiles?.get(recipient) : undefined;
  // Not awaited without a profile: the read goes on into the cache (whose own handler sees a failure).
  const index = profile ? await indexP : undefined;
  if (papers.length === 0) return [];
  const votes = known ? votesIn?.get(recipient) : undefined;

  const labels = new Map<number, string[]>();
  for (const follow of follows) {
    for (const pord of matches?.get(followKey(follow)) ?? []) {
      const list = labels.get(pord);
      if (list) list.push(followText(follow));
      else labels.set(pord, [followText(follow)]);
    }
  }
  const muted = new Set<number>();
  for (const mute of mutes) for (const pord of matches?.get(followKey(mute)) ?? []) muted.add(pord);
  const scorer = index && profile ? new ProfileScorer(index) : undefined;
  if (scorer && profile) scorer.score(profile);

  // `today` ranks every paper; `foryou` only the ones a follow or the profile picked out.
  const pords = options.personalOnly ? new Set([...labels.keys(), ...(scorer?.touched ?? [])]) : papers.keys();
  const scored: { pord: number; score: number; points: number; labels: string[]; vote: Vote | undefined }[] = [];
  for (const pord of pords) {
    if (muted.has(pord)) continue;
    const id = papers[pord]!.id;
    const vote = votes?.get(id);
    if (options.excludeVoted && vote) continue;
    const matched = (labels.get(pord) ?? []).sort(byLabel);
    const points = scorer?.points(pord) ?? 0;
    if (options.personalOnly && matched.length === 0 && points < LIKED_MIN_POINTS) continue;
    scored.push({ pord, points, vote, labels: matched, score: personalScore(communitySignal(papers[pord]!.upvotes), matched.length, points, vote) });
  }
  scored.sort((a, b) => b.score - a.score || a.pord - b.pord);
  const page = scored.slice(options.offset, options.offset + options.limit + 1);

  const likedBy = new Map<number, ProfileSource>();
  if (index && profile) {
    for (const entry of page) {
      if (entry.points < LIKED_MIN_POINTS) continue;
      const source = strongestSource(profile, index.vectors[entry.pord]!, index.items[entry.pord]!);
      if (source) likedBy.set(entry.pord, source);
    }
  }
  // The page's papers and the 👍 papers its cards name, in one read.
  const found = await store.papers.findMany([
    ...page.map((entry) => papers[entry.pord]!.id),
    ...[...likedBy.values()].flatMap((source) => (source.kind === 'paper' ? [source.paperId] : [])),
  ]);
  return page.flatMap((entry) => {
    const paper = found.get(papers[entry.pord]!.id);
    if (!paper) return [];
    const by = likedByOf(likedBy.get(entry.pord), (id) => found.get(id)?.title);
    return [{ paper, score: entry.score, matched: entry.labels, vote: entry.vote, points: entry.points, ...(by ? { likedBy: by } : {}) }];
  });
}

/** A profile source as a card names it; a 👍 paper no longer stored names nothing. */
export function likedByOf(source: ProfileSource | undefined, titleOf: (id: string) => string | undefined): LikedBy | undefined {
  if (source?.kind === 'follow') return { kind: 'follow', follow: source.follow };
  const title = source ? titleOf(source.paperId) : undefined;
  return source && title !== undefined ? { kind: 'paper', id: source.paperId, title } : undefined;
}
