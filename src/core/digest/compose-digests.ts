import { type Follow, followText } from '../follow.ts';
import type { Profile, ProfileSource } from '../ports/profile-store.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import type { Storage } from '../ports/storage.ts';
import { ProfileScorer, strongestSource } from '../ranking/paper-index.ts';
import { loadProfiles } from '../ranking/profiles.ts';
import { byLabel, communitySignal, LIKED_MIN_POINTS, personalScore } from '../ranking/score.ts';
import { followKey, windowIndex, windowMatches, windowPapers } from '../ranking/window-cache.ts';
import type { CadenceKind } from '../subscription.ts';

/** One digest to compose: for whom, for which local date, how many papers at most. */
export interface DigestRequest {
  /** The caller's key for this digest (the delivery id); picks come back under it. */
  key: number;
  recipientId: RecipientId;
  /** The subscriber's local date, 'YYYY-MM-DD'. */
  localDate: string;
  /** papers_per_post. */
  limit: number;
  /** Which window it draws from (see DIGEST_WINDOWS); default daily. */
  cadence?: CadenceKind;
}

/** One paper picked for one digest. */
export interface DigestPick {
  key: number;
  paperId: string;
  /** 1-based position in the digest. */
  rank: number;
  /** Labels of the follows it matched, shown as in `today` (`grokking`, `author:…`, `cat:…`); empty for a top-of-the-day pick. */
  matched: string[];
  /** What the recipient's profile says about it, in points (positive: like what they 👍). */
  points: number;
  /** For a pick like what the recipient likes (points ≥ LIKED_MIN_POINTS): the 👍 paper or followed topic adding most. */
  likedBy?: ProfileSource;
  /** The day the paper is listed on. */
  listedOn: string;
  /** The newest day with papers on or before the local date ("the day" of a daily digest). */
  latestDay: string;
  cadence: CadenceKind;
}

/** The days a digest draws from, counted in days with papers on or before its local date. */
export interface DigestWindow {
  days: number;
  /** Whether the newest day's papers come before older ones (else the whole window is ranked as one). */
  newestDayFirst: boolean;
}

/**
 * The window of each cadence.
 *
 * Daily: the two latest days with papers. Hugging Face fills a day's list during that day, and
 * a subscriber whose morning comes before Europe's and America's (Asia/Kolkata at 09:00 is 03:30
 * UTC) would otherwise get the first two or three papers of a half-listed day and never see the
 * rest. With the day before in the window, whatever was listed after their last digest still
 * arrives the next morning; delivered_papers makes sure nothing comes twice. Newer days are
 * shown first, so a subscriber late in the day gets that day's papers and only fills up from
 * the day before.
 *
 * Weekly: the best of the last week, ranked as one list: the seven latest days with papers,
 * plus the day before them for the same reason as above (the day of the previous weekly
 * digest was still filling up when it went out).
 */
export const DIGEST_WINDOWS: Readonly<Record<CadenceKind, DigestWindow>> = {
  daily: { days: 2, newestDayFirst: true },
  weekly: { days: 8, newestDayFirst: false },
};

/** Candidates beyond papers_per_post checked against delivered_papers in the first round. */
const EXCLUSION_MARGIN = 3;

/** The store parts composing reads (inside the claiming transaction). */
export type ComposeStore = Pick<Storage, 'ranking' | 'profiles'>;

/**
 * Picks the papers for many digests at once. Per local date and cadence in the batch (usually
 * one or two) a fixed handful of set-based queries serves every digest: the window's papers, the
 * recipients' follows and mutes, their profiles (one row each, see core/ranking/profile.ts),
 * their votes on the window, which papers each distinct follow or mute matches and the window's
 * content features (both cached until the window's papers change, so a pass of many batches
 * matches each follow once), and one probe of delivered_papers for the best candidates of every
 * digest. Never a query per subscriber or per follow; a profile is scored against the window's
 * inverted features at the cost of its own terms' postings.
 *
 * - Candidates: papers listed in the digest's window ({@link DIGEST_WINDOWS}: the latest days
 *   with papers on or before the local date), minus papers this recipient was already sent
 *   (delivered_papers), voted on (it has seen them) or muted.
 * - A recipient that follows anything gets papers matching its follows and papers like what it
 *   👍 (personal points ≥ LIKED_MIN_POINTS: the same rule as `foryou`); one that follows nothing
 *   gets the day's top papers, ranked with its profile when it has one.
 * - Scored by `personalScore`, the ranking of `today` (a paper voted on is never a candidate, so
 *   the own-vote term does not arise); order: newer day first (daily), then score, upvotes,
 *   recency, id.
 *
 * Read-only, except that a stale profile is rebuilt first; pass the claiming transaction's
 * storage to see its own claims.
 */
export async function composeDigests(store: ComposeStore, requests: readonly DigestRequest[]): Promise<DigestPick[]> {
  const groups = new Map<string, { localDate: string; cadence: CadenceKind; requests: DigestRequest[] }>();
  for (const request of requests) {
    const cadence = request.cadence ?? 'daily';
    const key = `${request.localDate} ${cadence}`;
    const group = groups.get(key);
    if (group) group.requests.push(request);
    else groups.set(key, { localDate: request.localDate, cadence, requests: [request] });
  }
  const picks: DigestPick[] = [];
  for (const group of groups.values()) picks.push(...(await composeForDate(store, group.localDate, group.cadence, group.requests)));
  return picks.sort((a, b) => a.key - b.key || a.rank - b.rank);
}

async function composeForDate(store: ComposeStore, localDate: string, cadence: CadenceKind, requests: readonly DigestRequest[]): Promise<DigestPick[]> {
  const { ranking } = store;
  const { days, newestDayFirst } = DIGEST_WINDOWS[cadence];
  const window = await ranking.window(localDate, days);
  if (!window.latest) return [];
  const latest = window.latest;
  const { papers, pordOf } = await windowPapers(ranking, window);
  if (papers.length === 0) return [];
  const recipientIds = requests.map((r) => r.recipientId);
  const [{ follows, mutes }, profiles, votes] = await Promise.all([
    ranking.interestsOf(recipientIds),
    loadProfiles(store, recipientIds),
    ranking.votesIn(recipientIds, window.days),
  ]);
  const [matches, index] = await Promise.all([
    windowMatches(ranking, window, [...follows.values(), ...mutes.values()].flat()),
    profiles.size > 0 ? windowIndex(ranking, window) : undefined,
  ]);
  const scorer = index ? new ProfileScorer(index) : undefined;
  const pordsOf = (follow: Follow) => matches.get(followKey(follow)) ?? NO_PORDS;

  // Per paper of the window (by its index, "pord", which is also the tie-break order):
  const size = papers.length;
  const base = Float64Array.from(papers, (paper) => communitySignal(paper.upvotes));
  const older = Uint8Array.from(papers, (paper) => (newestDayFirst && paper.listedOn !== latest ? 1 : 0));
  // Scratch space by pord, valid while one digest is ranked (cleared after): follow matches,
  // exclusions, scores and points.
  const counts = new Int32Array(size);
  const excluded = new Uint8Array(size);
  const score = new Float64Array(size);
  const points = new Float64Array(size);
  const byRank = (a: number, b: number) => older[a]! - older[b]! || score[b]! - score[a]! || a - b;

  /**
   * Ranks one digest's candidates: the best `head` first and in order, the rest unsorted (sorted
   * only if this digest gets that far, see `rest`). With follows (`followed`: the pords each
   * matches), the candidates are the papers matching one and the papers like what it 👍;
   * without, every paper of the window.
   */
  const rank = (followed: readonly Int32Array[], profile: Profile | undefined, marked: readonly number[], head: number) => {
    for (const pord of marked) excluded[pord] = 1;
    // The scorer holds this profile's points until the next profile is scored.
    const profiled = scorer && profile ? scorer.score(profile) : NO_PORDS;
    const touched: number[] = [];
    for (const pords of followed) {
      for (const pord of pords) if (counts[pord]!++ === 0) touched.push(pord);
    }
    for (const pord of profiled) points[pord] = scorer!.points(pord);
    const candidates: number[] = [];
    if (followed.length > 0) {
      for (const pord of touched) if (!excluded[pord]) candidates.push(pord);
      // Papers like what it 👍 come in without a follow match (as in `foryou`).
      for (const pord of profiled) if (counts[pord] === 0 && !excluded[pord] && points[pord]! >= LIKED_MIN_POINTS) candidates.push(pord);
    } else {
      for (let pord = 0; pord < size; pord++) if (!excluded[pord]) candidates.push(pord);
    }
    // Without follows or a profile, a daily window's own order is the ranking (score grows with upvotes).
    const natural = followed.length === 0 && profiled.length === 0 && newestDayFirst;
    let order = candidates;
    let sorted = candidates.length;
    if (!natural) {
      for (const pord of candidates) score[pord] = personalScore(base[pord]!, counts[pord]!, points[pord]!);
      order = sortedPrefix(candidates, head, byRank);
      sorted = Math.min(head, order.length);
    }
    const kept = new Map<number, number>();
    for (const pord of order.slice(0, sorted)) if (points[pord] !== 0) kept.set(pord, points[pord]!);
    for (const pord of touched) counts[pord] = 0;
    for (const pord of profiled) points[pord] = 0;
    for (const pord of marked) excluded[pord] = 0;
    return { order, sorted, points: kept };
  };

  const states = requests.map((request) => {
    const voted = votes.get(request.recipientId);
    const profile = profiles.get(request.recipientId);
    const own = follows.get(request.recipientId) ?? [];
    // Each follow's matches looked up once per digest (by key: a string built and hashed).
    const followed = own.map(pordsOf);
    // Muted and voted papers are never candidates.
    const marked: number[] = [];
    for (const mute of mutes.get(request.recipientId) ?? []) for (const pord of pordsOf(mute)) marked.push(pord);
    for (const id of voted?.keys() ?? []) {
      const pord = pordOf.get(id);
      if (pord !== undefined) marked.push(pord);
    }
    const ranked = rank(followed, profile, marked, request.limit + EXCLUSION_MARGIN);
    return { request, own, followed, profile, marked, ...ranked, next: 0, picked: [] as number[] };
  });

  // Drop what each recipient was already sent: probe the best few of every digest in one
  // statement, and go further down only for digests that came out short.
  for (let round = 0; ; round++) {
    const probing = states.filter((s) => s.picked.length < s.request.limit && s.next < s.order.length);
    if (probing.length === 0) break;
    const chunks = probing.map((s) => {
      const wanted = s.request.limit - s.picked.length;
      const end = s.next + wanted * (round + 1) + EXCLUSION_MARGIN * 2 ** round;
      if (end > s.sorted) {
        // Rarely needed (the first candidates were sent before): rank this digest again, all of it.
        const all = rank(s.followed, s.profile, s.marked, Number.POSITIVE_INFINITY);
        s.order = all.order;
        s.sorted = all.sorted;
        s.points = all.points;
      }
      const chunk = s.order.slice(s.next, end);
      s.next += chunk.length;
      return { s, chunk };
    });
    const sent = await ranking.deliveredAmong(
      chunks.flatMap(({ s, chunk }) => chunk.map((pord) => ({ recipient: s.request.recipientId, paperId: papers[pord]!.id }))),
    );
    for (const { s, chunk } of chunks) {
      for (const pord of chunk) {
        if (s.picked.length >= s.request.limit) break;
        if (!sent.has(`${s.request.recipientId}:${papers[pord]!.id}`)) s.picked.push(pord);
      }
    }
  }

  return states.flatMap(({ request, own, followed, profile, points: pointsOf, picked }) =>
    picked.map((pord, at) => {
      const paper = papers[pord]!;
      const labels = own
        .filter((_, f) => holds(followed[f]!, pord))
        .map(followText)
        .sort(byLabel);
      const value = pointsOf.get(pord) ?? 0;
      const likedBy = profile && index && value >= LIKED_MIN_POINTS ? strongestSource(profile, index.vectors[pord]!, index.items[pord]!) : undefined;
      return {
        key: request.key,
        paperId: paper.id,
        rank: at + 1,
        matched: labels,
        points: value,
        ...(likedBy ? { likedBy } : {}),
        listedOn: paper.listedOn,
        latestDay: latest,
        cadence,
      };
    }),
  );
}

const NO_PORDS = new Int32Array(0);

/** Whether an ascending list of pords holds `pord` (a binary search: a popular topic matches hundreds). */
function holds(sorted: Int32Array, pord: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = sorted[mid]!;
    if (value === pord) return true;
    if (value < pord) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * `items` with its best `k` (by `compare`) first and in order; the rest follow in no order.
 * A bounded insertion: linear in the items for the small k of a digest.
 */
function sortedPrefix(items: number[], k: number, compare: (a: number, b: number) => number): number[] {
  if (items.length <= k) return items.sort(compare);
  const top: number[] = [];
  const rest: number[] = [];
  for (const item of items) {
    if (top.length < k || compare(item, top[k - 1]!) < 0) {
      let i = top.length < k ? top.length : k - 1;
      if (top.length === k) rest.push(top[k - 1]!);
      while (i > 0 && compare(item, top[i - 1]!) < 0) {
        top[i] = top[i - 1]!;
        i--;
      }
      top[i] = item;
    } else {
      rest.push(item);
    }
  }
  return [...top, ...rest];
}
