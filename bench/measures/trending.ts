/**
 * `trending` as a user asks for it, through `core.run` (the window's most upvoted papers from
 * papers_newest_idx, then the page's papers and the asker's votes), against the obvious query
 * that reads the window's papers whole and sorts them (`select *`), on the same database in the
 * same run.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { createCore } from '../../src/core/core.ts';
import { createStorage } from '../../src/db/storage.ts';
import { CORPUS_LAST_DAY, Rng } from '../corpus.ts';
import { BENCH_PLATFORM, type BenchDb } from '../datasets.ts';
import { type BenchResult, progress, summarise, timeEach, times } from '../report.ts';

export interface TrendingOptions {
  requests: number;
  seed: number;
  p95Target?: number;
}

export async function benchTrending(bench: BenchDb, options: TrendingOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  const core = createCore({ storage: createStorage(db), log: pino({ level: 'silent' }), clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const ctx = { recipient: { platform: BENCH_PLATFORM, externalId: 'trending', kind: 'user' as const }, mayManage: async () => true };
  const rng = new Rng(options.seed + 23);
  // 70 % the week, 30 % the month; one in five asks for page 2.
  const requests = Array.from({ length: options.requests }, () => `trending ${rng.chance(0.7) ? 'week' : 'month'}${rng.chance(0.2) ? ' 2' : ''}`);
  progress(`${bench.engine} ${bench.layout.size}: trending, ${requests.length} requests (+20 warm-up)`);
  let empty = 0;
  await timeEach(requests.slice(0, 20), (text) => core.run(text, ctx));
  const samples = await timeEach(requests, async (text) => {
    if ((await core.run(text, ctx)).cards.length === 0) empty++;
  });
  const baselineSet = requests.slice(0, 20);
  const baseline = await timeEach(baselineSet, async (text) => {
    const days = text.includes('month') ? 30 : 7;
    await sql`
      select * from papers where listed_on > ${CORPUS_LAST_DAY}::date - ${days}::integer and listed_on <= ${CORPUS_LAST_DAY}::date and upvotes > 0
      order by upvotes desc, listed_on desc, id limit 6 offset ${text.endsWith(' 2') ? 5 : 0}`.execute(db);
  });
  const all = summarise(samples);
  const base = summarise(baseline);
  const target = options.p95Target;
  return [
    {
      measure: 'trending',
      engine: bench.engine,
      papers: bench.layout.size,
      ...all,
      result: `p95 ${all.p95.toFixed(1)} ms`,
      baseline: `select * p50 ${base.p50.toFixed(1)} ms`,
      ratio: `${times(all.p50 / base.p50)} the bare query`,
      target: target === undefined ? 'info' : `p95 ≤ ${target} ms`,
      ...(target === undefined ? {} : { pass: all.p95 <= target && empty === 0 }),
      note: `${requests.length} requests (70 % week, 30 % month, 20 % page 2); ${empty} answers had no card. Baseline: the window's papers read whole and sorted (select *), one statement with no votes or rendering, on ${baselineSet.length} of the same requests: what the command adds to the read itself.`,
    },
  ];
}
