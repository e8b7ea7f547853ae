import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TermVector } from '../../src/core/ports/content-index.ts';
import { telling } from '../../src/core/ranking/similar-papers.ts';
import { dot, sharedTerms, strongestTerms, weightedSum } from '../../src/core/ranking/term-vector.ts';

const v = (entries: Record<number, number>): TermVector => {
  const terms = Object.keys(entries)
    .map(Number)
    .sort((a, b) => a - b);
  return { terms, weights: terms.map((t) => entries[t]!) };
};

/** A random sparse vector: distinct ascending terms, weights in (0, 1]. */
const vectors = fc
  .uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 20 })
  .chain((terms) =>
    fc.tuple(
      fc.constant(terms.sort((a, b) => a - b)),
      fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: terms.length, maxLength: terms.length }),
    ),
  )
  .map(([terms, weights]): TermVector => ({ terms, weights }));

describe('term vectors', () => {
  it('dot multiplies the weights of shared terms only', () => {
    expect(dot(v({ 1: 0.5, 3: 0.5, 9: 1 }), v({ 3: 0.4, 4: 1, 9: 0.5 }))).toBeCloseTo(0.2 + 0.5);
    expect(dot(v({ 1: 1 }), v({ 2: 1 }))).toBe(0);
    expect(dot(v({}), v({ 2: 1 }))).toBe(0);
  });

  it('dot is the sum over a dense layout, and symmetric', () => {
    fc.assert(
      fc.property(vectors, vectors, (a, b) => {
        const dense = new Map(a.terms.map((t, i) => [t, a.weights[i]!]));
        const expected = b.terms.reduce((sum, t, i) => sum + (dense.get(t) ?? 0) * b.weights[i]!, 0);
        expect(dot(a, b)).toBeCloseTo(expected, 10);
        expect(dot(b, a)).toBeCloseTo(dot(a, b), 10);
      }),
    );
  });

  it('names the shared terms that add most to the dot product first, and leaves out opposing ones', () => {
    const a = v({ 1: 0.9, 2: 0.1, 3: 0.3, 4: 0.5 });
    const b = v({ 1: 0.1, 2: 0.9, 3: 0.9, 4: -0.5, 5: 1 });
    expect(sharedTerms(a, b, 5)).toEqual([3, 1, 2]);
    expect(sharedTerms(a, b, 1)).toEqual([3]);
  });

  it('sums weighted vectors into a unit vector, cancelling what 👍 and 👎 share', () => {
    const liked = v({ 1: 0.6, 2: 0.8 });
    const disliked = v({ 2: 0.8, 3: 0.6 });
    const profile = weightedSum([
      { vector: liked, weight: 1 },
      { vector: disliked, weight: -1 },
    ]);
    expect(profile.terms).toEqual([1, 3]);
    expect(profile.weights[0]).toBeCloseTo(Math.SQRT1_2);
    expect(profile.weights[1]).toBeCloseTo(-Math.SQRT1_2);
    expect(weightedSum([{ vector: liked, weight: 1 }])).toEqual({ terms: [1, 2], weights: [expect.closeTo(0.6), expect.closeTo(0.8)] });
    expect(weightedSum([])).toEqual({ terms: [], weights: [] });
  });

  it('keeps the strongest positive terms of a long query, renormalised, in term order', () => {
    const query = strongestTerms(v({ 1: 0.1, 2: -0.9, 5: 0.4, 7: 0.3 }), 2);
    expect(query.terms).toEqual([5, 7]);
    expect(query.weights[0]! ** 2 + query.weights[1]! ** 2).toBeCloseTo(1);
    expect(strongestTerms(v({ 2: -1 }), 3)).toEqual({ terms: [], weights: [] });
  });

  it('names shared terms without repeating words: a phrase stands for the words it contains', () => {
    expect(telling(['modular', 'modular arithmetic', 'grokking', 'arithmetic', 'transformer'], 3)).toEqual(['modular arithmetic', 'grokking', 'transformer']);
    expect(telling(['language model', 'model', 'language', 'scaling law'], 2)).toEqual(['language model', 'scaling law']);
    expect(telling([], 3)).toEqual([]);
  });
});
