import { describe, expect, it } from 'vitest';
import { combineTieBreaks, freshness, recentAndUpvoted } from '../../src/core/search-tie-break.ts';

describe('search tie-breaks', () => {
  it('weighs a doubling of upvotes as two weeks of age', () => {
    const today = '2024-05-24';
    expect(freshness({ listedOn: '2024-05-24', upvotes: 0 }, today)).toBe(0);
    expect(freshness({ listedOn: '2024-05-10', upvotes: 1 }, today)).toBeCloseTo(0);
    expect(freshness({ listedOn: '2024-05-24', upvotes: 3 }, today)).toBeCloseTo(2);
    // No day: as if a year old; negative upvotes count as none.
    expect(freshness({ listedOn: null, upvotes: -5 }, today)).toBeCloseTo(-365 / 14);
  });

  it('adds weighted tie-breaks, a missing paper scoring 0 in each', async () => {
    const candidates = [
      { id: 'a', listedOn: '2024-05-24', upvotes: 0 },
      { id: 'b', listedOn: '2024-05-24', upvotes: 3 },
    ];
    const profile = () => new Map([['a', 1]]);
    const both = await combineTieBreaks([recentAndUpvoted('2024-05-24'), 1], [profile, 4])(candidates);
    expect(both.get('a')).toBeCloseTo(4);
    expect(both.get('b')).toBeCloseTo(2);
  });
});
