import { describe, expect, it } from 'vitest';
import type { TermVector } from '../../src/core/ports/content-index.ts';
import { EXPANSION, expandQuery } from '../../src/core/ranking/similar-papers.ts';
import { dot } from '../../src/core/ranking/term-vector.ts';

const unit = (entries: Record<number, number>): TermVector => {
  const terms = Object.keys(entries)
    .map(Number)
    .sort((a, b) => a - b);
  const norm = Math.sqrt(terms.reduce((sum, t) => sum + entries[t]! ** 2, 0));
  return { terms, weights: terms.map((t) => entries[t]! / norm) };
};
const weightOf = (vector: TermVector, term: number) => vector.weights[vector.terms.indexOf(term)] ?? 0;

describe('expandQuery (pseudo-relevance feedback for similar)', () => {
  it('is the query itself when there are no neighbours', () => {
    const query = unit({ 1: 1, 2: 1 });
    expect(expandQuery(query, [])).toBe(query);
  });

  it('weighs up what the neighbours share and down what only the query has, staying a unit vector', () => {
    const query = unit({ 1: 1, 2: 1, 3: 1 });
    // Term 2 is the neighbourhood's subject; term 3 only the query's.
    const neighbours = [unit({ 2: 1, 4: 1 }), unit({ 1: 1, 2: 1 }), unit({ 2: 1, 5: 1 })];
    const expanded = expandQuery(query, neighbours);
    expect(dot(expanded, expanded)).toBeCloseTo(1, 10);
    expect(weightOf(expanded, 2)).toBeGreaterThan(weightOf(expanded, 1));
    expect(weightOf(expanded, 1)).toBeGreaterThan(weightOf(expanded, 3));
    expect(weightOf(expanded, 4)).toBeGreaterThan(0);
    // A paper on the neighbourhood's subject now outranks one that shares only the query's own term.
    expect(dot(expanded, unit({ 2: 1 }))).toBeGreaterThan(dot(expanded, unit({ 3: 1 })));
    expect(dot(query, unit({ 2: 1 }))).toBeCloseTo(dot(query, unit({ 3: 1 })), 10);
  });

  it(`uses the first ${EXPANSION.neighbours} neighbours only, in the order given`, () => {
    const query = unit({ 1: 1 });
    const near = Array.from({ length: EXPANSION.neighbours }, () => unit({ 1: 1, 2: 1 }));
    expect(expandQuery(query, [...near, unit({ 99: 1 })])).toEqual(expandQuery(query, near));
    expect(weightOf(expandQuery(query, [...near, unit({ 99: 1 })]), 99)).toBe(0);
  });
});
