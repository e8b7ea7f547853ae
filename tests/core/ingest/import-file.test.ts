import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportFileError, importFile } from '../../../src/core/ingest/import-file.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { hfDailyItems } from '../../support/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe.each(engines)('importing a file of daily-papers items on %s', (engine) => {
  const t = useTestDb(engine);
  const paperIds = async () => (await t.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);

  it('imports a JSON array, featuring each paper on the UTC day of its top-level publishedAt', async () => {
    const items = hfDailyItems();
    items[1]!.publishedAt = '2026-11-25T23:30:00.000-02:00'; // the evening of the 25th locally, 01:30 on the 26th in UTC
    const path = writeTemp('day.json', JSON.stringify(items, null, 2));

    const report = await importFile({ store: t.storage, path });
    expect(report).toEqual({ fetched: 5, inserted: 5, updated: 0, unchanged: 0, invalid: [], duplicates: [] });
    expect(await t.storage.papers.find('2611.19204')).toMatchObject({ featuredOn: '2026-11-26', upvotes: 87, comments: 4 });
    expect(await t.storage.papers.find('2611.18877')).toMatchObject({ featuredOn: '2026-11-26' });
    const row = await t.db.selectFrom('papers').select('sources').where('id', '=', '2611.19204').executeTakeFirstOrThrow();
    expect(row.sources).toEqual(['import']);
    const run = await t.db.selectFrom('ingest_runs').select(['source', 'target', 'ok', 'stored']).executeTakeFirstOrThrow();
    expect(run).toEqual({ source: 'import', target: 'day.json', ok: true, stored: 5 });
  });

  it('leaves the featured day empty when an item has no top-level publishedAt', async () => {
    const [item] = hfDailyItems();
    delete item!.publishedAt;
    const report = await importFile({ store: t.storage, path: writeTemp('undated.json', JSON.stringify([item])) });
    expect(report.inserted).toBe(1);
    // Listed under its arXiv date instead.
    expect(await t.storage.papers.find('2611.19204')).toMatchObject({ featuredOn: null, listedOn: '2026-11-24' });
  });

  it('imports JSON lines, reporting a line that is not JSON and an invalid item by line number', async () => {
    const items = hfDailyItems();
    items[3]!.paper.title = '';
    const lines = items.map((item) => JSON.stringify(item));
    lines.splice(2, 0, '{"paper": {"id": "2611.20001", "title": "Truncated', '');
    const path = writeTemp('day.jsonl', `${lines.join('\n')}\n`);

    const report = await importFile({ store: t.storage, path });
    expect(report.invalid).toEqual([
      { where: 'line 3', field: '', message: expect.stringMatching(/^not JSON: /) },
      { where: 'line 6 (2611.17342)', field: 'paper.title', message: 'empty title' },
    ]);
    expect(report).toMatchObject({ fetched: 6, inserted: 4 });
    expect(await paperIds()).toEqual(['2611.18877', '2611.19204', '2611.19533', '2611.19880']);
  });

  it('reports items of a JSON array by index', async () => {
    const items: unknown[] = hfDailyItems().slice(0, 2);
    items.push({ title: 'no paper object' }, 'just a string');
    const report = await importFile({ store: t.storage, path: writeTemp('mixed.json', JSON.stringify(items)) });
    expect(report.invalid).toEqual([
      { where: 'index 2', field: 'paper', message: 'expected object, received undefined' },
      { where: 'index 3', field: '', message: 'expected object, received string' },
    ]);
    expect(report.inserted).toBe(2);
  });

  it('merges copies of one paper in a file into the fullest record, and reports them', async () => {
    const [full, other] = hfDailyItems();
    // A later, thinner copy: no authors, no summary, fewer upvotes; but it fills in the project page.
    const thin = { ...full!, paper: { ...full!.paper, authors: [], summary: '', upvotes: 3, projectPage: 'https://smod.example.org' } };
    const path = writeTemp('dupes.jsonl', [full, other, thin].map((item) => JSON.stringify(item)).join('\n'));

    const report = await importFile({ store: t.storage, path });
    expect(report).toMatchObject({ fetched: 3, inserted: 2, invalid: [], duplicates: [{ id: '2611.19204', where: ['line 1', 'line 3'] }] });
    expect(await t.storage.papers.find('2611.19204')).toMatchObject({
      authors: ['Mira Castellanos', 'Tobias Engström', 'Priya Raghunathan', 'Kenji Watanabe'],
      abstract: expect.stringMatching(/^Mixture-of-Depths models/),
      upvotes: 87,
      projectPage: 'https://smod.example.org/',
    });
  });

  it('records a file whose every item is invalid as a failed run that stored nothing', async () => {
    const report = await importFile({ store: t.storage, path: writeTemp('bad.json', JSON.stringify([{ paper: { id: 'nope' } }])) });
    expect(report).toMatchObject({ fetched: 1, inserted: 0, invalid: [{ where: 'index 0 (nope)' }] });
    const run = await t.db.selectFrom('ingest_runs').select(['ok', 'stored', 'skipped', 'message']).executeTakeFirstOrThrow();
    expect(run).toEqual({ ok: false, stored: 0, skipped: 1, message: 'every item was invalid (1 of 1)' });
    expect(await t.storage.ingestLog.lastSuccess()).toBeUndefined();
  });

  it('refuses a file that is not JSON at all, storing nothing', async () => {
    const path = writeTemp('notes.txt', 'Papers to read this week:\n- the MoD one\n- VeriStep\n');
    const failure = await importFile({ store: t.storage, path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImportFileError);
    expect((failure as Error).message).toMatch(/notes\.txt is neither a JSON array nor JSON lines \(line 1: .+\)$/);
    expect(await paperIds()).toEqual([]);
    const run = await t.db.selectFrom('ingest_runs').select(['ok', 'message']).executeTakeFirstOrThrow();
    expect(run).toEqual({ ok: false, message: (failure as Error).message });
  });

  it('refuses a broken JSON array, a missing file and an empty file with clear messages', async () => {
    await expect(importFile({ store: t.storage, path: writeTemp('cut.json', JSON.stringify(hfDailyItems()).slice(0, 400)) })).rejects.toThrow(
      /cut\.json starts like a JSON array but is not valid JSON: /,
    );
    await expect(importFile({ store: t.storage, path: join(dir, 'missing.json') })).rejects.toThrow(/^Cannot read .*missing\.json: no such file$/);
    await expect(importFile({ store: t.storage, path: writeTemp('empty.jsonl', '\n\n') })).rejects.toThrow(/empty\.jsonl is empty/);
    expect(await paperIds()).toEqual([]);
  });
});
