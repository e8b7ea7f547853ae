import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/create-db.ts';
import { type CliResult, runPaperboy, templateDataDir } from '../support/cli.ts';
import { arxivQueryRoute, type FakeUpstream, hfDailyPapersRoute, htmlReply, startFakeUpstream } from '../support/fakes/upstream-server.ts';
import { arxivCsLgFeed, HF_DAY, hfDailyItems } from '../support/fixtures.ts';

/** `paperboy` end to end on an embedded database copied from the test template. */
describe('paperboy ingest and import', () => {
  let data: ReturnType<typeof templateDataDir>;
  let upstream: FakeUpstream;
  const items = hfDailyItems();
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    data = templateDataDir();
    upstream = await startFakeUpstream(() => ({ status: 404 }));
  });
  afterAll(async () => {
    await upstream.close();
    data.remove();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
    upstream.setRoute(hfDailyPapersRoute({ [HF_DAY]: items, [today]: items.slice(0, 1) }));
  });

  /** Runs `paperboy …` against the fake upstream. */
  const paperboy = (...argv: string[]): Promise<CliResult> =>
    runPaperboy(argv, { PAPERBOY_DATA_DIR: data.dataDir, HF_API_ROOT: upstream.root, ARXIV_API_ROOT: upstream.root, HTTP_TIMEOUT_MS: '500' });

  async function storedIds(): Promise<string[]> {
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      return (await handle.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
    } finally {
      await handle.close();
    }
  }

  it('ingests a Hugging Face day and prints a summary', async () => {
    const first = await paperboy('ingest', 'hf', '--date', HF_DAY);
    expect(first).toEqual({ code: 0, stdout: `Stored 5 papers for ${HF_DAY} (5 new, 0 updated, 0 unchanged).\n`, stderr: '' });

    const again = await paperboy('ingest', 'hf', '--date', HF_DAY);
    expect(again.stdout).toBe(`Stored 5 papers for ${HF_DAY} (0 new, 0 updated, 5 unchanged).\n`);
  });

  it('ingests today (UTC) when no date is given', async () => {
    const result = await paperboy('ingest', 'hf');
    expect(result.code).toBe(0);
    expect(upstream.requests[0]?.query.get('date')).toBe(today);
    expect(result.stdout).toMatch(new RegExp(`^Stored 1 paper for ${today} \\(\\d new, \\d updated, \\d unchanged\\)\\.\n$`));
  });

  it('lists skipped invalid items on stderr and still exits 0', async () => {
    const broken = hfDailyItems();
    broken[2]!.paper.upvotes = -3;
    upstream.setRoute(hfDailyPapersRoute({ '2026-11-25': broken }));
    const result = await paperboy('ingest', 'hf', '--date', '2026-11-25');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Stored 4 papers for 2026-11-25 \(\d new, \d updated, \d unchanged\); skipped 1 invalid item \(listed on stderr\)\.\n$/);
    expect(result.stderr).toBe('Skipped 1 invalid item:\n  page 0, item 2 (2611.19533): paper.upvotes: Too small: expected number to be >=0\n');
  });

  it('exits 1 with the upstream’s failure on stderr when Hugging Face is down', async () => {
    upstream.setRoute(() => htmlReply(503, '503 Service Temporarily Unavailable'));
    const result = await paperboy('ingest', 'hf', '--date', HF_DAY);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `paperboy ingest hf: Hugging Face answered HTTP 503 with an HTML page ("503 Service Temporarily Unavailable") for ${upstream.root}/api/daily_papers?date=${HF_DAY}&p=0&limit=50\n` +
        'Nothing was stored; papers stored earlier are unchanged.\n',
    );
  });

  it('exits 1 with a timeout message when Hugging Face never answers', async () => {
    upstream.setRoute(() => 'hang');
    const result = await paperboy('ingest', 'hf', '--date', HF_DAY);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^paperboy ingest hf: Hugging Face timed out after 0\.5 s for .* \(HTTP_TIMEOUT_MS=500\)\n/);
  });

  it('rejects bad arguments with a specific message and exit code 2', async () => {
    const cases: [string[], string][] = [
      [['ingest', 'hf', '--date', '26/11/2026'], '--date must be a day as YYYY-MM-DD, got "26/11/2026"'],
      [['ingest', 'hf', '--date', '2026-02-30'], '--date 2026-02-30 is not a calendar day'],
      [['ingest', 'hf', '--date', '2999-01-01'], `--date 2999-01-01 is in the future (today is ${today} UTC)`],
      [['ingest', 'hf', '--since', 'monday'], "Unknown option '--since'"],
      [['ingest', 'arxiv'], '--category is required, e.g. --category cs.LG'],
      [['ingest', 'arxiv', '--category', 'machine learning'], '--category must look like cs.LG or stat.ML, got "machine learning"'],
      [['ingest', 'arxiv', '--category', 'cs.LG', '--days', '45'], '--days must be a whole number from 1 to 30, got "45"'],
      [['ingest', 'pubmed'], 'unknown source "pubmed": use hf or arxiv'],
      [['import'], 'say which file to import'],
    ];
    for (const [argv, message] of cases) {
      const result = await paperboy(...argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toContain(`: ${message}`);
      expect(result.stderr).toContain('Usage: paperboy');
    }
    expect(upstream.requests).toEqual([]);
  });

  it('ingests an arXiv category', async () => {
    // Entries submitted an hour ago, so the default three-day window holds them whatever today is.
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const feed = arxivCsLgFeed().replace(/<published>[^<]+<\/published>/g, `<published>${anHourAgo}</published>`);
    upstream.setRoute(arxivQueryRoute({ 'cs.LG': feed }));
    const result = await paperboy('ingest', 'arxiv', '--category', 'cs.LG');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Stored 7 papers from arXiv cs\.LG submitted in the last 3 days \(\d+ new, \d+ updated, \d+ unchanged\)\.\n$/);
    expect(await storedIds()).toContain('2611.20417');
  });

  it('imports a JSON-lines file, listing a bad line on stderr', async () => {
    const path = join(data.dataDir, '..', 'papers.jsonl');
    writeFileSync(path, [JSON.stringify({ ...items[0], paper: { ...items[0]!.paper, id: '2611.30001' } }), 'not json'].join('\n'));
    const result = await paperboy('import', path);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Stored 1 paper from papers.jsonl (1 new, 0 updated, 0 unchanged); skipped 1 invalid item (listed on stderr).\n');
    expect(result.stderr).toMatch(/^Skipped 1 invalid item:\n {2}line 2: not JSON: /);
    expect(await storedIds()).toContain('2611.30001');
  });

  it('exits 1 when every item of the file is invalid, saying nothing was stored', async () => {
    const path = join(data.dataDir, '..', 'only-bad.json');
    writeFileSync(path, JSON.stringify([{ paper: { id: '2611.30002', title: '' } }]));
    const result = await paperboy('import', path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'paperboy import: nothing was stored from only-bad.json: its 1 item was invalid:\n  index 0 (2611.30002): paper.title: empty title\n',
    );
  });

  it('reports papers listed twice in a file and merges their copies', async () => {
    const path = join(data.dataDir, '..', 'twice.json');
    const item = { ...items[0], paper: { ...items[0]!.paper, id: '2611.30003' } };
    writeFileSync(path, JSON.stringify([item, { ...item, paper: { ...item.paper, authors: [] } }]));
    const result = await paperboy('import', path);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Stored 1 paper from twice.json (1 new, 0 updated, 0 unchanged); merged 1 paper listed more than once (listed on stderr).\n');
    expect(result.stderr).toBe(
      'Merged the copies of 1 paper listed more than once (keeping every field one of them fills in):\n  2611.30003: index 0, index 1\n',
    );
  });

  it('exits 1 when the file to import is not JSON', async () => {
    const path = join(data.dataDir, '..', 'notes.txt');
    writeFileSync(path, 'Papers to read:\n- SMoD\n');
    const result = await paperboy('import', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^paperboy import: .*notes\.txt is neither a JSON array nor JSON lines \(line 1: .+\)\nNothing was stored\.\n$/);
  });
});
