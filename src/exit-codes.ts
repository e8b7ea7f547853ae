import { ConfigError } from './config.ts';
import { type DataDirLockedError, DataDirUnusableError } from './db/data-dir-lock.ts';

/**
 * Exit codes of `npm start`, `paperboy start` and every `paperboy` command: 0 done (or stopped
 * by a signal, or the terminal chat ended), 1 failed, 2 bad configuration or usage (fix the
 * environment or the command line, then try again). README.md, "Command line", says the same.
 */
export const EXIT = { ok: 0, failed: 1, misconfigured: 2 } as const;

/** Whether `error` is a mistake in the configuration (exit 2) rather than a failure (exit 1). */
export function isConfigurationError(error: unknown): error is ConfigError | DataDirUnusableError {
  return error instanceof ConfigError || error instanceof DataDirUnusableError;
}

/** How a configuration mistake, or an embedded database held by another process, is reported (after "paperboy: "). */
export function configurationMessage(error: ConfigError | DataDirUnusableError | DataDirLockedError): string {
  return error instanceof DataDirUnusableError ? `PAPERBOY_DATA_DIR: ${error.message}` : error.message;
}
