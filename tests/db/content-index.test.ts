import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import type { TermVector } from '../../src/core/ports/content-index.ts';
import { CONTENT_MODEL } from '../../src/db/content-model.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of ContentIndex: what ingestion and reindex build, and what it finds. */

const paper = (id: string, title: string, abstract: string, aiKeywords: string[] = []): PaperInput => ({
  id,
  title,
  abstract,
  aiKeywords,
  source: 'hf',
  upvotes: 1,
});

const papers: PaperInput[] = [
  paper(
    '2401.00001',
    'Grokking modular arithmetic in small transformers',
    'We study grokking: small transformers trained on modular arithmetic generalize long after they memorize the training set.',
    ['grokking', 'modular arithmetic'],
  ),
  paper(
    '2401.00002',
    'Why grokking happens: circuits for modular arithmetic',
    'Mechanistic interpretability of grokking shows the circuits transformers learn for modular arithmetic and delayed generalization.',
    ['grokking', 'mechanistic interpretability'],
  ),
  paper(
    '2401.00003',
    'Grokking beyond algorithmic data',
    'Delayed generalization, or grokking, also appears on image classification when weight decay is tuned.',
    ['grokking'],
  ),
  paper(
    '2401.00004',
    'Latent diffusion models for image synthesis',
    'Diffusion models trained in a latent space synthesize high resolution images with fewer denoising steps.',
    ['diffusion models', 'image synthesis'],
  ),
  paper(
    '2401.00005',
    'Consistency distillation of diffusion models',
    'We distill diffusion models into one-step image generators that keep sample quality for image synthesis.',
    ['diffusion models', 'distillation'],
  ),
  paper('2401.00006', 'Denoising diffusion for video', 'Video diffusion models extend image diffusion with temporal denoising layers.', [
    'diffusion models',
    'video',
  ]),
  paper(
    '2401.00007',
    'Reward models for reinforcement learning from human feedback',
    'Reward models trained on human preferences steer reinforcement learning of language models.',
    ['reinforcement learning', 'reward models'],
  ),
  paper('2401.00008', 'Offline reinforcement learning with conservative critics', 'Conservative value estimates make offline reinforcement learning stable.', [
    'reinforcement learning',
  ]),
];
const ids = papers.map((p) => p.id);
const POSTED = CONTENT_MODEL.postedTerms;

/** Papers with more usable terms than a vector keeps: 120 made-up words each in two of them, the first's first ten said thrice. */
const longPapers: PaperInput[] = [0, 1, 2].map((n) => {
  const words = Array.from({ length: 120 }, (_, k) => `word${String.fromCharCode(97 + (k % 26))}${Math.floor(k / 26)}`).filter((_, k) => k % 3 !== n);
  const stressed = n === 0 ? words.slice(0, 10).flatMap((w) => [w, w]) : [];
  return paper(`2402.0000${n + 1}`, `Long paper ${n + 1}`, [...words, ...stressed].join(' '));
});

function expectUnit(vector: TermVector): void {
  expect(vector.terms).toEqual([...vector.terms].sort((a, b) => a - b));
  expect(new Set(vector.terms).size).toBe(vector.terms.length);
  expect(vector.weights.reduce((sum, w) => sum + w * w, 0)).toBeCloseTo(1, 5);
}

describe.each(engines)('content index on %s', (engine) => {
  const t = useTestDb(engine);

  /** content_postings holds exactly each stored vector's strongest POSTED terms (ties by term). */
  async function expectPostingsMatchVectors(): Promise<void> {
    const vectors = await t.db.selectFrom('content_vectors').select(['key', 'terms', 'weights']).execute();
    const expected = vectors.flatMap((v) =>
      v.terms
        .map((term, k) => ({ term, weight: v.weights[k]!, key: v.key }))
        .sort((a, b) => b.weight - a.weight || a.term - b.term)
        .slice(0, POSTED)
        .map((e) => `${e.key} ${e.term} ${e.weight}`),
    );
    const postings = await t.db.selectFrom('content_postings').select(['term', 'weight', 'paper_key']).execute();
    expect(postings.map((p) => `${p.paper_key} ${p.term} ${p.weight}`).sort()).toEqual(expected.sort());
  }

  /** Every term's df, by term text. */
  async function documentFrequencies(): Promise<Map<string, { id: number; df: number }>> {
    const rows = await t.db.selectFrom('content_terms').select(['id', 'term', 'df']).execute();
    return new Map(rows.map((row) => [row.term, { id: row.id, df: row.df }]));
  }

  it('indexes the papers it stores: one unit vector each, and the library size counted', async () => {
    await t.storage.papers.store(papers);
    const vectors = await t.storage.content.vectors([...ids, '2401.99999']);
    expect([...vectors.keys()].sort()).toEqual(ids);
    for (const vector of vectors.values()) expectUnit(vector);
    expect(await t.storage.content.stats()).toMatchObject({ indexed: papers.length, pending: 0, counted: papers.length });
  });

  it('finds the papers about the same things first, best first, never the excluded ones', async () => {
    await t.storage.papers.store(papers);
    const query = (await t.storage.content.vectors(['2401.00001'])).get('2401.00001')!;
    const found = await t.storage.content.nearest(query, { limit: 5, exclude: ['2401.00001'] });
    expect(
      found
        .map((n) => n.paperId)
        .slice(0, 2)
        .sort(),
    ).toEqual(['2401.00002', '2401.00003']);
    expect(found.map((n) => n.paperId)).not.toContain('2401.00001');
    const scores = found.map((n) => n.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Through its own postings a paper is its own nearest neighbour (cosine 1).
    expect((await t.storage.content.nearest(query, { limit: 1 }))[0]).toEqual({ paperId: '2401.00001', score: expect.closeTo(1, 5) });
    expect(await t.storage.content.nearest({ terms: [], weights: [] }, { limit: 5 })).toEqual([]);
  });

  it('reads a bounded number of postings: a budget of 1 finds only the strongest paper of each term', async () => {
    await t.storage.papers.store(papers);
    const query = (await t.storage.content.vectors(['2401.00004'])).get('2401.00004')!;
    const shallow = await t.storage.content.nearest(query, { limit: 20, budget: 1 });
    const deep = await t.storage.content.nearest(query, { limit: 20 });
    expect(shallow.length).toBeLessThanOrEqual(query.terms.length);
    expect(deep.length).toBeGreaterThan(shallow.length);
  });

  it('labels terms in words: stems become the words papers use, phrases stay phrases', async () => {
    await t.storage.papers.store(papers);
    const terms = await documentFrequencies();
    const wanted = ['grokk', 'modular arithmet', 'diffus model'].map((term) => terms.get(term)?.id);
    expect(wanted).not.toContain(undefined);
    const labels = await t.storage.content.termLabels([...(wanted as number[]), 999_999]);
    expect([...labels.values()].sort()).toEqual(['diffusion models', 'grokking', 'modular arithmetic']);
    // Labels are kept: asking again gives the same words.
    expect(await t.storage.content.termLabels(wanted as number[])).toEqual(labels);
  });

  it('reads free text as a vector over the terms it knows; common or unknown words give an empty one', async () => {
    await t.storage.papers.store(papers);
    const vector = await t.storage.content.textVector('Grokking and modular arithmetic');
    expectUnit(vector);
    const labels = await t.storage.content.termLabels(vector.terms);
    expect([...labels.values()]).toEqual(expect.arrayContaining(['grokking', 'modular arithmetic']));
    expect(await t.storage.content.textVector('the of and')).toEqual({ terms: [], weights: [] });
    expect(await t.storage.content.textVector('zyxwvut qqqqq')).toEqual({ terms: [], weights: [] });
  });

  it('keeps a paper’s strongest terms in its vector, and posts only the strongest of those for nearest', async () => {
    await t.storage.papers.store(longPapers);
    const vectors = await t.storage.content.vectors(longPapers.map((p) => p.id));
    const first = vectors.get('2402.00001')!;
    expectUnit(first);
    expect(first.terms).toHaveLength(CONTENT_MODEL.topTerms);
    expect(POSTED).toBeLessThan(CONTENT_MODEL.topTerms);
    await expectPostingsMatchVectors();
    expect((await t.storage.content.nearest(first, { limit: 1 }))[0]?.paperId).toBe('2402.00001');
    // A rewritten vector (keywords filled in) replaces its postings, old ones removed.
    await t.storage.papers.store([{ ...longPapers[0]!, aiKeywords: ['wordb0 wordc0'] }]);
    expect((await t.storage.content.vectors(['2402.00001'])).get('2402.00001')).not.toEqual(first);
    await expectPostingsMatchVectors();
    await t.storage.content.reindex();
    await expectPostingsMatchVectors();
  });

  it('gives a paper with nothing distinctive an empty vector (indexed, but similar to nothing)', async () => {
    await t.storage.papers.store([...papers, paper('2401.00009', 'On the of and', '')]);
    expect((await t.storage.content.vectors(['2401.00009'])).get('2401.00009')).toEqual({ terms: [], weights: [] });
  });

  it('counts each paper once: storing it again counts nothing, and a reindex agrees with what ingestion counted', async () => {
    await t.storage.papers.store(papers.slice(0, 4));
    await t.storage.papers.store(papers.slice(4));
    const counted = await documentFrequencies();
    await t.storage.papers.store(papers);
    await t.storage.papers.store(papers.map((p) => ({ ...p, upvotes: 7 })));
    expect(await documentFrequencies()).toEqual(counted);
    const result = await t.storage.content.reindex();
    expect(result).toMatchObject({ papers: papers.length, terms: counted.size });
    // The same counts under the same ids (ids are stable across reindexes).
    expect(await documentFrequencies()).toEqual(counted);
    expect(await t.storage.content.stats()).toMatchObject({ indexed: papers.length, pending: 0, counted: papers.length, reindexedAt: expect.any(Date) });
  });

  it('rebuilds vectors on reindex with the counts of the whole library', async () => {
    await t.storage.papers.store(papers.slice(0, 1));
    const alone = (await t.storage.content.vectors(['2401.00001'])).get('2401.00001')!;
    // Stored alone, every term is in one paper only: nothing to compare on.
    expect(alone.terms).toEqual([]);
    await t.storage.papers.store(papers.slice(1));
    await t.storage.content.reindex();
    expectUnit((await t.storage.content.vectors(['2401.00001'])).get('2401.00001')!);
    await expectPostingsMatchVectors();
  });

  it('builds the same vectors on ingestion as a reindex does, given the same counts', async () => {
    await t.storage.papers.store(papers);
    const stored = await t.storage.content.vectors(ids);
    await t.storage.content.reindex();
    expect(await t.storage.content.vectors(ids)).toEqual(stored);
  });

  it('records the model version, and calls vectors of an older model stale until a reindex', async () => {
    expect(await t.storage.content.stats()).toMatchObject({ stale: false });
    await t.storage.papers.store(papers.slice(0, 4));
    expect(await t.storage.content.stats()).toMatchObject({ stale: false });
    // As a library indexed before versions were recorded (the first model) is after the migration.
    await t.db.updateTable('content_stats').set({ model: null }).execute();
    expect(await t.storage.content.stats()).toMatchObject({ stale: true });
    // New papers are indexed with the current model, which does not make the older vectors current.
    await t.storage.papers.store(papers.slice(4));
    expect(await t.storage.content.stats()).toMatchObject({ stale: true });
    await t.storage.content.reindex();
    expect(await t.storage.content.stats()).toMatchObject({ stale: false });
  });

  it('keeps the postings of papers stored while a reindex runs', async () => {
    await t.storage.papers.store(papers.slice(0, 6));
    await Promise.all([t.storage.content.reindex(), t.storage.papers.store(papers.slice(6))]);
    await expectPostingsMatchVectors();
    const query = (await t.storage.content.vectors(['2401.00007'])).get('2401.00007')!;
    expect((await t.storage.content.nearest(query, { limit: 1 }))[0]?.paperId).toBe('2401.00007');
  });

  it('indexes an import once it is stored', async () => {
    await t.storage.papers.storeInBulk(papers, { writers: 2 });
    expect(await t.storage.content.stats()).toMatchObject({ indexed: papers.length, pending: 0, counted: papers.length, stale: false });
  });

  it('indexes papers stored before the content model existed on the next import', async () => {
    await t.db
      .insertInto('papers')
      .values(papers.slice(0, 3).map((p) => ({ id: p.id, title: p.title, abstract: p.abstract!, ai_keywords: p.aiKeywords! })))
      .execute();
    expect(await t.storage.content.stats()).toMatchObject({ indexed: 0, pending: 3 });
    await t.storage.papers.storeInBulk(papers.slice(3));
    expect(await t.storage.content.stats()).toMatchObject({ indexed: papers.length, pending: 0, counted: papers.length });
  });

  it('rolls back with the store: nothing is indexed or counted', async () => {
    await expect(
      t.storage.transaction(async (tx) => {
        await tx.papers.store(papers);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await t.storage.content.stats()).toMatchObject({ indexed: 0, counted: 0, terms: 0 });
  });

  it('counts correctly when two stores meet the same new terms at once', async () => {
    await Promise.all([t.storage.papers.store(papers.slice(0, 4)), t.storage.papers.store(papers.slice(4))]);
    const counted = await documentFrequencies();
    await t.storage.content.reindex();
    expect(await documentFrequencies()).toEqual(counted);
  });
});
