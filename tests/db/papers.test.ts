import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of PaperLibrary: storing papers and reading them back. */

const hfPaper: PaperInput = {
  id: '2405.15071',
  title: 'Grokked Transformers are Implicit Reasoners',
  source: 'hf',
  abstract: 'We study whether transformers can learn to implicitly reason over parametric knowledge.',
  authors: ['Boshi Wang', 'Xiang Yue', 'Yu Su', 'Huan Sun'],
  publishedAt: new Date('2024-05-23T17:59:00Z'),
  featuredOn: '2024-05-24',
  upvotes: 12,
  comments: 2,
  aiKeywords: ['grokking', 'implicit reasoning'],
};

describe.each(engines)('storing papers on %s', (engine) => {
  const t = useTestDb(engine);

  it('inserts new papers and writes nothing when the same items arrive again', async () => {
    expect(await t.storage.papers.store([hfPaper])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect(await t.storage.papers.store([hfPaper])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
  });

  it('refreshes upvotes and comments and keeps everything else', async () => {
    await t.storage.papers.store([hfPaper]);
    await t.storage.papers.store([{ ...hfPaper, upvotes: 40, comments: 5, title: 'Changed title upstream' }]);
    const paper = await t.storage.papers.find(hfPaper.id);
    expect(paper).toMatchObject({ upvotes: 40, comments: 5, title: hfPaper.title, authors: hfPaper.authors });
  });

  it('lets an arXiv pass fill gaps without zeroing the community counts', async () => {
    await t.storage.papers.store([hfPaper]);
    await t.storage.papers.store([{ id: hfPaper.id, title: hfPaper.title, source: 'arxiv', categories: ['cs.CL', 'cs.LG'] }]);
    const paper = await t.storage.papers.find(hfPaper.id);
    expect(paper).toMatchObject({ upvotes: 12, comments: 2, categories: ['cs.CL', 'cs.LG'], featuredOn: '2024-05-24' });
  });

  it('merges two items with the same id in one batch', async () => {
    const result = await t.storage.papers.store([hfPaper, { ...hfPaper, upvotes: 13 }]);
    expect(result.inserted).toBe(1);
    expect((await t.storage.papers.find(hfPaper.id))?.upvotes).toBe(13);
  });

  it('stores a batch inside a transaction with it: rolled back, nothing is stored', async () => {
    await expect(
      t.storage.transaction(async (tx) => {
        expect(await tx.papers.store([hfPaper])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
        expect(await tx.papers.find(hfPaper.id)).toBeDefined();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await t.storage.papers.find(hfPaper.id)).toBeUndefined();
  });
});

describe.each(engines)('reading papers on %s', (engine) => {
  const t = useTestDb(engine);
  const day = (id: string, featuredOn: string | null, publishedAt?: string): PaperInput => ({
    id,
    title: `Paper ${id}`,
    source: 'hf',
    featuredOn,
    ...(publishedAt ? { publishedAt: new Date(publishedAt) } : {}),
  });

  it('finds papers by id, leaving out unknown ids', async () => {
    await t.storage.papers.store([hfPaper, day('2401.00001', '2024-01-02')]);
    expect(await t.storage.papers.find('2401.99999')).toBeUndefined();
    const found = await t.storage.papers.findMany(['2401.00001', hfPaper.id, '2401.99999', hfPaper.id]);
    expect([...found.keys()].sort()).toEqual(['2401.00001', hfPaper.id]);
    expect(found.get(hfPaper.id)).toMatchObject({ title: hfPaper.title, listedOn: '2024-05-24', aiKeywords: hfPaper.aiKeywords });
    expect(await t.storage.papers.findMany([])).toEqual(new Map());
  });

  it('knows its first and latest listed days, and none while empty', async () => {
    expect(await t.storage.papers.isEmpty()).toBe(true);
    expect(await t.storage.papers.latestListedDay()).toBeUndefined();
    expect(await t.storage.papers.earliestListedDay()).toBeUndefined();
    expect(await t.storage.papers.lastAddedAt()).toBeUndefined();

    // One paper has no day at all (neither featured nor published): it counts for neither end.
    await t.storage.papers.store([
      day('2401.00001', '2024-01-05'),
      day('2401.00002', null, '2024-01-02T23:30:00Z'),
      day('2401.00003', '2024-01-09'),
      day('2401.00004', null),
    ]);
    expect(await t.storage.papers.isEmpty()).toBe(false);
    expect(await t.storage.papers.earliestListedDay()).toBe('2024-01-02');
    expect(await t.storage.papers.latestListedDay()).toBe('2024-01-09');
    expect(await t.storage.papers.latestListedDay('2024-01-08')).toBe('2024-01-05');
    expect(await t.storage.papers.latestListedDay('2024-01-01')).toBeUndefined();
  });

  it('says when the newest paper of the latest listed week was first stored', async () => {
    await t.storage.papers.store([day('2401.00001', '2024-01-09')], new Date('2024-01-09T08:00:00Z'));
    await t.storage.papers.store([day('2401.00002', '2024-01-03')], new Date('2024-01-09T10:00:00Z'));
    // An old day imported later is no sign of fresh ingestion…
    await t.storage.papers.store([day('2301.00001', '2023-01-01')], new Date('2024-01-10T00:00:00Z'));
    // …but a paper of the latest week is.
    expect(await t.storage.papers.lastAddedAt()).toEqual(new Date('2024-01-09T10:00:00Z'));
  });

  it('tells a searchable topic from stop words', async () => {
    expect(await t.storage.papers.hasSearchTerms('grokking')).toBe(true);
    expect(await t.storage.papers.hasSearchTerms('the')).toBe(false);
    expect(await t.storage.papers.hasSearchTerms('  ')).toBe(false);
  });
});

describe.each(engines)('bulk loads on %s', (engine) => {
  const t = useTestDb(engine);
  const papers = (count: number, from = 0): PaperInput[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `2402.${String(from + i).padStart(5, '0')}`,
      title: `Bulk paper ${from + i} on sparse autoencoders`,
      abstract: 'An abstract.',
      featuredOn: '2024-02-01',
      upvotes: i % 5,
      source: 'import' as const,
    }));
  const storedCount = async (inputs: PaperInput[]) => (await t.storage.papers.findMany(inputs.map((p) => p.id))).size;

  it('stores every batch with two writers, reporting progress batch by batch', async () => {
    const progress: number[] = [];
    const result = await t.storage.papers.storeInBulk(papers(2500), { writers: 2, onProgress: (stored, total) => progress.push(stored / total) });
    expect(result).toEqual({ inserted: 2500, updated: 0, unchanged: 0 });
    // Batches of 1,000, 1,000 and 500, finishing in whichever order the two writers get them done.
    const steps = progress.map((share, i) => Math.round((share - (progress[i - 1] ?? 0)) * 10) / 10);
    expect(progress.at(-1)).toBe(1);
    expect(steps.sort()).toEqual([0.2, 0.4, 0.4]);
    expect(await storedCount(papers(2500))).toBe(2500);
    expect(await t.storage.papers.storeInBulk(papers(2500))).toEqual({ inserted: 0, updated: 0, unchanged: 2500 });
  });

  it('keeps the batches that were stored when one fails, and says why', async () => {
    const bad = papers(2500);
    bad[2400] = { ...bad[2400]!, featuredOn: '2024-02-31' };
    await expect(t.storage.papers.storeInBulk(bad, { writers: 2 })).rejects.toThrow(/date/);
    expect(await storedCount(bad)).toBe(2000);
  });

  it("writes its batches in the caller's transaction when given one, and rolls back with it", async () => {
    await expect(
      t.storage.transaction(async (tx) => {
        expect(await tx.papers.storeInBulk(papers(1500), { writers: 2 })).toEqual({ inserted: 1500, updated: 0, unchanged: 0 });
        throw new Error('abort the import');
      }),
    ).rejects.toThrow('abort the import');
    expect(await t.storage.papers.isEmpty()).toBe(true);
  });
});
