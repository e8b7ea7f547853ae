import type { Paper } from '../paper.ts';
import type { Storage } from '../ports/storage.ts';
import { dot, sharedTerms } from './term-vector.ts';

/** A paper close to another, with what they share. */
export interface SimilarPaper {
  paper: Paper;
  /** Cosine similarity of the two papers' vectors (0–1). */
  score: number;
  /** What they have in common in words ("modular arithmetic", "grokking"), most telling first. */
  shared: string[];
}

/** What {@link similarPapers} found: the papers, or why there are none. */
export type SimilarResult =
  | { status: 'found'; paper: Paper; papers: SimilarPaper[]; hasMore: boolean }
  /** No paper with that id is stored. */
  | { status: 'unknown' }
  /** The paper is stored but not indexed yet (an import still indexing, or a library from before the content model). */
  | { status: 'unindexed'; paper: Paper }
  /** The paper has no term distinctive enough to compare it on (no abstract, a title of common words). */
  | { status: 'empty'; paper: Paper };

/** Terms a card names as shared. */
const SHARED_SHOWN = 3;
/** Candidates rescored for each page: the nearest neighbours by postings, re-ranked by their exact cosine. */
const MIN_CANDIDATES = 50;

/**
 * The papers closest to `paperId` (never itself), best first: candidates come from the content
 * index's impact-ordered postings (`ContentIndex.nearest`), and are re-ranked by the exact
 * cosine of their stored vectors, the same `dot` a profile will rank by. Returns the page at
 * `offset` of `limit` papers, and whether more follow.
 */
export async function similarPapers(
  store: Pick<Storage, 'papers' | 'content'>,
  paperId: string,
  options: { limit: number; offset: number },
): Promise<SimilarResult> {
  const [paper, vectors] = await Promise.all([store.papers.find(paperId), store.content.vectors([paperId])]);
  if (!paper) return { status: 'unknown' };
  const query = vectors.get(paperId);
  if (!query) return { status: 'unindexed', paper };
  if (query.terms.length === 0) return { status: 'empty', paper };

  const wanted = options.offset + options.limit + 1;
  const candidates = await store.content.nearest(query, { limit: Math.max(MIN_CANDIDATES, 2 * wanted), exclude: [paperId] });
  const candidateVectors = await store.content.vectors(candidates.map((c) => c.paperId));
  const ranked = candidates
    .flatMap((candidate, order) => {
      const vector = candidateVectors.get(candidate.paperId);
      return vector ? [{ id: candidate.paperId, vector, order, score: dot(query, vector) }] : [];
    })
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const page = ranked.slice(options.offset, options.offset + options.limit);
  const sharedByPaper = new Map(page.map((entry) => [entry.id, sharedTerms(query, entry.vector, 2 * SHARED_SHOWN)]));
  const [papers, labels] = await Promise.all([
    store.papers.findMany(page.map((entry) => entry.id)),
    // Shared terms are in the paper and in each neighbour: their words name them.
    store.content.termLabels([...new Set([...sharedByPaper.values()].flat())], { from: [paperId, ...page.map((entry) => entry.id)] }),
  ]);
  const found = page.flatMap((entry) => {
    const similar = papers.get(entry.id);
    if (!similar) return [];
    const words = (sharedByPaper.get(entry.id) ?? []).flatMap((term) => labels.get(term) ?? []);
    return [{ paper: similar, score: entry.score, shared: telling(words, SHARED_SHOWN) }];
  });
  return { status: 'found', paper, papers: found, hasMore: ranked.length > options.offset + options.limit };
}

/**
 * Up to `limit` labels, most telling first, without repeating words: "modular arithmetic"
 * makes "modular" and "arithmetic" redundant, whichever came first.
 */
export function telling(labels: readonly string[], limit: number): string[] {
  const chosen: string[] = [];
  for (const label of labels) {
    const words = label.split(' ');
    const covered = new Set(chosen.flatMap((c) => c.split(' ')));
    if (words.every((w) => covered.has(w))) continue;
    // A phrase replaces the single words it contains.
    for (let k = chosen.length - 1; k >= 0; k--) if (!chosen[k]!.includes(' ') && words.includes(chosen[k]!)) chosen.splice(k, 1);
    chosen.push(label);
  }
  return chosen.slice(0, limit);
}
