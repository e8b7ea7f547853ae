import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { findPaper, upsertPapers, upsertPapersInBulk } from '../../src/db/papers.ts';
import { engines, useTestDb } from '../support/db.ts';

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
    expect(await upsertPapers(t.db, [hfPaper])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect(await upsertPapers(t.db, [hfPaper])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
  });

  it('refreshes upvotes and comments and keeps everything else', async () => {
    await upsertPapers(t.db, [hfPaper]);
    await upsertPapers(t.db, [{ ...hfPaper, upvotes: 40, comments: 5, title: 'Changed title upstream' }]);
    const paper = await findPaper(t.db, hfPaper.id);
    expect(paper).toMatchObject({ upvotes: 40, comments: 5, title: hfPaper.title, authors: hfPaper.authors });
  });

  it('lets an arXiv pass fill gaps without zeroing the community counts', async () => {
    await upsertPapers(t.db, [hfPaper]);
    await upsertPapers(t.db, [{ id: hfPaper.id, title: hfPaper.title, source: 'arxiv', categories: ['cs.CL', 'cs.LG'] }]);
    const paper = await findPaper(t.db, hfPaper.id);
    expect(paper).toMatchObject({ upvotes: 12, comments: 2, categories: ['cs.CL', 'cs.LG'], featuredOn: '2024-05-24' });
  });

  it('merges two items with the same id in one batch', async () => {
    const result = await upsertPapers(t.db, [hfPaper, { ...hfPaper, upvotes: 13 }]);
    expect(result.inserted).toBe(1);
    expect((await findPaper(t.db, hfPaper.id))?.upvotes).toBe(13);
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

  it('stores every batch with two writers, reporting progress batch by batch', async () => {
    const progress: number[] = [];
    const result = await upsertPapersInBulk(t.db, papers(2500), { writers: 2, onProgress: (stored, total) => progress.push(stored / total) });
    expect(result).toEqual({ inserted: 2500, updated: 0, unchanged: 0 });
    expect(progress).toEqual([0.4, 0.8, 1]);
    const { count } = await t.db.selectFrom('papers').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    expect(Number(count)).toBe(2500);
    expect(await upsertPapersInBulk(t.db, papers(2500))).toEqual({ inserted: 0, updated: 0, unchanged: 2500 });
  });

  it('keeps the batches that were stored when one fails, and says why', async () => {
    const bad = papers(2500);
    bad[2400] = { ...bad[2400]!, featuredOn: '2024-02-31' };
    await expect(upsertPapersInBulk(t.db, bad, { writers: 2 })).rejects.toThrow(/date/);
    const { count } = await t.db.selectFrom('papers').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    expect(Number(count)).toBe(2000);
  });
});
