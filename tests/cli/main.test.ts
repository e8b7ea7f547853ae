import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { version } from '../../src/cli/main.ts';
import { main } from '../../src/main.ts';
import { runPaperboy, templateDataDir } from '../support/cli.ts';

describe('the paperboy command line', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };
  afterAll(() => data.remove());

  it('prints its version from package.json', async () => {
    const result = await runPaperboy(['--version'], env);
    expect(result).toMatchObject({ code: 0, stdout: `paperboy ${version()}\n` });
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 for bad configuration, as `npm start` does, naming the variable and what it expects', async () => {
    const cli = await runPaperboy(['ask', 'today'], { ...env, HTTP_TIMEOUT_MS: 'soon' });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe('paperboy: Invalid configuration:\n  HTTP_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 300000, got "soon"\n');
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => stderr.push(chunk) > 0) as typeof process.stderr.write;
    try {
      expect(await main({ ...env, HTTP_PORT: 'abc' })).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toBe('paperboy: Invalid configuration:\n  HTTP_PORT: must be a port number from 0 to 65535 (0 picks a free one), got "abc"\n');
  });

  it('says clearly that PAPERBOY_DATA_DIR is a file, and exits 2', async () => {
    const file = join(data.dataDir, '..', 'not-a-directory');
    writeFileSync(file, 'x');
    const result = await runPaperboy(['ask', 'today'], { PAPERBOY_DATA_DIR: file });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `paperboy: PAPERBOY_DATA_DIR: the embedded database directory ${file} is a file, or inside one: it must be a directory (created when missing)\n`,
    );
    expect(result.stderr).not.toContain('EEXIST');
  });

  it('refuses an unknown flag or a bad value the same way in every command: its message, the usage, exit code 2', async () => {
    const cases: [string[], string][] = [
      [['ask', 'today', '--bogus'], "Unknown option '--bogus'"],
      [['chat', 'extra'], "Unexpected argument 'extra'. This command does not take positional arguments"],
      [['deliver', '--dry-run=yes'], "Option '--dry-run' does not take an argument"],
      [
        ['deliver', '--at', 'x', '--catch-up-hours', '99'],
        '--at must be an instant with a timezone, like 2026-11-28T09:00:00Z or 2026-11-28T10:00+01:00; got "x"; --catch-up-hours must be a number of hours from 0 to 24, got "99"',
      ],
      [['subscriptions', '--status'], "Option '--status <value>' argument missing"],
      [['reindex', '--json=1'], "Option '--json' does not take an argument"],
      [['ingest', 'arxiv', '--days', '0'], '--category is required, e.g. --category cs.LG; --days must be a whole number from 1 to 30, got "0"'],
      [['import', 'a.json', 'b.json'], 'import takes one file, got 2'],
    ];
    for (const [argv, message] of cases) {
      const result = await runPaperboy(argv, env);
      expect({ argv, code: result.code, stdout: result.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(result.stderr.startsWith(`paperboy ${argv[0]}: ${message}`), result.stderr).toBe(true);
      expect(result.stderr).toContain(`\n\nUsage: paperboy ${argv[0]}`);
    }
  });

  it('holds every way in to one rule for user ids: `ask` and `chat` refuse the same ones with the same message', async () => {
    for (const command of [['ask', 'today'], ['chat']]) {
      for (const user of ['', '   ', 'x'.repeat(500), 'a b']) {
        const result = await runPaperboy([...command, '--user', user], env);
        expect(result.code, `${command[0]} --user "${user.slice(0, 10)}"`).toBe(2);
        expect(result.stderr).toContain(`paperboy ${command[0]}: --user must be 1 to 100 letters, digits or . _ @ : -, got "`);
        expect(result.stderr).not.toMatch(/Too (small|big)|expected string/);
      }
    }
  });
});
