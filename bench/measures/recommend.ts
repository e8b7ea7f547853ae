/**
 * Simulated users on real papers: how much of what paperboy recommends to someone who 👍 papers
 * of a field is of that field, against arxiv-sanity-lite's own ways of recommending, computed
 * in the same run on the same papers.
 *
 * The 2,000 arXiv papers of bench/samples are listed over 30 days (a seeded shuffle, 66–67 a
 * day, by their publication time). Each simulated user 👍 papers of one primary category
 * (`one`), or of two and 👎 papers of a third (`two`), all listed before the last `evalDays`
 * days, through the core (`vote <id> up|down`), then asks `today <day>` for each of those days.
 * Measured: the share of each answer's 5 cards whose primary category is one the user 👍
 * (and, for `two`, the share in the 👎 one). The label is the primary category, so the same
 * library is also stored with every paper's categories withheld: `today`'s affinity counts
 * shared categories, which on the first library partly reads the label.
 *
 * Baselines over the same day's papers: arxiv-sanity-lite's SVM over its TF-IDF (the user's
 * 👍 papers positive, every other paper negative, as its recommendations are fitted; it has no
 * 👎), the cosine with the mean of the 👍 papers' TF-IDF vectors, the share a random pick would
 * get, and the best possible share (every paper of the 👍 categories that day, up to 5).
 */
import { pino } from 'pino';
import { createCore } from '../../src/core/core.ts';
import type { PaperInput } from '../../src/core/paper.ts';
import type { TermVector } from '../../src/core/ports/content-index.ts';
import { expandQuery } from '../../src/core/ranking/similar-papers.ts';
import { dot, weightedSum } from '../../src/core/ranking/term-vector.ts';
import { createDb } from '../../src/db/create-db.ts';
import { createStorage } from '../../src/db/storage.ts';
import { readArxivSample, type SamplePaper } from '../arxiv-sample.ts';
import { Rng } from '../corpus.ts';
import { type BenchResult, progress, times } from '../report.ts';
import { centroidScores, sanityTfidf, svmScores } from '../tfidf-baselines.ts';

/** Options of {@link benchRecommendQuality}. */
export interface RecommendOptions {
  seed: number;
  /** Days the papers are listed over, ending on `lastDay`. */
  days: number;
  lastDay: string;
  /** The last days each user asks `today` for (their votes are on papers listed before). */
  evalDays: number;
  /** Users who 👍 one category, per category with enough papers. */
  usersPerCategory: number;
  /** Users who 👍 two categories and 👎 a third. */
  pairUsers: number;
}

/** A simulated user: the papers (sample indexes) they rate, and the categories those are of. */
interface SimUser {
  kind: 'one' | 'two';
  liked: number[];
  disliked: number[];
  likedCategories: Set<string>;
  dislikedCategory: string | undefined;
}

/** Shares of top 5s in the 👍 (and 👎) categories, summed over answers, and by user. */
class Tally {
  liked = 0;
  disliked = 0;
  shown = 0;
  readonly byUser = new Map<SimUser, { liked: number; shown: number }>();
  add(user: SimUser, shown: readonly SamplePaper[]): void {
    this.shown += shown.length;
    const mine = this.byUser.get(user) ?? { liked: 0, shown: 0 };
    mine.shown += shown.length;
    for (const paper of shown) {
      if (user.likedCategories.has(paper.primaryCategory)) {
        this.liked++;
        mine.liked++;
      }
      if (paper.primaryCategory === user.dislikedCategory) this.disliked++;
    }
    this.byUser.set(user, mine);
  }
  /** The standard error of the mean over users of this tally's share minus `other`'s (a paired comparison). */
  pairedError(other: Tally): number {
    const diffs = [...this.byUser].map(([user, mine]) => {
      const theirs = other.byUser.get(user)!;
      return mine.liked / Math.max(1, mine.shown) - theirs.liked / Math.max(1, theirs.shown);
    });
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const variance = diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1);
    return Math.sqrt(variance / diffs.length);
  }
  get likedShare(): number {
    return this.liked / this.shown;
  }
  get dislikedShare(): number {
    return this.disliked / this.shown;
  }
}

const LIKES_ONE = 5;
const LIKES_TWO = 3;
const DISLIKES = 3;
/** Categories users are drawn from: those with at least this many papers in the sample. */
const MIN_CATEGORY_PAPERS = 40;

export async function benchRecommendQuality(options: RecommendOptions): Promise<BenchResult[]> {
  const sample = readArxivSample();
  const rng = new Rng(options.seed + 23);
  const dayOf = listingDays(sample.length, options, rng);
  const evalDays = [...new Set(dayOf)].sort().slice(-options.evalDays);
  const before = (i: number) => dayOf[i]! < evalDays[0]!;
  const users = simulatedUsers(sample, before, options, rng);
  const papersOn = new Map(evalDays.map((day) => [day, sample.flatMap((_, i) => (dayOf[i] === day ? [i] : []))]));
  const inputs = sample.map((s, i): PaperInput => ({ ...s.input, publishedAt: new Date(`${dayOf[i]}T12:00:00Z`) }));
  // `foryou` (a week): the last 7 days' papers, less the ones the user rated (foryou leaves them out).
  const weekDays = new Set([...new Set(dayOf)].sort().slice(-7));
  const weekCandidates = (user: SimUser) => {
    const rated = new Set([...user.liked, ...user.disliked]);
    return sample.flatMap((_, i) => (weekDays.has(dayOf[i]!) && !rated.has(i) ? [i] : []));
  };

  // Baselines and bounds, from the paper texts alone.
  progress(`recommend quality: ${users.length} simulated users, baselines (arxiv-sanity-lite TF-IDF SVM and centroid)`);
  const features = sanityTfidf(sample.map((s) => ({ title: s.input.title, abstract: s.input.abstract ?? '', authors: s.input.authors ?? [] })));
  const dims = features.reduce((max, v) => Math.max(max, ...v.terms), 0) + 1;
  const svm = new Tally();
  const centroid = new Tally();
  const random = { liked: 0, shown: 0 };
  const best = new Tally();
  const svmWeek = new Tally();
  const centroidWeek = new Tally();
  for (const user of users) {
    const svmScore = svmScores(features, new Set(user.liked), dims);
    const centroidScore = centroidScores(features, user.liked);
    const week = weekCandidates(user);
    svmWeek.add(
      user,
      top5(week, (i) => svmScore[i]!).map((i) => sample[i]!),
    );
    centroidWeek.add(
      user,
      top5(week, (i) => centroidScore[i]!).map((i) => sample[i]!),
    );
    for (const candidates of papersOn.values()) {
      svm.add(
        user,
        top5(candidates, (i) => svmScore[i]!).map((i) => sample[i]!),
      );
      centroid.add(
        user,
        top5(candidates, (i) => centroidScore[i]!).map((i) => sample[i]!),
      );
      const inLiked = candidates.filter((i) => user.likedCategories.has(sample[i]!.primaryCategory));
      random.liked += (5 * inLiked.length) / candidates.length;
      random.shown += 5;
      best.add(
        user,
        [...inLiked.slice(0, 5), ...candidates.filter((i) => !inLiked.includes(i))].slice(0, 5).map((i) => sample[i]!),
      );
    }
  }

  const measured = async (withCategories: boolean) => {
    const handle = await createDb({ dataDir: ':memory:', command: 'npm run bench' });
    try {
      const storage = createStorage(handle.db);
      const label = withCategories ? 'as stored' : 'categories withheld';
      progress(`recommend quality: storing ${sample.length} papers over ${options.days} days (${label}), ${users.length} users`);
      await storage.papers.store(withCategories ? inputs : inputs.map((p) => ({ ...p, categories: [], primaryCategory: null })));
      const core = createCore({ storage, log: pino({ level: 'silent' }), clock: () => new Date(`${options.lastDay}T12:00:00Z`) });
      const byId = new Map(sample.map((s) => [s.input.id, s]));
      const today = new Tally();
      const profile = new Tally();
      const expanded = new Tally();
      const foryou = new Tally();
      for (const [u, user] of users.entries()) {
        const ctx = { recipient: { platform: 'bench', externalId: `sim-${u}`, kind: 'user' as const }, mayManage: async () => true };
        for (const [ids, vote] of [
          [user.liked, 'up'],
          [user.disliked, 'down'],
        ] as const) {
          for (const i of ids) {
            const answer = await core.run(`vote ${sample[i]!.input.id} ${vote}`, ctx);
            if (answer.notice?.tone !== 'success') throw new Error(`vote ${sample[i]!.input.id} ${vote}: ${answer.notice?.text}`);
          }
        }
        // What the content model alone would rank by (the core's weightedSum and dot), for comparison: not a command.
        const vectors = await storage.content.vectors([...user.liked, ...user.disliked].map((i) => sample[i]!.input.id));
        const part = (i: number, weight: number) => ({ vector: vectors.get(sample[i]!.input.id) ?? EMPTY, weight });
        const query = weightedSum([...user.liked.map((i) => part(i, 1)), ...user.disliked.map((i) => part(i, -1))]);
        // The same, expanded by the profile's nearest papers of the library as similar expands a paper.
        const rated = [...user.liked, ...user.disliked].map((i) => sample[i]!.input.id);
        const near = await storage.content.nearest(query, { limit: 50, exclude: rated });
        const nearVectors = await storage.content.vectors(near.map((n) => n.paperId));
        const nearest = [...nearVectors.values()].map((vector) => ({ vector, score: dot(query, vector) })).sort((a, b) => b.score - a.score);
        const widened = expandQuery(
          query,
          nearest.map((n) => n.vector),
        );
        const picks = await core.run('foryou week', ctx);
        foryou.add(
          user,
          picks.cards.map((card) => byId.get(card.id)!),
        );
        for (const [day, candidates] of papersOn) {
          const answer = await core.run(`today ${day}`, ctx);
          today.add(
            user,
            answer.cards.map((card) => byId.get(card.id)!),
          );
          const candidateVectors = await storage.content.vectors(candidates.map((i) => sample[i]!.input.id));
          const vectorOf = (i: number) => candidateVectors.get(sample[i]!.input.id) ?? EMPTY;
          profile.add(
            user,
            top5(candidates, (i) => dot(query, vectorOf(i))).map((i) => sample[i]!),
          );
          expanded.add(
            user,
            top5(candidates, (i) => dot(widened, vectorOf(i))).map((i) => sample[i]!),
          );
        }
      }
      return { today, profile, expanded, foryou };
    } finally {
      await handle.close();
    }
  };
  const stored = await measured(true);
  const withheld = await measured(false);

  const pairs = users.filter((u) => u.kind === 'two').length;
  const answers = users.length * evalDays.length;
  const context =
    `${sample.length} arXiv papers of April 2007 listed over ${options.days} days; ${users.length} simulated users ` +
    `(${users.length - pairs} who 👍 ${LIKES_ONE} papers of one primary category with ≥ ${MIN_CATEGORY_PAPERS} papers, ${pairs} who 👍 ${LIKES_TWO}+${LIKES_TWO} of two and 👎 ${DISLIKES} of a third), ` +
    `each asking today for the last ${evalDays.length} days (${answers} answers, 66–67 papers a day)`;
  const bounds = `a random pick ${(random.liked / random.shown).toFixed(3)}, the best possible ${best.likedShare.toFixed(3)}`;
  const dislikedNote = (tally: Tally) =>
    `in the 👎 category ${tally.dislikedShare.toFixed(3)} (SVM ${svm.dislikedShare.toFixed(3)}, centroid ${centroid.dislikedShare.toFixed(3)})`;
  const row = (measure: string, tally: Tally, note: string, base: { svm: Tally; centroid: Tally } = { svm, centroid }): BenchResult => ({
    measure,
    engine: 'PGlite',
    papers: sample.length,
    samples: tally.shown,
    result: tally.likedShare.toFixed(3),
    baseline: `SVM ${base.svm.likedShare.toFixed(3)}`,
    ratio: `${times(tally.likedShare / base.svm.likedShare)} baseline`,
    target: 'info',
    note: `${context}. ${note} Against the SVM ${signed(tally.likedShare - base.svm.likedShare)} ± ${(2 * tally.pairedError(base.svm)).toFixed(3)} (two standard errors, paired by user). Baselines in the same run: arxiv-sanity-lite's SVM ${base.svm.likedShare.toFixed(3)}, TF-IDF centroid cosine ${base.centroid.likedShare.toFixed(3)}${base.svm === svm ? `; ${bounds}` : ' (over the same week of papers, less the rated ones)'}.`,
  });
  return [
    row(
      'recommend quality: today top 5 in 👍 categories',
      stored.today,
      `today as it ranks now (upvotes, follows, the learned profile: content terms of the voted papers, expanded by the library's papers closest to them, plus the voted papers' keywords, authors and categories): the categories are the label, so this is partly circular; ${dislikedNote(stored.today)}.`,
    ),
    row(
      'recommend quality: today, categories withheld',
      withheld.today,
      `the same library stored without categories: the profile has the content terms and authors left (the sample has no keywords); ${dislikedNote(withheld.today)}.`,
    ),
    row(
      'recommend quality: content profile (not a command)',
      stored.profile,
      `the day's papers ranked by the dot of their content vectors with Σ 👍 − Σ 👎 of the rated papers' (core/ranking/term-vector.ts), what a content-based ranking would give; no categories; ${dislikedNote(stored.profile)}.`,
    ),
    row(
      'recommend quality: content profile, expanded (not a command)',
      stored.expanded,
      `the same profile plus the mean of its 10 nearest papers of the library (ContentIndex.nearest, rescored; expandQuery, as similar does); ${dislikedNote(stored.expanded)}.`,
    ),
    row(
      'recommend quality: foryou week top 5 in 👍 categories',
      stored.foryou,
      `foryou (the last 7 days, rated papers left out), once per user; the categories are the label, so this is partly circular; ${dislikedNote(stored.foryou)}.`,
      { svm: svmWeek, centroid: centroidWeek },
    ),
    row('recommend quality: foryou week, categories withheld', withheld.foryou, `the same without categories; ${dislikedNote(withheld.foryou)}.`, {
      svm: svmWeek,
      centroid: centroidWeek,
    }),
  ];
}

const EMPTY: TermVector = { terms: [], weights: [] };

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

/** Each paper's listing day: a seeded shuffle dealt over the days, oldest first. */
function listingDays(count: number, options: RecommendOptions, rng: Rng): string[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const days = Array.from({ length: options.days }, (_, k) => {
    const date = new Date(`${options.lastDay}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - (options.days - 1 - k));
    return date.toISOString().slice(0, 10);
  });
  const dayOf: string[] = new Array(count);
  order.forEach((paper, position) => {
    dayOf[paper] = days[position % options.days]!;
  });
  return dayOf;
}

function simulatedUsers(sample: readonly SamplePaper[], before: (i: number) => boolean, options: RecommendOptions, rng: Rng): SimUser[] {
  const byCategory = new Map<string, number[]>();
  sample.forEach((s, i) => {
    if (!before(i)) return;
    const list = byCategory.get(s.primaryCategory) ?? [];
    list.push(i);
    byCategory.set(s.primaryCategory, list);
  });
  const counts = new Map<string, number>();
  for (const s of sample) counts.set(s.primaryCategory, (counts.get(s.primaryCategory) ?? 0) + 1);
  const categories = [...counts]
    .filter(([, n]) => n >= MIN_CATEGORY_PAPERS)
    .map(([category]) => category)
    .sort();
  const draw = (category: string, n: number) => {
    const pool = [...byCategory.get(category)!];
    return Array.from({ length: n }, () => pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  };
  const users: SimUser[] = [];
  for (const category of categories) {
    for (let k = 0; k < options.usersPerCategory; k++) {
      users.push({ kind: 'one', liked: draw(category, LIKES_ONE), disliked: [], likedCategories: new Set([category]), dislikedCategory: undefined });
    }
  }
  for (let k = 0; k < options.pairUsers; k++) {
    const [a, b, c] = pickDistinct(categories, 3, rng) as [string, string, string];
    users.push({
      kind: 'two',
      liked: [...draw(a, LIKES_TWO), ...draw(b, LIKES_TWO)],
      disliked: draw(c, DISLIKES),
      likedCategories: new Set([a, b]),
      dislikedCategory: c,
    });
  }
  return users;
}

function pickDistinct<T>(items: readonly T[], n: number, rng: Rng): T[] {
  const pool = [...items];
  return Array.from({ length: n }, () => pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
}

/** The 5 candidates with the highest scores; ties by sample order. */
function top5(candidates: readonly number[], score: (i: number) => number): number[] {
  return [...candidates].sort((a, b) => score(b) - score(a) || a - b).slice(0, 5);
}
