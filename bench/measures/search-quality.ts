/**
 * Search quality on the 2,000 real arXiv papers of bench/samples (April 2007), with labels
 * that come from the papers themselves:
 *
 * - known item: a query a user might type to find one paper again — words of its title and
 *   abstract plus one word it does not contain (a user's own wording, taken from another paper
 *   of the same archive); success is the paper in the top 5 (hit@5), and the reciprocal of its
 *   rank within the top 10 (MRR@10). Two kinds: two title words + two abstract words + the
 *   foreign word; three abstract words + the foreign word (no title words: harder);
 * - topical: the name of an arXiv category as the query ("strongly correlated electrons");
 *   precision@5 = the share of the top 5 listed in that category (primary or cross-list).
 *
 * paperboy's search (`PaperLibrary.search` with the tie-break `search` passes) against, in the
 * same run: arxiv-sanity-lite's search (its serve.py: a linear scan scoring 20 × query words
 * found in the title + 10 × in the authors + Σ min(3, occurrences in the abstract), substring
 * matching, lower-cased, split on spaces; ties by id, highest first), and paperboy's previous
 * search (every word required, tiers, newest first: bench/and-only-search.ts).
 */
import { recentAndUpvoted } from '../../src/core/search-tie-break.ts';
import { createDb } from '../../src/db/create-db.ts';
import { createStorage } from '../../src/db/storage.ts';
import { andOnlySearch } from '../and-only-search.ts';
import { readArxivSample, type SamplePaper } from '../arxiv-sample.ts';
import { Rng } from '../corpus.ts';
import { type BenchResult, type EngineName, progress, times } from '../report.ts';
import { STOP_WORDS } from '../tfidf-baselines.ts';

/** arXiv's names of the sample's larger categories (arxiv.org/category_taxonomy), lower-cased, without " - ". */
const CATEGORY_NAMES: Record<string, string> = {
  'astro-ph': 'astrophysics',
  'hep-ph': 'high energy physics phenomenology',
  'hep-th': 'high energy physics theory',
  'hep-ex': 'high energy physics experiment',
  'quant-ph': 'quantum physics',
  'gr-qc': 'general relativity and quantum cosmology',
  'nucl-th': 'nuclear theory',
  'math-ph': 'mathematical physics',
  'cond-mat.str-el': 'strongly correlated electrons',
  'cond-mat.mtrl-sci': 'materials science',
  'cond-mat.mes-hall': 'mesoscale and nanoscale physics',
  'cond-mat.stat-mech': 'statistical mechanics',
  'cond-mat.supr-con': 'superconductivity',
  'cond-mat.soft': 'soft condensed matter',
  'cond-mat.dis-nn': 'disordered systems and neural networks',
  'math.PR': 'probability',
  'math.AG': 'algebraic geometry',
  'math.AP': 'analysis of pdes',
  'math.CO': 'combinatorics',
  'math.NT': 'number theory',
  'math.DG': 'differential geometry',
  'physics.optics': 'optics',
  'cs.IT': 'information theory',
};

/** Options of {@link benchSearchQuality}. */
export interface SearchQualityOptions {
  /** Known-item queries of each kind. */
  queries: number;
  seed: number;
}

interface KnownItem {
  kind: 'title+abstract' | 'abstract';
  text: string;
  /** Index of the paper sought in the sample. */
  target: number;
}

/** Words a query may be made of: letters only, four or more, not a stop word. */
function wordsOf(text: string): string[] {
  return [...new Set((text.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) => !STOP_WORDS.has(w)))];
}

function pickSome(rng: Rng, words: readonly string[], n: number): string[] {
  const pool = [...words];
  const chosen: string[] = [];
  while (chosen.length < n && pool.length > 0) chosen.push(pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!);
  return chosen;
}

/** Known-item queries: `n` of each kind, for papers drawn with `seed`. */
export function knownItemQueries(sample: readonly SamplePaper[], n: number, seed: number): KnownItem[] {
  const rng = new Rng(seed);
  const byArchive = new Map<string, number[]>();
  sample.forEach((s, i) => byArchive.set(s.archive, [...(byArchive.get(s.archive) ?? []), i]));
  const queries: KnownItem[] = [];
  for (const kind of ['title+abstract', 'abstract'] as const) {
    let made = 0;
    while (made < n) {
      const target = rng.int(0, sample.length - 1);
      const paper = sample[target]!;
      const own = `${paper.input.title} ${paper.input.abstract ?? ''} ${(paper.input.authors ?? []).join(' ')}`.toLowerCase();
      const title = wordsOf(paper.input.title);
      const abstract = wordsOf(paper.input.abstract ?? '').filter((w) => !title.includes(w));
      const words = kind === 'title+abstract' ? [...pickSome(rng, title, 2), ...pickSome(rng, abstract, 2)] : pickSome(rng, abstract, 3);
      if (words.length < (kind === 'title+abstract' ? 4 : 3)) continue;
      // The user's own word: from another paper of the archive, nowhere in this one.
      const other = sample[rng.pick(byArchive.get(paper.archive)!)]!;
      const foreign = pickSome(rng, wordsOf(`${other.input.title} ${other.input.abstract ?? ''}`), 10).find((w) => w.length >= 5 && !own.includes(w));
      if (!foreign) continue;
      const all = [...words, foreign];
      queries.push({ kind, text: pickSome(rng, all, all.length).join(' '), target });
      made++;
    }
  }
  return queries;
}

/** arxiv-sanity-lite's search_rank (serve.py), over the sample: ids best first. */
export function substringSearch(sample: readonly SamplePaper[], query: string): string[] {
  const qs = query.toLowerCase().trim().split(/\s+/);
  const count = (s: string, q: string) => s.split(q).length - 1;
  const pairs: [number, string][] = [];
  for (const s of sample) {
    const title = s.input.title.toLowerCase();
    const authors = (s.input.authors ?? []).join(' ').toLowerCase();
    const summary = (s.input.abstract ?? '').toLowerCase();
    let score = 0;
    for (const q of qs) {
      score += 10 * (count(authors, q) > 0 ? 1 : 0) + 20 * (count(title, q) > 0 ? 1 : 0) + Math.min(3, count(summary, q));
    }
    if (score > 0) pairs.push([score, s.input.id]);
  }
  // Python's sort of (score, pid) tuples, reversed.
  pairs.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
  return pairs.map(([, id]) => id);
}

/** hit@5 and MRR@10 of rankings against the ids sought. */
function knownItemScores(rankings: readonly string[][], sought: readonly string[]) {
  let hits = 0;
  let rr = 0;
  rankings.forEach((ranking, i) => {
    const rank = ranking.slice(0, 10).indexOf(sought[i]!);
    if (rank >= 0 && rank < 5) hits++;
    if (rank >= 0) rr += 1 / (rank + 1);
  });
  return { hit5: hits / sought.length, mrr: rr / sought.length };
}

export async function benchSearchQuality(options: SearchQualityOptions): Promise<BenchResult[]> {
  const sample = readArxivSample();
  const engine: EngineName = 'PGlite';
  const handle = await createDb({ dataDir: ':memory:', command: 'npm run bench' });
  try {
    const storage = createStorage(handle.db);
    progress(`${engine}: search quality, storing ${sample.length} arXiv papers`);
    for (let start = 0; start < sample.length; start += 200) await storage.papers.store(sample.slice(start, start + 200).map((s) => s.input));
    const categoriesOf = new Map(sample.map((s) => [s.input.id, new Set(s.input.categories ?? [])]));
    // The papers were listed in April 2007; "today" for the tie-break is the day after.
    const tieBreak = recentAndUpvoted('2007-05-01');
    const systems: Record<'paperboy' | 'substring' | 'andOnly', (q: string) => Promise<string[]>> = {
      paperboy: async (q) => (await storage.papers.search({ text: q, limit: 10, offset: 0, tieBreak })).papers.map((p) => p.id),
      substring: async (q) => substringSearch(sample, q).slice(0, 10),
      andOnly: async (q) => (await andOnlySearch(handle.db, { text: q, limit: 10, offset: 0 })).papers.map((p) => p.id),
    };

    const known = knownItemQueries(sample, options.queries, options.seed);
    progress(`${engine}: search quality, ${known.length} known-item queries × 3 systems`);
    const sought = known.map((k) => sample[k.target]!.input.id);
    const rankings: Record<keyof typeof systems, string[][]> = { paperboy: [], substring: [], andOnly: [] };
    for (const k of known) for (const name of Object.keys(systems) as (keyof typeof systems)[]) rankings[name].push(await systems[name](k.text));
    const scoreOf = (name: keyof typeof systems, kind?: KnownItem['kind']) => {
      const keep = known.map((k, i) => (kind === undefined || k.kind === kind ? i : -1)).filter((i) => i >= 0);
      return knownItemScores(
        keep.map((i) => rankings[name][i]!),
        keep.map((i) => sought[i]!),
      );
    };
    const ours = scoreOf('paperboy');
    const sub = scoreOf('substring');
    const old = scoreOf('andOnly');
    const byKind = (['title+abstract', 'abstract'] as const)
      .map((kind) => {
        const [a, b, c] = (['paperboy', 'substring', 'andOnly'] as const).map((n) => scoreOf(n, kind));
        return `${kind} words: hit@5 ${a!.hit5.toFixed(3)} / substring ${b!.hit5.toFixed(3)} / every word ${c!.hit5.toFixed(3)}`;
      })
      .join('; ');

    const topics = Object.entries(CATEGORY_NAMES).filter(([category]) => sample.some((s) => s.input.categories?.includes(category)));
    progress(`${engine}: search quality, ${topics.length} category-name queries`);
    const precision = async (name: keyof typeof systems) => {
      let inCategory = 0;
      for (const [category, text] of topics) {
        const top = (await systems[name](text)).slice(0, 5);
        inCategory += top.filter((id) => categoriesOf.get(id)?.has(category)).length;
      }
      return inCategory / (topics.length * 5);
    };
    const [topicalOurs, topicalSub, topicalOld] = [await precision('paperboy'), await precision('substring'), await precision('andOnly')];

    const note = `${sample.length} arXiv papers of April 2007 (bench/samples). Baseline: arxiv-sanity-lite's search (serve.py, substring matches: 20 × title + 10 × authors + Σ min(3, abstract)) in TypeScript`;
    return [
      {
        measure: 'search quality: known item, hit@5',
        engine,
        papers: sample.length,
        samples: known.length,
        result: ours.hit5.toFixed(3),
        baseline: `substring ${sub.hit5.toFixed(3)}`,
        ratio: `${times(ours.hit5 / sub.hit5)} baseline`,
        target: '> substring',
        pass: ours.hit5 > sub.hit5,
        note: `${note}; previous search (every word required) hit@5 ${old.hit5.toFixed(3)}. MRR@10 ${ours.mrr.toFixed(3)} / substring ${sub.mrr.toFixed(3)} / every word ${old.mrr.toFixed(3)}. Queries: words of the paper plus one it lacks (from another paper of its archive), ${options.queries} of each kind; ${byKind}.`,
      },
      {
        measure: 'search quality: topical, precision@5',
        engine,
        papers: sample.length,
        samples: topics.length * 5,
        result: topicalOurs.toFixed(3),
        baseline: `substring ${topicalSub.toFixed(3)}`,
        ratio: `${times(topicalOurs / topicalSub)} baseline`,
        target: '> substring',
        pass: topicalOurs > topicalSub,
        note: `${note}; previous search ${topicalOld.toFixed(3)}. Queries: the names of ${topics.length} arXiv categories ("strongly correlated electrons"); a result counts when the paper is listed in that category.`,
      },
    ];
  } finally {
    await handle.close();
  }
}
