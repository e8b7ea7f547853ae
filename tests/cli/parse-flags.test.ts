import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../src/cli/cli-command.ts';
import { type FlagOptions, parseFlags } from '../../src/cli/parse-flags.ts';

const FLAGS = { date: { type: 'string' }, days: { type: 'string' }, json: { type: 'boolean' }, user: { type: 'string', short: 'u' } } satisfies FlagOptions;

const schema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { abort: true, error: (issue) => `--date must be a day as YYYY-MM-DD, got "${String(issue.input)}"` })
    .refine((day) => day !== '2026-02-30', { error: '--date 2026-02-30 is not a calendar day' })
    .optional(),
  days: z
    .string()
    .refine((days) => /^\d+$/.test(days), { error: (issue) => `--days must be a whole number, got "${String(issue.input)}"` })
    .transform(Number)
    .optional(),
  json: z.boolean().default(false),
  user: z
    .string()
    .min(2, '--user is too short')
    .regex(/^[a-z]+$/, '--user takes letters only')
    .default('cli'),
});

/** The usage error `parseFlags` throws for `argv`, as the CLI prints it after "paperboy <command>: ". */
function usageError(argv: string[], settings: { positionals?: boolean } = {}): string {
  try {
    parseFlags(argv, FLAGS, schema, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe('parseFlags', () => {
  it('returns the schema’s output: values converted, defaults filled in, short flags read', () => {
    expect(parseFlags(['--date', '2026-11-28', '--days', '3', '-u', 'alice'], FLAGS, schema)).toEqual({
      date: '2026-11-28',
      days: 3,
      json: false,
      user: 'alice',
    });
    expect(parseFlags(['--json'], FLAGS, schema)).toEqual({ json: true, user: 'cli' });
  });

  it('refuses unknown flags, missing values, values for a switch and stray arguments in parseArgs’ words', () => {
    expect(usageError(['--since', 'monday'])).toBe("Unknown option '--since'");
    expect(usageError(['--date'])).toBe("Option '--date <value>' argument missing");
    expect(usageError(['-u'])).toBe("Option '-u, --user <value>' argument missing");
    expect(usageError(['--json=yes'])).toBe("Option '--json' does not take an argument");
    expect(usageError(['extra'])).toBe("Unexpected argument 'extra'. This command does not take positional arguments");
  });

  it('reports values the schema refuses: each flag’s first message, in the schema’s order', () => {
    expect(usageError(['--date', '26/11/2026'])).toBe('--date must be a day as YYYY-MM-DD, got "26/11/2026"');
    expect(usageError(['--days', 'x', '--date', '2026-02-30'])).toBe('--date 2026-02-30 is not a calendar day; --days must be a whole number, got "x"');
    // "1" breaks both of --user's rules: one message for the flag.
    expect(usageError(['-u', '1', '--days', 'x'])).toBe('--days must be a whole number, got "x"; --user is too short');
  });

  it('hands positional arguments to the schema only when the command takes them', () => {
    const words = z.object({
      positionals: z
        .array(z.string())
        .min(1, 'say what to do')
        .transform((w) => w.join(' ')),
    });
    expect(parseFlags(['search', 'grokking', '--json'], { json: { type: 'boolean' } }, words, { positionals: true })).toEqual({
      positionals: 'search grokking',
    });
    expect(() => parseFlags(['--json'], { json: { type: 'boolean' } }, words, { positionals: true })).toThrow(new UsageError('say what to do'));
    // A dash-led argument is a flag unless it comes after `--`.
    expect(parseFlags(['--', '--json'], { json: { type: 'boolean' } }, words, { positionals: true })).toEqual({ positionals: '--json' });
  });
});
