import { inject } from 'vitest';
import { createDb, type DbHandle, type Engine } from '../../src/db/create-db.ts';
import { templateDataDir } from './cli.ts';
import { openTestDb } from './db.ts';
import { withDatabase } from './global-setup.ts';

/** A fresh, migrated database for whole paperboy processes (children or app instances), on one engine. */
export interface AppDatabase {
  /** What to put in a paperboy environment to use it: PAPERBOY_DATA_DIR or DATABASE_URL. */
  env: Record<string, string>;
  /** Opens a handle of our own (on PGlite only while no paperboy process holds the directory). */
  open(): Promise<DbHandle>;
  /** Runs `work` on a handle of our own and closes it. */
  use<T>(work: (handle: DbHandle) => Promise<T>): Promise<T>;
  remove(): Promise<void>;
}

/**
 * A copy of the PGlite template directory, or a new database cloned from the template on the
 * real server (TEST_DATABASE_URL), for tests that run paperboy as a child process or as
 * several app instances.
 */
export async function appDatabase(engine: Engine): Promise<AppDatabase> {
  let env: Record<string, string>;
  let open: () => Promise<DbHandle>;
  let remove: () => Promise<void>;
  if (engine === 'pglite') {
    const data = templateDataDir();
    env = { PAPERBOY_DATA_DIR: data.dataDir };
    open = () => createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    remove = async () => data.remove();
  } else {
    const template = inject('postgresTemplate');
    if (!template) throw new Error('TEST_DATABASE_URL is not set');
    const owner = await openTestDb('postgres');
    const url = withDatabase(template.adminUrl, owner.location.slice(owner.location.indexOf('/') + 1));
    env = { DATABASE_URL: url };
    open = () => createDb({ databaseUrl: url, migrate: false, poolSize: 2 });
    remove = () => owner.close();
  }
  return {
    env,
    open,
    async use(work) {
      const handle = await open();
      try {
        return await work(handle);
      } finally {
        await handle.close();
      }
    },
    remove,
  };
}
