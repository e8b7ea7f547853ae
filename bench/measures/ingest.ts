/**
 * Ingestion through the real `PaperLibrary.store` / `storeInBulk`:
 * - bulk load: a fresh, migrated, empty database filled with `size` synthetic papers,
 *   1,000 a call (arXiv listing pages and imports arrive like this);
 * - a new day: 300 brand-new papers into the full corpus database (all indexes at full
 *   size), each day in a transaction that is rolled back so the corpus stays as it is;
 * - a re-ingest of the corpus's newest day, which is stored already: rows written are read
 *   from the transaction's own statistics (pg_stat_get_xact_tuples_inserted/updated), so
 *   nothing is inferred from the function's own return value alone.
 * Baseline: the same papers upserted one per call (what a naive per-item loop costs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { PaperInput } from '../../src/core/paper.ts';
import type { StoreResult } from '../../src/core/ports/paper-library.ts';
import { createDb, type DbHandle } from '../../src/db/create-db.ts';
import type { Database } from '../../src/db/schema.ts';
import { createStorage } from '../../src/db/storage.ts';
import { CORPUS_LAST_DAY, corpusBatches, corpusLayout, dayPapers, newDayPapers } from '../corpus.ts';
import { adminQuery, type BenchDb, freshPostgresDb, loadCorpus } from '../datasets.ts';
import { type BenchResult, count, type EngineName, progress, rate, summarise, times } from '../report.ts';

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back; returns what it returned. */
async function rolledBack<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  let out: T | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      out = await work(trx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return out as T;
}

interface Written {
  inserted: number;
  updated: number;
  result: StoreResult;
  ms: number;
}

/** This transaction's own row counts on papers (PGlite's single backend may carry earlier ones, hence before/after). */
async function xactWrites(trx: Kysely<Database>): Promise<{ inserted: number; updated: number }> {
  const { rows } = await sql<{ inserted: number; updated: number }>`
    select pg_stat_get_xact_tuples_inserted('papers'::regclass)::int as inserted,
           pg_stat_get_xact_tuples_updated('papers'::regclass)::int as updated`.execute(trx);
  return rows[0]!;
}

async function upsertCounting(trx: Kysely<Database>, papers: PaperInput[]): Promise<Written> {
  const before = await xactWrites(trx);
  const started = performance.now();
  // Over the transaction, store joins it rather than opening its own.
  const result = await createStorage(trx).papers.store(papers);
  const ms = performance.now() - started;
  const after = await xactWrites(trx);
  return { inserted: after.inserted - before.inserted, updated: after.updated - before.updated, result, ms };
}

export interface IngestOptions {
  /** Papers in the bulk load. */
  bulkSize: number;
  /** New days ingested into the corpus (each rolled back). */
  days: number;
  seed: number;
  databaseUrl?: string | undefined;
  /** Papers/s target, on Postgres. */
  rateTarget?: number;
}

/** A fresh, migrated database of the engine for a bulk measure, and how to drop it. */
async function scratchDb(engine: EngineName, name: string, databaseUrl: string | undefined): Promise<{ handle: DbHandle; cleanup: () => Promise<void> }> {
  if (engine === 'Postgres') {
    const adminUrl = databaseUrl!;
    const handle = await createDb({ databaseUrl: await freshPostgresDb(adminUrl, name), poolSize: 4 });
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const handle = await createDb({ dataDir: dir, command: 'npm run bench' });
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Bulk loads into empty databases of the engine: one writer with `papers.store` 1,000 papers
 * a call (each its own transaction), then the import path, `papers.storeInBulk` with two
 * writers, 10,000 papers a call, on the same papers.
 */
export async function benchBulkLoad(engine: EngineName, options: IngestOptions): Promise<BenchResult[]> {
  const layout = corpusLayout(options.bulkSize, options.seed);
  let load: { batchMs: number[]; totalMs: number };
  let singleRate: number;
  const one = await scratchDb(engine, 'paperboy_bench_ingest', options.databaseUrl);
  try {
    load = await loadCorpus(one.handle, layout, engine);
    // Baseline: the next 500 papers of a bigger corpus (so they are new), one per call.
    const extra = corpusLayout(options.bulkSize + 500, options.seed + 1);
    const papers: PaperInput[] = [];
    for (let i = 0; i < 500; i++) papers.push({ ...newDayPapers(extra, 1, 200 + i)[0]! });
    const started = performance.now();
    const library = createStorage(one.handle.db).papers;
    for (const paper of papers) await library.store([paper]);
    singleRate = papers.length / ((performance.now() - started) / 1000);
  } finally {
    await one.cleanup();
  }
  const loadRate = options.bulkSize / (load.totalMs / 1000);

  const two = await scratchDb(engine, 'paperboy_bench_import', options.databaseUrl);
  try {
    progress(`${engine}: importing ${count(options.bulkSize)} papers through papers.storeInBulk, 2 writers`);
    const library = createStorage(two.handle.db).papers;
    const callMs: number[] = [];
    for (const chunk of corpusBatches(layout, 10_000)) {
      const started = performance.now();
      await library.storeInBulk(chunk, { writers: 2 });
      callMs.push(performance.now() - started);
    }
    const perSecond = options.bulkSize / (callMs.reduce((a, b) => a + b, 0) / 1000);
    const target = engine === 'Postgres' ? options.rateTarget : undefined;
    return [
      bulkRow(engine, options.bulkSize, load, singleRate),
      {
        measure: 'ingest: import, 2 writers',
        engine,
        papers: options.bulkSize,
        ...summarise(callMs),
        result: rate(perSecond, 'papers'),
        baseline: `1 writer ${rate(loadRate, 'papers')}`,
        ratio: `${times(perSecond / loadRate)} faster`,
        target: target === undefined ? 'info' : `≥ ${target.toLocaleString('en-US')} papers/s`,
        ...(target === undefined ? {} : { pass: perSecond >= target }),
        note: 'p50/p95/max are per 10,000-paper papers.storeInBulk call (batches of 1,000, each its own transaction, two at a time on two connections) into an empty, migrated database; the baseline is the 1,000-per-call load of the same papers in the same run.',
      },
    ];
  } finally {
    await two.cleanup();
  }
}

/** The one-writer bulk load: the import row's baseline, and the corpus load of a fresh corpus. */
export function bulkRow(engine: EngineName, size: number, load: { batchMs: number[]; totalMs: number }, singleRate: number | undefined): BenchResult {
  const perSecond = size / (load.totalMs / 1000);
  return {
    measure: 'ingest: bulk load, 1,000 per call',
    engine,
    papers: size,
    ...summarise(load.batchMs),
    result: rate(perSecond, 'papers'),
    baseline: singleRate === undefined ? '–' : `1 per call ${rate(singleRate, 'papers')}`,
    ratio: singleRate === undefined ? '–' : `${times(perSecond / singleRate)} faster`,
    target: 'info',
    note: 'p50/p95/max are per 1,000-paper papers.store call (one transaction, one writer) into an empty, migrated database that grows to the size shown.',
  };
}

/** A new day into the corpus, and a re-ingest of its newest day. */
export async function benchDailyIngest(bench: BenchDb, options: IngestOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  progress(`${bench.engine} ${bench.layout.size}: ingest ${options.days} new days of 300 papers (rolled back) and re-ingest ${CORPUS_LAST_DAY}`);
  const fresh: Written[] = [];
  for (let k = 0; k < options.days; k++) {
    fresh.push(await rolledBack(db, (trx) => upsertCounting(trx, newDayPapers(bench.layout, 300, k))));
  }
  const stored = dayPapers(bench.layout, CORPUS_LAST_DAY);
  const again: Written[] = [];
  for (let k = 0; k < options.days; k++) again.push(await rolledBack(db, (trx) => upsertCounting(trx, stored)));
  // The rolled-back rows are dead entries at the head of the newest-first index, which the next
  // run's searches would step over; leave the stored corpus as it was loaded.
  await sql`vacuum papers`.execute(db);

  const s = summarise(fresh.map((w) => w.ms));
  const perSecond = 300 / (s.p50 / 1000);
  const firstWritten = fresh[0]!.inserted + fresh[0]!.updated;
  const rewritten = Math.max(...again.map((w) => w.inserted + w.updated));
  const reported = Math.max(...again.map((w) => w.result.inserted + w.result.updated));
  const r = summarise(again.map((w) => w.ms));
  return [
    {
      measure: 'ingest: a new day (300 papers)',
      engine: bench.engine,
      papers: bench.layout.size,
      ...s,
      result: `${s.p50.toFixed(0)} ms a day (${rate(perSecond, 'papers')})`,
      baseline: '–',
      ratio: '–',
      // A day is one transaction, so one backend: its latency is what anyone notices. The
      // throughput target is the import row's.
      target: 'info',
      note: `one papers.store call per day into the full corpus (one transaction, as an ingest run stores a day), each rolled back; rate from the p50 day; ${firstWritten} rows written per day.`,
    },
    {
      measure: 're-ingest of a stored day',
      engine: bench.engine,
      papers: bench.layout.size,
      ...r,
      result: `${rewritten} rows written`,
      baseline: `new day: ${firstWritten} written`,
      ratio: `${times(s.p50 / r.p50)} faster`,
      target: '0 rows written',
      pass: rewritten === 0 && reported === 0 && stored.length === 300,
      note: `the ${stored.length} papers of ${CORPUS_LAST_DAY} upserted again as HF would resend them; rows written per pg_stat_get_xact_tuples_inserted+updated (papers.store reported ${reported}).`,
    },
  ];
}
