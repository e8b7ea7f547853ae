/**
 * `npx tsx bench/similar-variants.ts`: the variants of the content model and of `similar` that
 * were tried, on the 2,000 real arXiv papers of the quality check (bench/measures/similar.ts),
 * as one Markdown table with the TF-IDF cosine baseline of the same run.
 *
 * Each paper's terms with their counts per field are read once from the database
 * (`paperboy_content_terms`, what indexing reads); the weighting, the cut to the strongest
 * terms and the re-ranking are then redone here in TypeScript for each variant, with every
 * paper's document frequency counted over all 2,000 (as after a reindex) and an exhaustive
 * search. The shipped settings reproduce what the pipeline measures (`npm run bench -- --only
 * similar`), and so do the settings before them; the table prints both.
 */
import { sql } from 'kysely';
import { createDb } from '../src/db/create-db.ts';
import { createStorage } from '../src/db/storage.ts';
import { readArxivSample } from './arxiv-sample.ts';
import { exactCosine, sanityTfidf } from './tfidf-baselines.ts';

interface Vector {
  terms: number[];
  weights: number[];
}

/** A variant of the model (how vectors are built) and of the ranking (how candidates are re-ranked). */
interface Variant {
  name: string;
  /** tf counts a title occurrence `title` times, keywords and authors `keywords`, abstract `abstract`. */
  fields: { title: number; keywords: number; abstract: number };
  /** 'log': 1 + ln tf (scikit-learn's sublinear tf); a number: BM25's saturation with that k1 (b = 0). */
  tf: 'log' | number;
  /** Strongest terms kept per paper (Infinity: all). */
  top: number;
  maxDfShare?: number;
  /** Pseudo-relevance feedback over the 50 candidates: the query plus `weight` × the mean of the first `neighbours`. */
  expand?: { neighbours: number; weight: number };
  /** Search again with the expanded query's strongest `n` terms, and re-rank both searches' candidates. */
  searchAgain?: number;
  /** Added to the score of a paper that shares an author (full name, accents folded) with the query paper. */
  authorBonus?: number;
}

const v1 = { fields: { title: 3, keywords: 2, abstract: 1 }, tf: 'log' as const, top: 28 };
const v2 = { fields: { title: 1, keywords: 1, abstract: 1 }, tf: 1.2, top: 28, expand: { neighbours: 10, weight: 1 } };
const VARIANTS: Variant[] = [
  { name: 'model v1 (before): title ×3, keywords/authors ×2, 1 + ln tf, 28 terms', ...v1 },
  { name: 'v1, every term kept', ...v1, top: Number.POSITIVE_INFINITY },
  { name: 'v1, fields equal', ...v1, fields: v2.fields },
  { name: 'v1, fields equal, every term kept', ...v1, fields: v2.fields, top: Number.POSITIVE_INFINITY },
  { name: 'fields equal, saturated tf (k1 1.2)', ...v2, expand: undefined },
  { name: 'fields equal, saturated tf (k1 2)', ...v2, tf: 2, expand: undefined },
  { name: 'fields equal, saturated tf, max_df 0.2', ...v2, maxDfShare: 0.2, expand: undefined },
  { name: 'title ×3, keywords/authors ×2, saturated tf, expansion', ...v2, fields: v1.fields },
  { name: 'title ×1.5, saturated tf, expansion', ...v2, fields: { title: 1.5, keywords: 1, abstract: 1 } },
  { name: 'saturated tf, expansion by 3 neighbours', ...v2, expand: { neighbours: 3, weight: 1 } },
  { name: 'saturated tf, expansion by 5 neighbours', ...v2, expand: { neighbours: 5, weight: 1 } },
  { name: 'saturated tf, expansion by 10, weight 2', ...v2, expand: { neighbours: 10, weight: 2 } },
  { name: 'saturated tf, expansion by 20, weight 2', ...v2, expand: { neighbours: 20, weight: 2 } },
  { name: 'saturated tf, expansion, searching again with its 40 strongest terms', ...v2, searchAgain: 40 },
  { name: 'saturated tf, expansion, + 0.05 for a shared author', ...v2, authorBonus: 0.05 },
  { name: 'saturated tf, expansion, + 0.1 for a shared author', ...v2, authorBonus: 0.1 },
  { name: 'saturated tf, expansion, 24 terms', ...v2, top: 24 },
  { name: 'saturated tf, expansion, 32 terms', ...v2, top: 32 },
  { name: 'saturated tf, expansion, 40 terms', ...v2, top: 40 },
  { name: 'saturated tf, expansion, every term kept', ...v2, top: Number.POSITIVE_INFINITY },
  { name: 'model v2 (shipped): fields equal, saturated tf (k1 1.2), 28 terms, expansion by 10', ...v2 },
];
const POOL = 50;

const sample = readArxivSample();
const handle = await createDb({ dataDir: ':memory:', command: 'bench/similar-variants.ts' });
let counts: Map<string, { a: number; b: number; c: number }>[];
try {
  await createStorage(handle.db).papers.store(sample.map((s) => s.input));
  const { rows } = await sql<{ id: string; term: string; a: number; b: number; c: number }>`
    select p.id, t.term, t.a, t.b, t.c from papers p cross join lateral paperboy_content_terms(p.search) t`.execute(handle.db);
  const index = new Map(sample.map((s, i) => [s.input.id, i]));
  counts = sample.map(() => new Map());
  for (const row of rows) counts[index.get(row.id)!]!.set(row.term, { a: row.a, b: row.b, c: row.c });
} finally {
  await handle.close();
}

const termIds = new Map<string, number>();
function vectors(variant: Variant): Vector[] {
  const n = sample.length;
  const df = new Map<string, number>();
  for (const doc of counts) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const maxDf = Math.max(Math.floor((variant.maxDfShare ?? 0.1) * n), 20);
  return counts.map((doc) => {
    const weighted: [number, number][] = [];
    for (const [term, x] of doc) {
      const d = df.get(term)!;
      const tf = variant.fields.title * x.a + variant.fields.keywords * x.b + variant.fields.abstract * x.c;
      if (d < 2 || d > maxDf || tf <= 0) continue;
      const tfWeight = variant.tf === 'log' ? 1 + Math.log(tf) : (tf * (variant.tf + 1)) / (tf + variant.tf);
      if (!termIds.has(term)) termIds.set(term, termIds.size);
      weighted.push([termIds.get(term)!, tfWeight * (Math.log((1 + n) / (1 + d)) + 1)]);
    }
    weighted.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const kept = weighted.slice(0, variant.top).sort((x, y) => x[0] - y[0]);
    const norm = Math.sqrt(kept.reduce((s, [, w]) => s + w * w, 0)) || 1;
    return { terms: kept.map(([t]) => t), weights: kept.map(([, w]) => w / norm) };
  });
}

function dot(a: Vector, b: Vector): number {
  let sum = 0;
  for (let i = 0, j = 0; i < a.terms.length && j < b.terms.length; ) {
    if (a.terms[i] === b.terms[j]) sum += a.weights[i++]! * b.weights[j++]!;
    else if (a.terms[i]! < b.terms[j]!) i++;
    else j++;
  }
  return sum;
}

/** The `n` strongest terms of a vector, L2-normalised. */
function strongest(vector: Vector, n: number): Vector {
  const kept = vector.terms
    .map((t, k) => [t, vector.weights[k]!] as const)
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, n)
    .sort((x, y) => x[0] - y[0]);
  const norm = Math.sqrt(kept.reduce((s, [, w]) => s + w * w, 0)) || 1;
  return { terms: kept.map(([t]) => t), weights: kept.map(([, w]) => w / norm) };
}

/** Each paper's authors, lower-cased with accents folded. */
const authors = sample.map(
  (s) =>
    new Set(
      (s.input.authors ?? []).map((a) =>
        a
          .normalize('NFKD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase(),
      ),
    ),
);

function withMean(query: Vector, others: readonly Vector[], weight: number): Vector {
  const sums = new Map<number, number>();
  query.terms.forEach((t, k) => sums.set(t, query.weights[k]!));
  for (const v of others) v.terms.forEach((t, k) => sums.set(t, (sums.get(t) ?? 0) + (weight / others.length) * v.weights[k]!));
  const entries = [...sums].sort((x, y) => x[0] - y[0]);
  return { terms: entries.map(([t]) => t), weights: entries.map(([, w]) => w) };
}

/** Each paper's top 5: the POOL best by exact cosine (an exhaustive search), re-ranked with the expanded query. */
function neighbours(variant: Variant): number[][] {
  const docs = vectors(variant);
  const postings = new Map<number, { doc: number; w: number }[]>();
  docs.forEach((v, doc) => {
    v.terms.forEach((t, k) => {
      const list = postings.get(t) ?? [];
      list.push({ doc, w: v.weights[k]! });
      postings.set(t, list);
    });
  });
  return docs.map((query, q) => {
    const search = (vector: Vector) => {
      const scores = new Map<number, number>();
      vector.terms.forEach((t, k) => {
        for (const p of postings.get(t) ?? []) if (p.doc !== q) scores.set(p.doc, (scores.get(p.doc) ?? 0) + vector.weights[k]! * p.w);
      });
      return [...scores].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, POOL);
    };
    let pool = search(query);
    const bonus = (doc: number) => (variant.authorBonus && [...authors[doc]!].some((a) => authors[q]!.has(a)) ? variant.authorBonus : 0);
    if (!variant.expand) return pool.slice(0, 5).map(([doc]) => doc);
    const expanded = withMean(
      query,
      pool.slice(0, variant.expand.neighbours).map(([doc]) => docs[doc]!),
      variant.expand.weight,
    );
    if (variant.searchAgain) {
      const again = search(strongest(expanded, variant.searchAgain));
      pool = [...new Map([...pool, ...again]).entries()];
    }
    return pool
      .map(([doc]) => [doc, dot(expanded, docs[doc]!) + bonus(doc)] as const)
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, 5)
      .map(([doc]) => doc);
  });
}

function share(found: readonly number[][], label: 'primaryCategory' | 'archive'): number {
  let same = 0;
  let shown = 0;
  found.forEach((list, q) => {
    for (const j of list) {
      shown++;
      if (sample[j]![label] === sample[q]![label]) same++;
    }
  });
  return same / shown;
}

const baseline = exactCosine(sanityTfidf(sample.map((s) => ({ title: s.input.title, abstract: s.input.abstract ?? '', authors: s.input.authors ?? [] }))), 5);
const base = share(baseline, 'primaryCategory');
const lines = [
  `| variant (${sample.length} arXiv papers, top 5) | same primary category | same archive | vs TF-IDF cosine |`,
  '|---|---|---|---|',
  `| arxiv-sanity-lite TF-IDF, exact cosine (baseline) | ${base.toFixed(3)} | ${share(baseline, 'archive').toFixed(3)} | 1.00× |`,
];
for (const variant of VARIANTS) {
  const found = neighbours(variant);
  const category = share(found, 'primaryCategory');
  lines.push(`| ${variant.name} | ${category.toFixed(3)} | ${share(found, 'archive').toFixed(3)} | ${(category / base).toFixed(2)}× |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
