/**
 * `npm run bench [-- --quick] [-- --only search,today] [-- --fresh]`
 *
 * Loads synthetic corpora through the real ingestion path and measures the targets of
 * issue 6 on PGlite and, when DATABASE_URL is set, on real Postgres. Prints one table on
 * stdout (Markdown, pasteable into docs/benchmarks.md); progress goes to stderr.
 * `--quick` uses small sizes and finishes in under two minutes on two cores.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CORPUS_LAST_DAY, DEFAULT_SEED } from './corpus.ts';
import { adminQuery, freshPostgresDb, openCorpusDb } from './datasets.ts';
import { benchDigest } from './measures/digest.ts';
import { benchFanout } from './measures/fanout.ts';
import { benchForYou } from './measures/foryou.ts';
import { benchBulkLoad, benchDailyIngest, bulkRow } from './measures/ingest.ts';
import { benchRecommendQuality } from './measures/recommend.ts';
import { benchRss } from './measures/rss.ts';
import { benchSearch } from './measures/search.ts';
import { benchSearchQuality } from './measures/search-quality.ts';
import { benchSimilar, benchSimilarQuality } from './measures/similar.ts';
import { benchToday } from './measures/today.ts';
import { benchTrending } from './measures/trending.ts';
import { type BenchResult, count, type EngineName, progress, renderTable } from './report.ts';

const MEASURES = ['search', 'search-quality', 'trending', 'today', 'foryou', 'similar', 'recommend', 'ingest', 'rss', 'digest', 'fanout'] as const;
type Measure = (typeof MEASURES)[number];

const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));

const sizeList = z
  .string()
  .transform((text) => text.split(',').map((s) => Number(s.trim().replace(/k$/i, '000').replace(/m$/i, '000000'))))
  .pipe(z.array(z.number().int().min(300).max(5_000_000)).min(1));

const flagsSchema = z.object({
  quick: z.boolean().default(false),
  fresh: z.boolean().default(false),
  reindex: z.boolean().default(false),
  only: list(MEASURES).optional(),
  engines: list(['pglite', 'postgres'] as const).optional(),
  'pglite-sizes': sizeList.optional(),
  'postgres-sizes': sizeList.optional(),
  seed: z.coerce.number().int().default(DEFAULT_SEED),
  help: z.boolean().default(false),
});

const USAGE = `npm run bench [-- options]
  --quick                 small sizes (10k papers), under two minutes on two cores
  --only a,b              measures: ${MEASURES.join(', ')} (default all)
  --engines a,b           postgres, pglite (default: postgres when DATABASE_URL is set, then pglite)
  --pglite-sizes 100k,10k corpus sizes on PGlite, in this order (default quick 10k; full 100k,10k)
  --postgres-sizes …      corpus sizes on Postgres, in this order (default quick 10k; full 1M,100k,10k)
  --fresh                 reload stored benchmark corpora even when they are current
  --reindex               time a full content reindex of each corpus even when it is indexed already
  --seed N                corpus and query seed (default ${DEFAULT_SEED})
Postgres measures run when DATABASE_URL is set (a server where databases may be created).
Corpora are kept in databases paperboy_bench_<size> (BENCH_DB_PREFIX changes the prefix) and
PGlite directories under the OS temp dir (TMPDIR moves them).`;

/** The targets from issue 6. */
const TARGETS = {
  searchPostgres1M: { p95: 15, speedup: 50 },
  searchPglite100k: { p95: 60 },
  /** Issue 12: with 200 votes (a learned profile) and 10 follows; was 20 ms with 20 votes and no profile. */
  today1M: { p95: 25 },
  foryouWeek1M: { p95: 60 },
  /** Issue 12: like `today`, one window of days. */
  trending1M: { p95: 20 },
  ingestRate: 5000,
  similarPostgres1M: { p95: 50 },
  similarPglite100k: { p95: 100 },
  reindexPostgres1MMinutes: 10,
  digestSeconds: 30,
  rssMb: 200,
} as const;

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean' },
        fresh: { type: 'boolean' },
        reindex: { type: 'boolean' },
        only: { type: 'string' },
        engines: { type: 'string' },
        'pglite-sizes': { type: 'string' },
        'postgres-sizes': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const flags = parsed.data;
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  // Postgres first and, within an engine, the largest corpus first (the target sizes): smaller
  // corpora measured before share the server's 128 MB buffer cache and evicted the million-paper
  // corpus's pages (search p95 at 1M read 16.7–18.6 ms after them, 12–13.5 ms before them), and
  // PGlite leaves a large WASM heap in this process.
  const engines: EngineName[] = (flags.engines ?? (databaseUrl ? ['postgres', 'pglite'] : ['pglite'])).map((e) => (e === 'pglite' ? 'PGlite' : 'Postgres'));
  if (engines.includes('Postgres') && !databaseUrl) {
    process.stderr.write('Postgres measures need DATABASE_URL.\n');
    return 2;
  }
  const want = (m: Measure) => !flags.only || flags.only.includes(m);
  const quick = flags.quick;
  const sizes: Record<EngineName, number[]> = {
    PGlite: flags['pglite-sizes'] ?? (quick ? [10_000] : [100_000, 10_000]),
    Postgres: flags['postgres-sizes'] ?? (quick ? [10_000] : [1_000_000, 100_000, 10_000]),
  };
  const started = performance.now();
  const results: BenchResult[] = [];
  const record = (...rows: BenchResult[]) => {
    results.push(...rows);
    for (const r of rows) progress(`  ${r.measure.trim()} (${r.engine}, ${count(r.papers)}): ${r.result}${r.pass === undefined ? '' : r.pass ? ' ✓' : ' ✗'}`);
  };
  const printTable = (interrupted: boolean) => {
    const minutes = (performance.now() - started) / 60_000;
    const kind = `${quick ? 'quick' : 'full'} run${interrupted ? ', INTERRUPTED' : ''}`;
    process.stdout.write(`\n## paperboy benchmarks (${kind}, ${new Date().toISOString().slice(0, 16)}Z, ${minutes.toFixed(1)} min)\n\n`);
    process.stdout.write(`${renderTable(results)}\n`);
    const failed = results.filter((r) => r.pass === false);
    process.stdout.write(
      `\n${results.filter((r) => r.pass === true).length} targets met, ${failed.length} missed${failed.length ? `: ${failed.map((r) => `${r.measure} (${r.engine}, ${count(r.papers)})`).join('; ')}` : ''}.\n`,
    );
  };
  // A long run stopped with Ctrl-C or a signal still prints what it measured.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      printTable(true);
      process.exit(130);
    });
  }
  progress(`${quick ? 'quick' : 'full'} run; engines ${engines.join(', ')}; measures ${MEASURES.filter(want).join(', ')}`);

  for (const engine of engines) {
    for (const size of sizes[engine]) {
      const perSize = want('search') || want('trending') || want('today') || want('foryou') || want('similar') || want('ingest');
      if (!perSize && size !== Math.max(...sizes[engine])) continue;
      if (!perSize && !want('rss') && !want('digest') && !want('fanout')) break;
      const bench = await openCorpusDb(engine, { size, seed: flags.seed, fresh: flags.fresh, databaseUrl });
      try {
        if (bench.load && want('ingest')) record({ ...bulkRow(engine, size, bench.load, undefined), measure: 'ingest: corpus load, 1,000 per call' });
        if (want('search')) {
          const isTarget1M = engine === 'Postgres' && size === 1_000_000;
          const isTarget100k = engine === 'PGlite' && size === 100_000;
          record(
            ...(await benchSearch(bench, {
              queries: quick ? 150 : 300,
              baselineQueries: 10,
              seed: flags.seed,
              ...(isTarget1M ? { p95Target: TARGETS.searchPostgres1M.p95, speedupTarget: TARGETS.searchPostgres1M.speedup } : {}),
              ...(isTarget100k ? { p95Target: TARGETS.searchPglite100k.p95 } : {}),
            })),
          );
        }
        if (want('trending')) {
          const isTarget = engine === 'Postgres' && size === 1_000_000;
          record(...(await benchTrending(bench, { requests: quick ? 60 : 200, seed: flags.seed, ...(isTarget ? { p95Target: TARGETS.trending1M.p95 } : {}) })));
        }
        if (want('today')) {
          const isTarget = engine === 'Postgres' && size === 1_000_000;
          record(...(await benchToday(bench, { requests: quick ? 60 : 200, seed: flags.seed, ...(isTarget ? { p95Target: TARGETS.today1M.p95 } : {}) })));
        }
        if (want('foryou')) {
          const isTarget = engine === 'Postgres' && size === 1_000_000;
          record(...(await benchForYou(bench, { requests: quick ? 60 : 200, seed: flags.seed, ...(isTarget ? { p95Target: TARGETS.foryouWeek1M.p95 } : {}) })));
        }
        if (want('similar')) {
          const isTarget1M = engine === 'Postgres' && size === 1_000_000;
          const isTarget100k = engine === 'PGlite' && size === 100_000;
          record(
            ...(await benchSimilar(bench, {
              requests: quick ? 100 : 300,
              baselineQueries: size >= 1_000_000 ? 3 : 10,
              recallQueries: quick ? 20 : 50,
              seed: flags.seed,
              reindex: flags.reindex,
              ...(isTarget1M ? { p95Target: TARGETS.similarPostgres1M.p95, reindexTargetMinutes: TARGETS.reindexPostgres1MMinutes } : {}),
              ...(isTarget100k ? { p95Target: TARGETS.similarPglite100k.p95 } : {}),
            })),
          );
        }
        if (want('digest') && size === Math.max(...sizes[engine])) {
          // 100k subscribers on Postgres (the target); fewer on PGlite, an embedded single-user database.
          const subscribers = quick ? 2000 : engine === 'Postgres' ? 100_000 : 10_000;
          const isTarget = engine === 'Postgres' && subscribers === 100_000;
          record(...(await benchDigest(bench, { subscribers, seed: flags.seed, ...(isTarget ? { targetSeconds: TARGETS.digestSeconds } : {}) })));
        }
        // Fan-out once: on Postgres when there is one, else PGlite, with the engine's largest corpus.
        const fanoutEngine: EngineName = engines.includes('Postgres') ? 'Postgres' : 'PGlite';
        if (want('fanout') && engine === fanoutEngine && size === Math.max(...sizes[engine])) {
          record(...(await benchFanout(bench, { digests: quick ? 300 : 10_000, seed: flags.seed })));
          // Channel-heavy: three in four digests to channels (multi-message posts, ≤ 20 messages a minute each).
          record(...(await benchFanout(bench, { digests: quick ? 300 : 3000, seed: flags.seed, channelShare: 0.75 })));
        }
        if (want('ingest')) {
          record(...(await benchDailyIngest(bench, { bulkSize: 0, days: quick ? 3 : 10, seed: flags.seed, databaseUrl, rateTarget: TARGETS.ingestRate })));
        }
      } finally {
        await bench.handle.close();
      }
      // RSS with the largest corpus of the engine stored (the bench's own handle is closed: PGlite allows one process).
      if (want('rss') && size === Math.max(...sizes[engine])) {
        record(...(await rssFor(engine, bench.url, bench.dataDir, size, databaseUrl, quick)));
      }
    }
    if (want('ingest')) {
      record(
        ...(await benchBulkLoad(engine, {
          bulkSize: quick || engine === 'PGlite' ? 10_000 : 100_000,
          days: 0,
          seed: flags.seed + 7,
          databaseUrl,
          rateTarget: TARGETS.ingestRate,
        })),
      );
    }
  }

  // Quality does not depend on the engine or the corpus: once, on real papers.
  if (want('similar')) record(...(await benchSimilarQuality({ batch: 200, svmQueries: quick ? 50 : 200 })));
  // Simulated users on the same real papers, in-memory: no corpus needed.
  if (want('recommend')) {
    record(
      ...(await benchRecommendQuality({
        seed: flags.seed,
        days: 30,
        lastDay: CORPUS_LAST_DAY,
        evalDays: 5,
        usersPerCategory: quick ? 3 : 10,
        pairUsers: quick ? 30 : 80,
      })),
    );
  }
  if (want('search-quality')) record(...(await benchSearchQuality({ queries: quick ? 100 : 250, seed: flags.seed })));

  printTable(false);
  return 0;
}

async function rssFor(
  engine: EngineName,
  url: string | undefined,
  dataDir: string | undefined,
  size: number,
  databaseUrl: string | undefined,
  quick: boolean,
): Promise<BenchResult[]> {
  const settleMs = quick ? 3000 : 8000;
  if (engine === 'Postgres') {
    // The issue's target is for 1M papers on Postgres; stored papers should not change RSS, so it is checked at every size.
    const targetMb = TARGETS.rssMb;
    const emptyUrl = await freshPostgresDb(databaseUrl!, 'paperboy_bench_empty');
    try {
      return await benchRss(engine, size, { databaseUrl: url }, { databaseUrl: emptyUrl }, { settleMs, targetMb });
    } finally {
      await adminQuery(databaseUrl!, 'drop database if exists paperboy_bench_empty with (force)');
    }
  }
  const emptyDir = mkdtempSync(join(tmpdir(), 'paperboy-bench-empty-'));
  try {
    return await benchRss(engine, size, { dataDir }, { dataDir: emptyDir }, { settleMs });
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
