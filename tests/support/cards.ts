import type { PaperCard } from '../../src/core/answer.ts';

/** A plain paper card for renderer tests; override what the test is about. */
export function card(id: string, overrides: Partial<PaperCard> = {}): PaperCard {
  return {
    id,
    title: `Paper ${id}`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    date: '2024-05-24',
    upvotes: 12,
    comments: 3,
    links: { huggingFace: `https://huggingface.co/papers/${id}`, arxiv: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` },
    snippet: 'A short abstract.',
    reasons: [],
    ...overrides,
  };
}
