import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

const DATE_OID = 1082;
const INT8_OID = 20;

/** Dates stay 'YYYY-MM-DD' strings (no timezone shifts); counts come back as numbers. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export type Engine = 'pglite' | 'postgres';

export interface DbOptions {
  /** A postgres:// URL; when set, a real server is used instead of the embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite folder (holds `pgdata/` and the process lock); ':memory:' for a throwaway database. */
  dataDir?: string;
  /** Who is opening the embedded database, shown to a second process that finds it locked. */
  command?: string;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /** Pool size for a real server (default 10; PGlite is always one connection). */
  poolSize?: number;
}

export interface DbHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** Where the data lives, for messages: the data directory or the server's host/database. */
  location: string;
  close(): Promise<void>;
}

/**
 * Opens the database: PGlite in a data directory by default, a real PostgreSQL server
 * when `databaseUrl` is set. Both are driven by the same Kysely PostgresDialect over
 * node-postgres, so every query and migration runs unchanged on either.
 */
export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  const handle = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPglite(options.dataDir ?? 'data', options.command ?? 'paperboy');
  if (handle.engine === 'postgres') {
    // A server that is down or refuses us: one clear message naming it (never the password),
    // rather than whatever the first migration query happens to report.
    try {
      await sql`select 1`.execute(handle.db);
    } catch (error) {
      await handle.close();
      throw new Error(`cannot reach the database at ${handle.location}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(handle.db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

function openPostgres(databaseUrl: string, max: number): DbHandle {
  // JIT off: paperboy's queries are short, and on large tables their cost estimates pass
  // jit_above_cost, so the server spent longer compiling (1.6 s for a 200-digest batch on
  // 1M papers) than running them. See docs/benchmarks.md.
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types, options: '-c jit=off' });
  // A client losing its server must not crash the process: an idle one is replaced by the
  // pool; a checked-out one fails its query, and the pool drops it when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  return {
    db,
    engine: 'postgres',
    location: `${url.hostname}:${url.port || 5432}${url.pathname}`,
    close: () => db.destroy(),
  };
}

async function openPglite(dataDir: string, command: string): Promise<DbHandle> {
  const inMemory = dataDir === ':memory:';
  const release = inMemory ? () => {} : lockDataDir(resolve(dataDir), command);
  try {
    // Loaded only for the embedded database: the PGlite package alone is ~45 MB of RSS that a
    // process on a real server would carry for nothing (docs/benchmarks.md).
    const [{ PGlite }, { pg_trgm }, { btree_gin }, { unaccent }, { createPgConfig }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/btree_gin'),
      import('@electric-sql/pglite/contrib/unaccent'),
      import('@electric-sql/pglite/node-postgres'),
    ]);
    const lite = await PGlite.create(inMemory ? 'memory://' : join(resolve(dataDir), 'pgdata'), {
      extensions: { pg_trgm, btree_gin, unaccent },
    });
    const pool = new pg.Pool({ ...createPgConfig(lite), types });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      engine: 'pglite',
      location: inMemory ? ':memory:' : resolve(dataDir),
      async close() {
        await db.destroy();
        await lite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
