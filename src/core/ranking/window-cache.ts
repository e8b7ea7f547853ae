import type { Follow } from '../follow.ts';
import type { CandidatePaper, PaperWindow, RankingSignals } from '../ports/ranking-signals.ts';
import { indexPapers, type PaperIndex } from './paper-index.ts';

/**
 * What is the same for every recipient ranked over a window, kept per window state (its stamp
 * changes when any of its papers does, or the content model is recounted) and reused by later
 * requests, batches and passes: its papers in ranking order, which of them each follow (or
 * mute) matches (the costly part, and the same for everyone who follows the same thing), and
 * its papers' features inverted for profiles. `today`, `foryou` and digests share it.
 */
interface WindowState {
  papers?: Promise<WindowPapers>;
  /** Pords matched, by follow key. */
  matches: Map<string, Int32Array>;
  index?: Promise<PaperIndex>;
}

/** A window's papers in ranking order (their position is their "pord"), and each id's pord. */
export interface WindowPapers {
  papers: readonly CandidatePaper[];
  pordOf: ReadonlyMap<string, number>;
}

const cache = new Map<string, WindowState>();
/** Windows kept: the latest days of `today`, a week and a month of `foryou`, the daily and weekly digest windows. */
const CACHED_WINDOWS = 6;

function stateOf(window: PaperWindow): WindowState {
  let state = cache.get(window.stamp);
  if (state) {
    // Most recently used last: the least recently used window is dropped first.
    cache.delete(window.stamp);
  } else {
    state = { matches: new Map() };
  }
  cache.set(window.stamp, state);
  while (cache.size > CACHED_WINDOWS) cache.delete(cache.keys().next().value!);
  return state;
}

/** Caches a load, forgetting it when it fails so the next call tries again. */
function remember<T>(load: () => Promise<T>, forget: () => void): Promise<T> {
  const promise = load();
  promise.catch(forget);
  return promise;
}

/** The window's papers in ranking order, read once per window state. */
export function windowPapers(ranking: RankingSignals, window: PaperWindow): Promise<WindowPapers> {
  const state = stateOf(window);
  state.papers ??= remember(
    async () => {
      const papers = await ranking.candidates(window.days);
      return { papers, pordOf: new Map(papers.map((paper, pord) => [paper.id, pord])) };
    },
    () => delete state.papers,
  );
  return state.papers;
}

/** Which papers of the window each follow (or mute) matches, as ascending pords, by `followKey`; each follow matched once per window state. */
export async function windowMatches(ranking: RankingSignals, window: PaperWindow, follows: readonly Follow[]): Promise<ReadonlyMap<string, Int32Array>> {
  const state = stateOf(window);
  const missing = new Map<string, Follow>();
  for (const follow of follows) {
    const key = followKey(follow);
    if (!state.matches.has(key)) missing.set(key, follow);
  }
  if (missing.size > 0) {
    const wanted = [...missing.values()];
    const [found, { pordOf }] = await Promise.all([ranking.matchFollows(window.days, wanted), windowPapers(ranking, window)]);
    wanted.forEach((follow, index) => {
      const pords = (found.get(index) ?? []).flatMap((id) => {
        const pord = pordOf.get(id);
        return pord === undefined ? [] : [pord];
      });
      state.matches.set(followKey(follow), Int32Array.from(pords).sort());
    });
  }
  return state.matches;
}

/** The window's papers' features, inverted for scoring profiles (read and built once per window state). */
export function windowIndex(ranking: RankingSignals, window: PaperWindow): Promise<PaperIndex> {
  const state = stateOf(window);
  state.index ??= remember(
    async () => {
      // Read side by side: the features need only the window's days.
      const [{ papers }, features] = await Promise.all([windowPapers(ranking, window), ranking.featuresOn(window.days)]);
      return indexPapers(papers.map((paper) => features.get(paper.id)));
    },
    () => delete state.index,
  );
  return state.index;
}

/** The key a follow's (or mute's) matches are kept under: kind and normalised value. */
export function followKey(follow: Pick<Follow, 'kind' | 'value'>): string {
  return `${follow.kind}\u0000${follow.value}`;
}

/** Forgets every cached window, so the next ranking reads and matches from scratch (benchmarks time that cold path). */
export function forgetWindows(): void {
  cache.clear();
}
