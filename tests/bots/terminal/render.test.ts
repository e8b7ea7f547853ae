import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/bots/terminal/render.ts';
import type { Answer } from '../../../src/core/answer.ts';
import { card } from '../../support/cards.ts';

describe('terminal renderer', () => {
  it('numbers the cards of a later page from where the page before ended', () => {
    const answer: Answer = {
      title: 'Papers for 2024-05-24',
      cards: [card('2405.00006'), card('2405.00007')],
      lines: [],
      actions: [],
      page: { number: 2, hasPrev: true, hasNext: false, offset: 5 },
      visibility: 'public',
    };
    const text = renderText(answer);
    expect(text).toContain('6. Paper 2405.00006  [2405.00006]');
    expect(text).toContain('7. Paper 2405.00007  [2405.00007]');
    expect(text).not.toMatch(/^1\. /m);
  });

  it('numbers from 1 without paging', () => {
    const text = renderText({ title: 'Search: x', cards: [card('2405.00001')], lines: [], actions: [], visibility: 'public' });
    expect(text).toContain('1. Paper 2405.00001');
  });
});
