import type { Follow } from '../follow.ts';
import { followText } from '../follow.ts';
import type { CandidatePaper, PaperWindow, RankingSignals } from '../ports/ranking-signals.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import { byLabel, communitySignal, personalScore } from '../ranking/score.ts';
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
  /** Overlap with what the recipient voted on (positive: like what they 👍). */
  affinity: number;
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

/**
 * Picks the papers for many digests at once. Per local date and cadence in the batch (usually
 * one or two) a fixed handful of set-based queries serves every digest: the window's papers, the
 * recipients' follows, which papers each distinct follow matches (cached until the window's
 * papers change, so a pass of many batches matches each follow once), vote affinities, and
 * one probe of delivered_papers for the best candidates of every digest. Never a query per
 * subscriber or per follow.
 *
 * - Candidates: papers listed in the digest's window ({@link DIGEST_WINDOWS}: the latest days
 *   with papers on or before the local date), minus papers this recipient was already sent
 *   (delivered_papers) or voted on (it has seen them).
 * - A recipient that follows anything gets only papers matching its follows; one that follows
 *   nothing gets the day's top papers.
 * - Scored by `personalScore`, the ranking of `today` (a paper voted on is never a candidate, so
 *   the own-vote term does not arise); order: newer day first (daily), then score, upvotes,
 *   recency, id.
 *
 * Read-only; pass the claiming transaction's signals to see its own claims.
 */
export async function composeDigests(signals: RankingSignals, requests: readonly DigestRequest[]): Promise<DigestPick[]> {
  const groups = new Map<string, { localDate: string; cadence: CadenceKind; requests: DigestRequest[] }>();
  for (const request of requests) {
    const cadence = request.cadence ?? 'daily';
    const key = `${request.localDate} ${cadence}`;
    const group = groups.get(key);
    if (group) group.requests.push(request);
    else groups.set(key, { localDate: request.localDate, cadence, requests: [request] });
  }
  const picks: DigestPick[] = [];
  for (const group of groups.values()) picks.push(...(await composeForDate(signals, group.localDate, group.cadence, group.requests)));
  return picks.sort((a, b) => a.key - b.key || a.rank - b.rank);
}

async function composeForDate(ranking: RankingSignals, localDate: string, cadence: CadenceKind, requests: readonly DigestRequest[]): Promise<DigestPick[]> {
  const { days, newestDayFirst } = DIGEST_WINDOWS[cadence];
  const window = await ranking.window(localDate, days);
  if (!window.latest) return [];
  const latest = window.latest;
  const papers = await papersOf(ranking, window);
  if (papers.length === 0) return [];
  const recipientIds = requests.map((r) => r.recipientId);
  const follows = await ranking.followsOf(recipientIds);
  const matches = await followMatches(ranking, window, [...follows.values()].flat());
  const signals = await ranking.voteSignals(recipientIds, window.days);

  // Per paper of the window (by its index, "pord", which is also the tie-break order):
  const size = papers.length;
  const pordOf = new Map(papers.map((paper, index) => [paper.id, index]));
  const base = Float64Array.from(papers, (paper) => communitySignal(paper.upvotes));
  const older = Uint8Array.from(papers, (paper) => (newestDayFirst && paper.listedOn !== latest ? 1 : 0));
  // Each follow's matches as window indexes, converted once per batch.
  const pordLists = new Map<string, Int32Array>();
  const pordsOf = (follow: Follow): Int32Array => {
    const key = followKey(follow);
    let list = pordLists.get(key);
    if (!list) {
      const ids = matches.get(key) ?? new Set<string>();
      list = Int32Array.from([...ids].flatMap((id) => (pordOf.has(id) ? [pordOf.get(id)!] : [])));
      pordLists.set(key, list);
    }
    return list;
  };
  const counts = new Int32Array(size);
  const score = new Float64Array(size);
  const byRank = (a: number, b: number) => older[a]! - older[b]! || score[b]! - score[a]! || a - b;

  const states = requests.map((request) => {
    const voted = signals.votes.get(request.recipientId);
    const affinity = signals.affinity.get(request.recipientId);
    const own = follows.get(request.recipientId) ?? [];
    let ranked: number[];
    // How many of `ranked` are in order (all, unless set here); the rest is sorted, by `rankRest`,
    // only if this digest gets that far.
    let inOrder: number | undefined;
    let rankRest = byRank;
    if (own.length > 0) {
      const touched: number[] = [];
      for (const follow of own) {
        for (const pord of pordsOf(follow)) if (counts[pord]!++ === 0) touched.push(pord);
      }
      for (const pord of touched) {
        score[pord] = personalScore(base[pord]!, counts[pord]!, affinity?.get(papers[pord]!.id) ?? 0);
      }
      // Only the best few are usually needed: put them first in order, leave the rest for later.
      ranked = sortedPrefix(touched, request.limit + EXCLUSION_MARGIN, byRank);
      inOrder = Math.min(ranked.length, request.limit + EXCLUSION_MARGIN);
      for (const pord of touched) counts[pord] = 0;
      if (ranked.length > inOrder) {
        // By then the next digests of the batch have written their own scores into `score`: keep this one's.
        const mine = new Map(ranked.slice(inOrder).map((pord) => [pord, score[pord]!]));
        rankRest = (a, b) => older[a]! - older[b]! || mine.get(b)! - mine.get(a)! || a - b;
      }
    } else if (affinity) {
      ranked = Array.from({ length: size }, (_, pord) => pord);
      for (const pord of ranked) score[pord] = personalScore(base[pord]!, 0, affinity.get(papers[pord]!.id) ?? 0);
      ranked.sort(byRank);
    } else if (newestDayFirst) {
      // Without follows or votes the window's own order is the ranking (score grows with upvotes).
      ranked = Array.from({ length: size }, (_, pord) => pord);
    } else {
      // The same, for a window ranked as one list: by score alone.
      ranked = Array.from({ length: size }, (_, pord) => pord);
      for (const pord of ranked) score[pord] = base[pord]!;
      ranked.sort(byRank);
    }
    let sortedUpTo = inOrder ?? ranked.length;
    if (voted) {
      // Filtered apart, so the part in order stays exactly the part in order.
      const unvoted = (pord: number) => !voted.has(papers[pord]!.id);
      const head = ranked.slice(0, sortedUpTo).filter(unvoted);
      ranked = [...head, ...ranked.slice(sortedUpTo).filter(unvoted)];
      sortedUpTo = head.length;
    }
    return { request, own, affinity, ranked, sortedUpTo, rankRest, next: 0, picked: [] as number[] };
  });

  // Drop what each recipient was already sent: probe the best few of every digest in one
  // statement, and go further down only for digests that came out short.
  for (let round = 0; ; round++) {
    const probing = states.filter((s) => s.picked.length < s.request.limit && s.next < s.ranked.length);
    if (probing.length === 0) break;
    const chunks = probing.map((s) => {
      const wanted = s.request.limit - s.picked.length;
      const end = s.next + wanted * (round + 1) + EXCLUSION_MARGIN * 2 ** round;
      if (end > s.sortedUpTo) {
        s.ranked = [...s.ranked.slice(0, s.sortedUpTo), ...s.ranked.slice(s.sortedUpTo).sort(s.rankRest)];
        s.sortedUpTo = s.ranked.length;
      }
      const chunk = s.ranked.slice(s.next, end);
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

  return states.flatMap(({ request, own, affinity, picked }) =>
    picked.map((pord, index) => {
      const paper = papers[pord]!;
      const labels = own
        .filter((follow) => matches.get(followKey(follow))?.has(paper.id))
        .map(followText)
        .sort(byLabel);
      return {
        key: request.key,
        paperId: paper.id,
        rank: index + 1,
        matched: labels,
        affinity: affinity?.get(paper.id) ?? 0,
        listedOn: paper.listedOn,
        latestDay: latest,
        cadence,
      };
    }),
  );
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

function followKey(follow: Pick<Follow, 'kind' | 'value'>): string {
  return `${follow.kind}\u0000${follow.value}`;
}

/**
 * What is the same for every digest of a window, kept per window state (its stamp changes when
 * any of its papers does) and reused by later batches and passes: its papers in ranking order,
 * and which papers each follow matches (the costly part of composing, and the same for every
 * subscriber who follows the same thing).
 */
const windowCache = new Map<string, { papers?: CandidatePaper[]; matches: Map<string, Set<string>> }>();
const CACHED_WINDOWS = 4;

function cacheOf(window: PaperWindow) {
  let cached = windowCache.get(window.stamp);
  if (!cached) {
    cached = { matches: new Map() };
    windowCache.set(window.stamp, cached);
    while (windowCache.size > CACHED_WINDOWS) windowCache.delete(windowCache.keys().next().value!);
  }
  return cached;
}

/** The window's papers in ranking order, read once per window state. */
async function papersOf(ranking: RankingSignals, window: PaperWindow): Promise<CandidatePaper[]> {
  const cached = cacheOf(window);
  cached.papers ??= await ranking.candidates(window.days);
  return cached.papers;
}

async function followMatches(ranking: RankingSignals, window: PaperWindow, follows: readonly Follow[]): Promise<Map<string, Set<string>>> {
  const cached = cacheOf(window).matches;
  const missing = new Map<string, Follow>();
  for (const follow of follows) {
    const key = followKey(follow);
    if (!cached.has(key)) missing.set(key, follow);
  }
  if (missing.size > 0) {
    const wanted = [...missing.values()];
    const found = await ranking.matchFollows(window.days, wanted);
    wanted.forEach((follow, index) => cached.set(followKey(follow), new Set(found.get(index) ?? [])));
  }
  return cached;
}
