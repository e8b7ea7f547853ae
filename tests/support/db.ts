import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { Storage } from '../../src/core/ports/storage.ts';
import { createDb, type DbHandle, type Engine } from '../../src/db/create-db.ts';
import type { Database } from '../../src/db/schema.ts';
import { createStorage } from '../../src/db/storage.ts';
import { adminQuery, withDatabase } from './global-setup.ts';

/** The engines this run covers: PGlite always, real Postgres when CI (or you) set TEST_DATABASE_URL. */
export const engines: Engine[] = inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];

/**
 * Opens a fresh, migrated database for one test file: a copy of the PGlite template
 * directory, or a new database cloned from the template on the real server.
 */
export async function openTestDb(engine: Engine): Promise<DbHandle> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-db-'));
    cpSync(inject('pgliteTemplateDir'), dir, { recursive: true });
    const handle = await createDb({ dataDir: dir, migrate: false, command: 'vitest' });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const template = inject('postgresTemplate');
  if (!template) throw new Error('TEST_DATABASE_URL is not set');
  const name = `paperboy_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(template.adminUrl, `create database ${name} template ${template.templateName}`);
  const handle = await createDb({ databaseUrl: withDatabase(template.adminUrl, name), migrate: false, poolSize: 4 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await adminQuery(template.adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Empties every table (keeping the migrations), so each test starts from a clean database. */
export async function truncateAll(db: Kysely<Database>): Promise<void> {
  await sql`truncate papers, vocabulary, recipients, follows, feedback, subscriptions, deliveries, delivered_papers, ingest_runs, action_tokens, content_terms, content_stats, content_vectors, content_postings, content_df_staging, mutes, recipient_profiles restart identity cascade`.execute(
    db,
  );
}

/**
 * Registers hooks that open one database for the enclosing describe block and empty it
 * before each test. Read `.db` and `.storage` (the ports over it) inside tests, not at
 * collection time.
 */
export function useTestDb(engine: Engine): { readonly db: Kysely<Database>; readonly storage: Storage; readonly handle: DbHandle } {
  let handle: DbHandle | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    handle = await openTestDb(engine);
    storage = createStorage(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(async () => {
    if (handle) await truncateAll(handle.db);
  });
  return {
    get db() {
      if (!handle) throw new Error('database not open yet: use it inside a test or hook');
      return handle.db;
    },
    get storage() {
      if (!storage) throw new Error('database not open yet: use it inside a test or hook');
      return storage;
    },
    get handle() {
      if (!handle) throw new Error('database not open yet: use it inside a test or hook');
      return handle;
    },
  };
}
