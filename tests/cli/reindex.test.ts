import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/create-db.ts';
import { type CliResult, runPaperboy, templateDataDir } from '../support/cli.ts';
import { hfDailyItems } from '../support/fixtures.ts';

/** `paperboy reindex` end to end on an embedded database copied from the test template. */
describe('paperboy reindex', () => {
  let data: ReturnType<typeof templateDataDir>;
  beforeAll(() => {
    data = templateDataDir();
  });
  afterAll(() => data.remove());

  const paperboy = (...argv: string[]): Promise<CliResult> => runPaperboy(argv, { PAPERBOY_DATA_DIR: data.dataDir });

  it('says there is nothing to index in an empty library', async () => {
    expect(await paperboy('reindex')).toEqual({ code: 0, stdout: 'No papers are stored, so there is nothing to index.\n', stderr: '' });
  });

  it('rebuilds the content model of what is stored and says what it did', async () => {
    const path = join(data.dataDir, '..', 'papers.json');
    writeFileSync(path, JSON.stringify(hfDailyItems()));
    expect((await paperboy('import', path)).code).toBe(0);
    const result = await paperboy('reindex');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Reindexed 5 papers in \d+\.\d s: [\d,]+ distinct words and phrases, [\d,]+ of them in at least two papers and not too common to compare papers on\.\n$/,
    );
    const json = await paperboy('reindex', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ papers: 5, terms: expect.any(Number), usableTerms: expect.any(Number), ms: expect.any(Number), profiles: 0 });
  });

  it('updates the profiles of those who voted, so the next digest finds them ready', async () => {
    const paper = hfDailyItems()[0]!.paper.id;
    expect((await paperboy('ask', '--user', 'alice', `vote ${paper} up`)).code).toBe(0);
    const result = await paperboy('reindex');
    expect(result.stdout).toMatch(/ Updated 1 profile \(what each person or channel likes\) to match\.\n$/);
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      expect(await handle.db.selectFrom('recipient_profiles').select(['stale', 'votes']).execute()).toEqual([{ stale: false, votes: 1 }]);
    } finally {
      await handle.close();
    }
  });

  it('rejects unknown flags with its usage and exit code 2', async () => {
    const result = await paperboy('reindex', '--fast');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--fast'");
    expect(result.stderr).toContain('Usage: paperboy reindex [--json]');
  });
});
