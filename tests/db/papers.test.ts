import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { findPaper, upsertPapers } from '../../src/db/papers.ts';
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
