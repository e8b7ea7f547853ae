import type { Env } from '../config.ts';
import type { Storage } from '../core/ports/storage.ts';
import type { DbHandle } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';

/** What every CLI command gets: parsed config, a logger on stderr, and (lazily) the database. */
export interface CliRuntime {
  config: Env;
  log: Logger;
  /** Opens (and migrates, unless told not to) the database on first use, locking an embedded data directory. */
  openDb(options?: { migrate?: boolean }): Promise<DbHandle>;
  /** The storage ports over the (migrated) database, opened on first use. */
  openStorage(): Promise<Storage>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** The current time; commands that take `--at` use that instead. */
  now(): Date;
}

/** One `paperboy <name>` subcommand. */
export interface CliCommand {
  name: string;
  /** One line for `paperboy help`. */
  summary: string;
  /** Usage lines, shown by `paperboy help <name>` and on a usage error. */
  usage: string;
  /** Returns the process exit code (EXIT in src/exit-codes.ts): 0 done, 1 failed, 2 bad usage or configuration. */
  run(argv: string[], runtime: CliRuntime): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
