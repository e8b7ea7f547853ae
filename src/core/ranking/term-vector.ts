import type { TermVector } from '../ports/content-index.ts';

/**
 * The one similarity every content-based ranking uses: the dot product of two term vectors
 * (their cosine, since the index hands out L2-normalised vectors). A merge over the ascending
 * term ids, so it costs the two lengths added, not multiplied.
 */
export function dot(a: TermVector, b: TermVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.terms.length && j < b.terms.length) {
    const ta = a.terms[i]!;
    const tb = b.terms[j]!;
    if (ta === tb) sum += a.weights[i++]! * b.weights[j++]!;
    else if (ta < tb) i++;
    else j++;
  }
  return sum;
}

/**
 * The terms two vectors share, by what each adds to their dot product, largest first: what a
 * card says they have in common. At most `limit`; terms that pull them apart (a negative
 * product, from a profile's 👎 side) are left out.
 */
export function sharedTerms(a: TermVector, b: TermVector, limit: number): number[] {
  const shared: { term: number; product: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.terms.length && j < b.terms.length) {
    const ta = a.terms[i]!;
    const tb = b.terms[j]!;
    if (ta === tb) {
      const product = a.weights[i++]! * b.weights[j++]!;
      if (product > 0) shared.push({ term: ta, product });
    } else if (ta < tb) i++;
    else j++;
  }
  return shared
    .sort((x, y) => y.product - x.product || x.term - y.term)
    .slice(0, limit)
    .map((s) => s.term);
}

/**
 * Σ weightᵢ · vectorᵢ, L2-normalised: several papers as one query (a profile is the papers a
 * recipient 👍 minus the ones they 👎). Empty when everything cancels out.
 */
export function weightedSum(parts: readonly { vector: TermVector; weight: number }[]): TermVector {
  const sums = new Map<number, number>();
  for (const { vector, weight } of parts) {
    vector.terms.forEach((term, k) => sums.set(term, (sums.get(term) ?? 0) + weight * vector.weights[k]!));
  }
  const entries = [...sums].filter(([, w]) => w !== 0).sort((x, y) => x[0] - y[0]);
  const norm = Math.sqrt(entries.reduce((sum, [, w]) => sum + w * w, 0));
  if (norm === 0) return { terms: [], weights: [] };
  return { terms: entries.map(([term]) => term), weights: entries.map(([, w]) => w / norm) };
}

/**
 * The `limit` strongest positive terms of a vector, renormalised: a query short enough for
 * `ContentIndex.nearest`, whose cost grows with the number of query terms.
 */
export function strongestTerms(vector: TermVector, limit: number): TermVector {
  const kept = vector.terms
    .map((term, k) => ({ term, weight: vector.weights[k]! }))
    .filter((e) => e.weight > 0)
    .sort((x, y) => y.weight - x.weight || x.term - y.term)
    .slice(0, limit)
    .sort((x, y) => x.term - y.term);
  const norm = Math.sqrt(kept.reduce((sum, e) => sum + e.weight * e.weight, 0));
  if (norm === 0) return { terms: [], weights: [] };
  return { terms: kept.map((e) => e.term), weights: kept.map((e) => e.weight / norm) };
}
