/**
 * Benchmark databases: one per (engine, corpus size), loaded through the real
 * `PaperLibrary.store` path and kept between runs (a 1M-paper load takes minutes), rebuilt when
 * the corpus generator changes or with `--fresh`. Postgres ones are databases named
 * `paperboy_bench_<size>` on the server of DATABASE_URL, marked by a database comment;
 * PGlite ones are data directories under the OS temp dir, marked by a file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { createDb, type DbHandle } from '../src/db/create-db.ts';
import type { Database } from '../src/db/schema.ts';
import { createStorage } from '../src/db/storage.ts';
import { CORPUS_VERSION, type CorpusLayout, corpusBatches, corpusLayout } from './corpus.ts';
import { count, type EngineName, progress } from './report.ts';

export const BENCH_PLATFORM = 'bench';

export interface BenchDb {
  handle: DbHandle;
  engine: EngineName;
  layout: CorpusLayout;
  /** For Postgres: the URL of this database (to hand to a spawned `paperboy start`). */
  url?: string;
  /** For PGlite: the data directory. */
  dataDir?: string;
  /** When the corpus was loaded in this run: per-1000-paper batch times (ms) and the total. */
  load?: { batchMs: number[]; totalMs: number };
}

export interface CorpusOptions {
  size: number;
  seed: number;
  fresh: boolean;
  databaseUrl?: string | undefined;
}

function marker(size: number, seed: number): string {
  return `paperboy-bench corpus v${CORPUS_VERSION} seed ${seed} size ${size}`;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops and recreates an empty database on the server of `adminUrl`; returns its URL. */
export async function freshPostgresDb(adminUrl: string, name: string): Promise<string> {
  await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(adminUrl, `create database ${name}`);
  return withDatabase(adminUrl, name);
}

/** Opens (loading first if needed) the corpus database of `size` papers on the engine. */
export async function openCorpusDb(engine: EngineName, options: CorpusOptions): Promise<BenchDb> {
  const layout = corpusLayout(options.size, options.seed);
  const want = marker(options.size, options.seed);
  if (engine === 'Postgres') {
    if (!options.databaseUrl) throw new Error('DATABASE_URL is needed for Postgres measures');
    // BENCH_DB_PREFIX: a prefix of one's own (copies of the corpora) when several branches with
    // different migrations measure on one server.
    const name = `${process.env.BENCH_DB_PREFIX?.trim() || 'paperboy_bench'}_${options.size}`;
    const url = withDatabase(options.databaseUrl, name);
    const rows = await adminQuery<{ comment: string | null }>(
      options.databaseUrl,
      'select shobj_description(oid, $1) as comment from pg_database where datname = $2',
      ['pg_database', name],
    );
    if (!options.fresh && rows[0]?.comment === want) {
      progress(`Postgres: reusing ${name} (${count(options.size)} papers)`);
      const handle = await reopen(() => createDb({ databaseUrl: url, poolSize: 4 }));
      await cleanBenchRows(handle);
      return { handle, engine, layout, url };
    }
    await freshPostgresDb(options.databaseUrl, name);
    const handle = await createDb({ databaseUrl: url, poolSize: 4 });
    const load = await loadCorpus(handle, layout, engine);
    await adminQuery(options.databaseUrl, `comment on database ${name} is '${want}'`);
    return { handle, engine, layout, url, load };
  }

  const dataDir = join(tmpdir(), 'paperboy-bench', `pglite-${options.size}`);
  const markerFile = join(dataDir, 'bench-corpus.txt');
  if (!options.fresh && existsSync(markerFile) && readFileSync(markerFile, 'utf8') === want) {
    progress(`PGlite: reusing ${dataDir} (${count(options.size)} papers)`);
    const handle = await reopen(() => createDb({ dataDir, command: 'npm run bench' }));
    await cleanBenchRows(handle);
    return { handle, engine, layout, dataDir };
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const handle = await createDb({ dataDir, command: 'npm run bench' });
  const load = await loadCorpus(handle, layout, engine);
  writeFileSync(markerFile, want);
  return { handle, engine, layout, dataDir, load };
}

/** Opens a stored corpus (migrating it); says what to do when its migrations no longer match the code's. */
async function reopen(open: () => Promise<DbHandle>): Promise<DbHandle> {
  try {
    return await open();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open the stored benchmark corpus (${message}); if a migration it ran was renamed or removed since, rerun with --fresh`);
  }
}

/** Loads the corpus through `PaperLibrary.store`, 1,000 papers a call, then vacuums and analyzes. */
export async function loadCorpus(handle: DbHandle, layout: CorpusLayout, engine: EngineName): Promise<{ batchMs: number[]; totalMs: number }> {
  progress(`${engine}: loading ${count(layout.size)} synthetic papers through papers.store`);
  const { papers } = createStorage(handle.db);
  const batchMs: number[] = [];
  let done = 0;
  let lastReport = performance.now();
  for (const batch of corpusBatches(layout, 1000)) {
    const started = performance.now();
    await papers.store(batch);
    batchMs.push(performance.now() - started);
    done += batch.length;
    if (performance.now() - lastReport > 15_000) {
      const elapsed = batchMs.reduce((a, b) => a + b, 0) / 1000;
      progress(`${engine}: ${count(done)} / ${count(layout.size)} papers (${Math.round(done / elapsed)} papers/s in upserts)`);
      lastReport = performance.now();
    }
  }
  const totalMs = batchMs.reduce((a, b) => a + b, 0);
  progress(`${engine}: loaded ${count(layout.size)} papers in ${(totalMs / 1000).toFixed(1)} s of upserts; vacuum analyze`);
  await sql`vacuum analyze papers`.execute(handle.db);
  return { batchMs, totalMs };
}

/** Removes what earlier (possibly interrupted) runs left: benchmark recipients and their rows. */
export async function cleanBenchRows(handle: DbHandle): Promise<void> {
  await removeRecipients(handle.db, `${BENCH_PLATFORM}%`);
}

/**
 * Deletes the recipients whose platform is like `platform`, and everything hanging off them.
 * Children go first, in set-based statements: the foreign keys' cascades run one query per
 * deleted row, planned once, and a plan made while the tables were empty (the statistics of
 * the previous run's clean-up) scanned 500,000 delivered papers for each of 100,000 recipients
 * (a clean-up that ran for over ten minutes). The cascades that remain get custom plans.
 */
export async function removeRecipients(db: Kysely<Database>, platform: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local plan_cache_mode = force_custom_plan`.execute(trx);
    const recipients = trx.selectFrom('recipients').select('id').where('platform', 'like', platform);
    const subscriptions = trx.selectFrom('subscriptions').select('id').where('recipient_id', 'in', recipients);
    await trx.deleteFrom('delivered_papers').where('recipient_id', 'in', recipients).execute();
    await trx.deleteFrom('deliveries').where('subscription_id', 'in', subscriptions).execute();
    await trx.deleteFrom('subscriptions').where('recipient_id', 'in', recipients).execute();
    await trx.deleteFrom('follows').where('recipient_id', 'in', recipients).execute();
    await trx.deleteFrom('feedback').where('recipient_id', 'in', recipients).execute();
    await trx.deleteFrom('recipients').where('platform', 'like', platform).execute();
  });
}
