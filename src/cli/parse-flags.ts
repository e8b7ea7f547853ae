import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from './cli-command.ts';

/** The flags a command takes, declared as `node:util` parseArgs declares them: `{ json: { type: 'boolean' } }`. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export interface ParseFlagsSettings {
  /** Whether arguments other than flags are taken (default false: any is a usage error). */
  positionals?: boolean;
}

/**
 * Reads a command's arguments: `node:util` parseArgs in strict mode, then `schema` over the flags'
 * values (a string or boolean per flag given, absent otherwise) and `positionals` (the other
 * arguments, in order; always `[]` unless `settings.positionals`). Returns the schema's output.
 *
 * Every problem is a {@link UsageError} (printed with the command's usage, exit code 2): an
 * unknown flag, a missing value or an unexpected argument in parseArgs' own words; for values
 * the schema refuses, each flag's first message (a malformed `--date` is not also "not a calendar
 * day"), joined with "; " in the schema's order.
 *
 * @example
 * const { json } = parseFlags(argv, { json: { type: 'boolean' } }, z.object({ json: z.boolean().default(false) }));
 */
export function parseFlags<S extends z.ZodType>(argv: string[], options: FlagOptions, schema: S, settings: ParseFlagsSettings = {}): z.output<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: settings.positionals ?? false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const result = schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (result.success) return result.data;
  const byFlag = new Map<string, string>();
  for (const issue of result.error.issues) {
    const flag = String(issue.path[0] ?? '');
    if (!byFlag.has(flag)) byFlag.set(flag, issue.message);
  }
  throw new UsageError([...byFlag.values()].join('; '));
}
