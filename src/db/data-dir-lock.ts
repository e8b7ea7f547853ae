import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds the embedded database, as written into the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** A second process tried to open an embedded data directory that another process holds. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by "${holder.command}" ` +
        `(pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
        'PGlite serves one process at a time: stop that process and try again, ' +
        'or set DATABASE_URL to a PostgreSQL server so several paperboy processes can share it.',
    );
  }
}

/** The embedded data directory cannot be a directory of ours: it is a file, or may not be created or written. */
export class DataDirUnusableError extends Error {
  override name = 'DataDirUnusableError';
  constructor(
    readonly dataDir: string,
    why: string,
    options?: ErrorOptions,
  ) {
    super(`the embedded database directory ${dataDir} ${why}`, options);
  }
}

/**
 * Takes an exclusive lock on an embedded data directory, so that a second process
 * cannot open (and corrupt) the same PGlite files. A lock left by a dead process on
 * this host is taken over. Returns a function that releases the lock. Throws
 * {@link DataDirUnusableError} when the directory cannot be made or used.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  makeDataDir(dataDir);
  const file = join(dataDir, 'paperboy.lock');
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new DataDirUnusableError(dataDir, `is not writable (${code}): choose a writable place`, { cause: error });
      }
      if (code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder && (holder.host !== me.host || isAlive(holder.pid))) {
        throw new DataDirLockedError(dataDir, holder);
      }
      // Stale lock (its process is gone) or unreadable half-written file: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}: ${file} keeps reappearing.`);
}

function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'is a file, or inside one: it must be a directory (created when missing)'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? `cannot be created here (${code}): choose a writable place`
          : `cannot be created: ${(error as Error).message}`;
    throw new DataDirUnusableError(dataDir, why, { cause: error });
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? 'unknown host'),
      command: String(parsed.command ?? 'paperboy'),
      since: String(parsed.since ?? 'unknown'),
    };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
