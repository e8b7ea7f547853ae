/**
 * `search` as a user types it, through `core.run` (so `searchPapers`, the trigram typo
 * fallback, vote lookups and the follow offer all count), against an `ILIKE '%…%'` scan
 * over title, abstract and authors — what a naive implementation would do — on the same
 * database in the same run; and, at the library level, against the search before relevance
 * ranking (bench/and-only-search.ts), query by query.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { searchTieBreak } from '../../src/core/commands/search.ts';
import { createCore } from '../../src/core/core.ts';
import { createStorage } from '../../src/db/storage.ts';
import { andOnlySearch } from '../and-only-search.ts';
import { authorName, CORPUS_LAST_DAY, Rng, rareTerm, Zipf } from '../corpus.ts';
import type { BenchDb } from '../datasets.ts';
import { BENCH_PLATFORM } from '../datasets.ts';
import { type BenchResult, progress, summarise, timeEach, times } from '../report.ts';
import { TOPICS } from '../vocab.ts';

export type QueryKind = 'term' | 'phrase' | 'author' | 'typo' | 'words';

export interface BenchQuery {
  kind: QueryKind;
  text: string;
  /** What the ILIKE baseline looks for. */
  needle: string;
}

const ONE_WORD = TOPICS.filter((t) => !t.includes(' '));
const TWO_WORDS = TOPICS.filter((t) => t.split(' ').length === 2);
const LONG_WORDS = TOPICS.flatMap((t) => t.split(/[\s-]+/)).filter((w) => /^[a-z]{7,}$/.test(w));

function typo(word: string, rng: Rng): string {
  const at = rng.int(1, word.length - 2);
  return rng.chance(0.5) ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}

/**
 * A realistic mix: 35 % single terms (topics by popularity, some rare method-like words),
 * 25 % two-word phrases (half "quoted"), 15 % author: filters (alone or with a topic),
 * 10 % misspellings that only the trigram fallback finds, 15 % longer natural queries.
 */
export function searchQueries(n: number, seed: number): BenchQuery[] {
  const rng = new Rng(seed);
  const oneWord = new Zipf(ONE_WORD.length, 0.9);
  const twoWords = new Zipf(TWO_WORDS.length, 0.9);
  const topics = new Zipf(TOPICS.length, 0.9);
  const authors = new Zipf(5000, 0.6);
  const rare = new Zipf(24_000, 1.05);
  const queries: BenchQuery[] = [];
  while (queries.length < n) {
    const roll = rng.next();
    if (roll < 0.35) {
      const text = rng.chance(0.75) ? ONE_WORD[oneWord.sample(rng)]! : rareTerm(rare.sample(rng));
      queries.push({ kind: 'term', text, needle: text });
    } else if (roll < 0.6) {
      const phrase = TWO_WORDS[twoWords.sample(rng)]!;
      queries.push({ kind: 'phrase', text: rng.chance(0.5) ? `"${phrase}"` : phrase, needle: phrase });
    } else if (roll < 0.75) {
      const name = authorName(authors.sample(rng));
      const last = name.split(' ').slice(1).join(' ');
      const text = rng.chance(0.4)
        ? `author:"${name}"`
        : rng.chance(0.5)
          ? `${ONE_WORD[oneWord.sample(rng)]} author:${last.includes(' ') ? `"${last}"` : last}`
          : `author:${last.includes(' ') ? `"${last}"` : last}`;
      queries.push({ kind: 'author', text, needle: last });
    } else if (roll < 0.85) {
      const word = typo(LONG_WORDS[Math.floor(rng.next() * LONG_WORDS.length)]!, rng);
      queries.push({ kind: 'typo', text: word, needle: word });
    } else {
      const a = TOPICS[topics.sample(rng)]!;
      const b = TOPICS[topics.sample(rng)]!;
      queries.push({ kind: 'words', text: `${a} ${rng.pick(['for', 'with', 'in'])} ${b}`, needle: a });
    }
  }
  return queries;
}

export interface SearchOptions {
  queries: number;
  baselineQueries: number;
  seed: number;
  /** Adds the ≤ target (ms) to the aggregate row. */
  p95Target?: number;
  /** Adds the ≥ N× faster than ILIKE target to the aggregate row. */
  speedupTarget?: number;
}

export async function benchSearch(bench: BenchDb, options: SearchOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  const core = createCore({ storage: createStorage(db), log: pino({ level: 'silent' }), clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const ctx = { recipient: { platform: BENCH_PLATFORM, externalId: 'searcher', kind: 'user' as const }, mayManage: async () => true };
  // The searcher exists and has voted, like a real user (votes are looked up per result page).
  await core.run('follow grokking', ctx);

  const warm = searchQueries(40, options.seed + 1);
  const queries = searchQueries(options.queries, options.seed);
  progress(`${bench.engine} ${bench.layout.size}: search, ${queries.length} queries (+${warm.length} warm-up)`);
  let failures = 0;
  let empty = 0;
  const run = async (q: BenchQuery) => {
    const answer = await core.run(`search ${q.text}`, ctx);
    if (answer.notice?.tone === 'error') failures++;
    if (answer.cards.length === 0) empty++;
  };
  await timeEach(warm, run);
  failures = 0;
  empty = 0;
  const samples = await timeEach(queries, run);

  const baselineSet = queries.slice(0, options.baselineQueries);
  progress(`${bench.engine} ${bench.layout.size}: ILIKE scan baseline, ${baselineSet.length} queries`);
  const baselineSamples = await timeEach(baselineSet, async (q) => {
    const like = `%${q.needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    await sql`
      select id, title, upvotes from papers
      where title ilike ${like} or abstract ilike ${like} or paperboy_join(authors) ilike ${like}
      order by upvotes desc, id limit 11`.execute(db);
  });
  // The previous search (every word required, newest first in tiers) on the same queries, at the
  // library level both, one after the other for each query so that both see the same load.
  progress(`${bench.engine} ${bench.layout.size}: previous search baseline, ${queries.length} queries`);
  const storage = createStorage(db);
  const tieBreak = searchTieBreak(undefined, { ...storage, clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const ranked: number[] = [];
  const previous: number[] = [];
  for (const [i, q] of queries.entries()) {
    const { text, authors } = splitQuery(q.text);
    const time = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };
    const runRanked = () => time(() => storage.papers.search({ text, authors, limit: 5, offset: 0, tieBreak }));
    const runPrevious = () => time(() => andOnlySearch(db, { text, authors, limit: 5, offset: 0 }));
    // Whichever runs second finds the query's pages cached: alternate which goes first.
    if (i % 2 === 0) {
      ranked.push(await runRanked());
      previous.push(await runPrevious());
    } else {
      previous.push(await runPrevious());
      ranked.push(await runRanked());
    }
  }
  const subsetSearch = summarise(samples.slice(0, baselineSet.length));
  const base = summarise(baselineSamples);
  const all = summarise(samples);
  const speedup = base.p50 / all.p50;

  const targets: string[] = [];
  let pass: boolean | undefined;
  if (options.p95Target !== undefined) {
    targets.push(`p95 ≤ ${options.p95Target} ms`);
    pass = all.p95 <= options.p95Target;
  }
  if (options.speedupTarget !== undefined) {
    targets.push(`≥ ${options.speedupTarget}× ILIKE`);
    pass = (pass ?? true) && speedup >= options.speedupTarget;
  }
  if (failures > 0) pass = false;

  const rows: BenchResult[] = [
    {
      measure: 'search (mixed queries)',
      engine: bench.engine,
      papers: bench.layout.size,
      ...all,
      result: `p95 ${all.p95.toFixed(1)} ms`,
      baseline: `ILIKE p50 ${base.p50.toFixed(0)} ms`,
      ratio: `${times(speedup)} faster`,
      target: targets.join(', ') || 'info',
      ...(pass === undefined ? {} : { pass }),
      note: `${queries.length} queries (${countKinds(queries)}); ${empty} returned no papers${failures ? `; ${failures} ERROR answers` : ''}. Ratio = ILIKE p50 over search p50; on the same ${baselineSet.length} queries search p50 was ${subsetSearch.p50.toFixed(1)} ms.`,
    },
  ];
  const rankedSummary = summarise(ranked);
  const previousSummary = summarise(previous);
  rows.push({
    measure: '  search: ranked vs previous (library)',
    engine: bench.engine,
    papers: bench.layout.size,
    ...rankedSummary,
    result: `p95 ${rankedSummary.p95.toFixed(1)} ms`,
    baseline: `previous p95 ${previousSummary.p95.toFixed(1)} ms`,
    ratio: `${(rankedSummary.p95 / previousSummary.p95).toFixed(2)}× previous p95`,
    target: 'info',
    note: `PaperLibrary.search as \`search\` calls it (page 1, the command's tie-break) against the search before relevance ranking (bench/and-only-search.ts: every word required, tiers, newest first), query by query in turn (alternating which goes first), the same ${queries.length} queries; previous p50 ${previousSummary.p50.toFixed(1)} ms, ranked p50 ${rankedSummary.p50.toFixed(1)} ms.`,
  });
  for (const kind of ['term', 'phrase', 'author', 'typo', 'words'] as const) {
    const kindSamples = samples.filter((_, i) => queries[i]!.kind === kind);
    if (kindSamples.length === 0) continue;
    const s = summarise(kindSamples);
    rows.push({
      measure: `  search: ${kind}`,
      engine: bench.engine,
      papers: bench.layout.size,
      ...s,
      result: `p95 ${s.p95.toFixed(1)} ms`,
      baseline: '–',
      ratio: '–',
      target: 'info',
    });
  }
  return rows;
}

/** A query as the search command splits it: its `author:` filters and the rest. */
function splitQuery(query: string): { text: string; authors: string[] } {
  const filters = /(?:^|\s)author:(?:"([^"]*)"|(\S+))/gi;
  const authors = [...query.matchAll(filters)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter((name) => name !== '');
  return { text: query.replace(filters, ' ').replace(/\s+/g, ' ').trim(), authors };
}

function countKinds(queries: readonly BenchQuery[]): string {
  const counts = new Map<string, number>();
  for (const q of queries) counts.set(q.kind, (counts.get(q.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
