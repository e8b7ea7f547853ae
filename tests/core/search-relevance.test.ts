import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { asUser, seedPapers, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';

const ids = (answer: { cards: { id: string }[] }) => answer.cards.map((card) => card.id);

/** A paper of the relevance library: listed on `day` (2024-05-…), no upvotes unless given. */
function paper(id: string, title: string, abstract: string, extra: Partial<PaperInput> = {}): PaperInput {
  return { id, title, abstract, featuredOn: '2024-05-20', upvotes: 0, source: 'hf', ...extra };
}

/**
 * Papers on long inputs, attention and efficiency, with the words a natural question uses
 * spread over them the way real abstracts spread them; and filler on other topics, so that
 * "network" and "learning" are common and "quasicrystal" rare.
 */
const library: PaperInput[] = [
  paper(
    '2004.05150',
    'Longformer: The Long-Document Transformer',
    'Transformer-based models are unable to process long sequences due to their self-attention operation, which scales quadratically with the sequence length. We introduce an attention mechanism that scales linearly.',
  ),
  paper('2401.00001', 'Making diffusion sampling cheaper', 'We make image generation faster with fewer denoising steps.'),
  paper('2401.00002', 'Attention heads in vision transformers', 'We study what attention heads of image models learn.'),
  paper('2401.00003', 'Cheaper pretraining of language models', 'We make pretraining cheaper by reusing checkpoints.'),
  paper('2401.00004', 'Summarising long documents', 'A dataset of long documents with human summaries.'),
  ...Array.from({ length: 12 }, (_, i) =>
    paper(`2401.001${String(i).padStart(2, '0')}`, `Graph neural network number ${i}`, `Learning on graphs with a network of message passing, study ${i}.`),
  ),
  paper('2401.00200', 'Quasicrystal phases', 'Aperiodic order in alloys.'),
];

describe.each(engines)('search relevance on %s', (engine) => {
  const t = useTestDb(engine);

  it('finds the paper a natural question describes, though no paper has every word of it', async () => {
    await seedPapers(t.db, library);
    const answer = await testCore(t.db).run('search how to make attention cheaper for long documents', asUser());
    expect(ids(answer)[0]).toBe('2004.05150');
    // The card says which of the words it has, as typed.
    expect(answer.cards[0]!.reasons).toEqual([{ kind: 'matched', words: ['attention', 'long', 'documents'], missing: ['make', 'cheaper'] }]);
    // Only papers with at least half of the words (make, attention, cheaper, long, documents) are listed.
    expect(ids(answer)).not.toContain('2401.00002');
    expect(answer.notice).toBeUndefined();
  });

  it('lists papers with every word first, then papers with most of them', async () => {
    await seedPapers(t.db, library);
    const answer = await testCore(t.db).run('search cheaper pretraining', asUser());
    expect(ids(answer)).toEqual(['2401.00003', '2401.00001']);
    // Papers with every word need no explaining.
    expect(answer.cards.map((card) => card.reasons)).toEqual([[], [{ kind: 'matched', words: ['cheaper'], missing: ['pretraining'] }]]);
  });

  it('ranks a word in the title above the same word in the abstract', async () => {
    await seedPapers(t.db, [
      paper('2402.00001', 'A study of sparse retrieval', 'We compare models.', { upvotes: 50, featuredOn: '2024-05-24' }),
      paper('2402.00002', 'Indexing for search engines', 'We study sparse retrieval at scale.', { upvotes: 90, featuredOn: '2024-05-24' }),
      paper('2402.00003', 'Another paper', 'Nothing to see.', { aiKeywords: ['sparse retrieval'], upvotes: 70, featuredOn: '2024-05-24' }),
    ]);
    // Title, then keywords, then abstract, whatever their upvotes.
    expect(ids(await testCore(t.db).run('search sparse retrieval', asUser()))).toEqual(['2402.00001', '2402.00003', '2402.00002']);
  });

  it('ranks a paper with most of the words by where they are: title, then keywords, then abstract', async () => {
    await seedPapers(t.db, [
      paper('2402.00001', 'A study of sparse retrieval', 'We compare models.', { upvotes: 50, featuredOn: '2024-05-24' }),
      paper('2402.00002', 'Indexing for search engines', 'We study sparse retrieval at scale.', { upvotes: 90, featuredOn: '2024-05-24' }),
      paper('2402.00003', 'Another paper', 'Nothing to see.', { aiKeywords: ['sparse retrieval'], upvotes: 70, featuredOn: '2024-05-24' }),
      paper('2402.00004', 'Zebra crossings', 'Stripes.', { featuredOn: '2024-05-20' }),
    ]);
    // No paper has all three words; the three with two of them are listed by where those are,
    // whatever their upvotes, and the one with a single word (less than half) is not.
    const answer = await testCore(t.db).run('search sparse retrieval zebra', asUser());
    expect(ids(answer)).toEqual(['2402.00001', '2402.00003', '2402.00002']);
    expect(answer.cards[0]!.reasons).toEqual([{ kind: 'matched', words: ['sparse', 'retrieval'], missing: ['zebra'] }]);
    expect(answer.subtitle).toBeUndefined();
  });

  it('ranks a rare word above a common one when a paper has only one of them', async () => {
    await seedPapers(t.db, library);
    const answer = await testCore(t.db).run('search quasicrystal network', asUser());
    // No paper has both: the one with the rare word first, then those with the common one.
    expect(ids(answer)[0]).toBe('2401.00200');
    expect(ids(answer).slice(1)).toHaveLength(4);
    expect(answer.page?.hasNext).toBe(true);
  });

  it('orders equally relevant papers by recency and upvotes, not by date alone', async () => {
    await seedPapers(t.db, [
      paper('2405.00001', 'Grokking in the wild', 'Plain.', { featuredOn: '2024-05-24', upvotes: 0 }),
      paper('2405.00002', 'Grokking revisited', 'Plain.', { featuredOn: '2024-05-22', upvotes: 30 }),
      paper('2405.00003', 'Grokking explained', 'Plain.', { featuredOn: '2024-05-23', upvotes: 3 }),
      paper('2405.00004', 'Grokking long ago', 'Plain.', { featuredOn: '2023-05-24', upvotes: 200 }),
    ]);
    // Two days and 30 upvotes beat today and none; a year is worth more than 200 upvotes.
    expect(ids(await testCore(t.db).run('search grokking', asUser()))).toEqual(['2405.00002', '2405.00003', '2405.00001', '2405.00004']);
  });

  it('puts, among equally relevant papers, the one like what the asker 👍 first (for them only)', async () => {
    await seedPapers(t.db, [
      ...library,
      paper('2405.10001', 'Grokking of image classifiers', 'Convolutional networks on photographs of animals grok late.', { upvotes: 3 }),
      paper('2405.10002', 'Grokking of modular arithmetic', 'Transformers learn modular addition circuits long after they memorise.', { upvotes: 0 }),
      paper('2405.10003', 'Circuits for modular addition', 'How transformers implement modular arithmetic with Fourier features.', {
        featuredOn: '2024-05-10',
      }),
    ]);
    const core = testCore(t.db);
    // Unrated, the upvoted one comes first; a 👍 on a paper about modular arithmetic turns the pair.
    expect(ids(await core.run('search grokking', asUser('u1')))).toEqual(['2405.10001', '2405.10002']);
    await core.run('vote 2405.10003 up', asUser('u1'));
    expect(ids(await core.run('search grokking', asUser('u1')))).toEqual(['2405.10002', '2405.10001']);
    expect(ids(await core.run('search grokking', asUser('u2')))).toEqual(['2405.10001', '2405.10002']);
  });

  it('keeps phrases, exclusion and OR exact while ranking', async () => {
    await seedPapers(t.db, library);
    const core = testCore(t.db);
    expect(ids(await core.run('search "long documents"', asUser())).sort()).toEqual(['2004.05150', '2401.00004'].sort());
    expect(ids(await core.run('search cheaper -diffusion', asUser()))).toEqual(['2401.00003']);
    expect(ids(await core.run('search quasicrystal OR longformer', asUser())).sort()).toEqual(['2004.05150', '2401.00200']);
  });
});
