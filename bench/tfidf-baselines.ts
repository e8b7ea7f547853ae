/**
 * Baselines for the quality of `similar`, computed in TypeScript over the same papers:
 *
 * - `sanityTfidf`: arxiv-sanity-lite's features (its compute.py: scikit-learn's
 *   TfidfVectorizer over title + abstract + author names, lower-cased, accents stripped,
 *   tokens of 2+ characters starting with a letter, English stop words removed, unigrams and
 *   bigrams, min_df 5, max_df 0.1, the 20,000 most frequent terms, sublinear tf, smooth idf,
 *   L2 norm), no stemming, full vectors;
 * - `exactCosine`: the papers nearest to each one by the exact cosine of such vectors, by brute
 *   force over every pair;
 * - `svmNeighbours`: arxiv-sanity-lite's own "similar" (serve.py): a linear SVM (squared hinge,
 *   C = 0.01, balanced class weights, intercept) fitted with the one paper as the positive and
 *   every other paper as a negative, papers ranked by its decision function. Fitted here by
 *   liblinear's dual coordinate descent (what scikit-learn's LinearSVC runs);
 * - `svmScores`: the same SVM with several positives (a user's tagged papers: its
 *   recommendations);
 * - `centroidScores`: the cosine of every document with the mean of some documents' vectors (a
 *   simpler profile of liked papers).
 */

/** scikit-learn's English stop words (the Glasgow Information Retrieval Group's list); also what search queries of the quality check leave out. */
export const STOP_WORDS = new Set(
  `a about above across after afterwards again against all almost alone along already also although always am among amongst amoungst amount an and
  another any anyhow anyone anything anyway anywhere are around as at back be became because become becomes becoming been before beforehand behind
  being below beside besides between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due
  during each eg eight either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty fify fill
  find fire first five for former formerly forty found four from front full further get give go had has hasnt have he hence her here hereafter
  hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into is it its itself keep last latter
  latterly least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my myself name namely neither never
  nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours
  ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious several she should show side since
  sincere six sixty so some somehow someone something sometime sometimes somewhere still such system take ten than that the their them themselves
  then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though three through throughout thru thus
  to together too top toward towards twelve twenty two un under until up upon us very via was we well were what whatever when whence whenever where
  whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will with within without would
  yet you your yours yourself yourselves`.split(/\s+/),
);

/** A sparse vector: term indexes ascending, weights parallel. */
export interface SparseVector {
  terms: Int32Array;
  weights: Float64Array;
}

/** What a document is made of for arxiv-sanity-lite: its title, abstract and author names. */
export interface BaselineDoc {
  title: string;
  abstract: string;
  authors: readonly string[];
}

/** scikit-learn's analyzer as arxiv-sanity-lite configures it: the document's unigrams and bigrams. */
export function sanityTerms(doc: BaselineDoc): string[] {
  const text = `${doc.title} ${doc.abstract} ${doc.authors.join(' ')}`
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const tokens = (text.match(/\b[a-z_][a-z0-9_]+\b/g) ?? []).filter((t) => !STOP_WORDS.has(t));
  const terms = [...tokens];
  for (let i = 1; i < tokens.length; i++) terms.push(`${tokens[i - 1]} ${tokens[i]}`);
  return terms;
}

/** arxiv-sanity-lite's TF-IDF vectors of `docs` (same order). */
export function sanityTfidf(docs: readonly BaselineDoc[], settings = { minDf: 5, maxDf: 0.1, maxFeatures: 20_000 }): SparseVector[] {
  const counts = docs.map((doc) => {
    const tf = new Map<string, number>();
    for (const term of sanityTerms(doc)) tf.set(term, (tf.get(term) ?? 0) + 1);
    return tf;
  });
  const df = new Map<string, number>();
  const total = new Map<string, number>();
  for (const tf of counts) {
    for (const [term, n] of tf) {
      df.set(term, (df.get(term) ?? 0) + 1);
      total.set(term, (total.get(term) ?? 0) + n);
    }
  }
  const n = docs.length;
  const kept = [...df]
    .filter(([, d]) => d >= settings.minDf && d <= settings.maxDf * n)
    .map(([term]) => term)
    // max_features: the most frequent over the corpus (scikit-learn breaks ties by term order).
    .sort((a, b) => total.get(b)! - total.get(a)! || (a < b ? -1 : 1))
    .slice(0, settings.maxFeatures)
    .sort();
  const index = new Map(kept.map((term, i) => [term, i]));
  const idf = kept.map((term) => Math.log((1 + n) / (1 + df.get(term)!)) + 1);
  return counts.map((tf) => {
    const entries = [...tf]
      .flatMap(([term, count]) => {
        const i = index.get(term);
        return i === undefined ? [] : [[i, (1 + Math.log(count)) * idf[i]!] as const];
      })
      .sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, w]) => s + w * w, 0)) || 1;
    return { terms: Int32Array.from(entries.map(([i]) => i)), weights: Float64Array.from(entries.map(([, w]) => w / norm)) };
  });
}

/** For each document, the `k` others with the largest cosine (exact: every pair, through an inverted index). */
export function exactCosine(vectors: readonly SparseVector[], k: number): number[][] {
  const postings = new Map<number, { doc: number; w: number }[]>();
  vectors.forEach((v, doc) => {
    v.terms.forEach((t, j) => {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push({ doc, w: v.weights[j]! });
    });
  });
  const scores = new Float64Array(vectors.length);
  return vectors.map((v, doc) => {
    scores.fill(0);
    v.terms.forEach((t, j) => {
      for (const p of postings.get(t)!) scores[p.doc]! += v.weights[j]! * p.w;
    });
    scores[doc] = -1;
    return topK(scores, k);
  });
}

/**
 * arxiv-sanity-lite's "similar" for document `query`: its SVM ({@link svmScores}) with `query`
 * as the one positive; the `k` other documents with the largest decision values.
 */
export function svmNeighbours(vectors: readonly SparseVector[], query: number, k: number, dims: number, c = 0.01): number[] {
  const scores = svmScores(vectors, new Set([query]), dims, c);
  scores[query] = Number.NEGATIVE_INFINITY;
  return topK(scores, k);
}

/**
 * arxiv-sanity-lite's SVM (serve.py; its recommendations fit one over a user's tagged papers):
 * a LinearSVC (squared hinge, L2, C, balanced class weights, an intercept as a constant
 * feature of 1) with `positives` positive and every other document negative, by dual
 * coordinate descent (Hsieh et al. 2008, liblinear). The decision value of every document.
 */
export function svmScores(vectors: readonly SparseVector[], positives: ReadonlySet<number>, dims: number, c = 0.01): Float64Array {
  const n = vectors.length;
  const w = new Float64Array(dims + 1); // the last one: the intercept's weight
  const alpha = new Float64Array(n);
  // Balanced weights: n / (2 · class size); the squared hinge's diagonal term is 1 / (2 C_i).
  const cPos = c * (n / (2 * positives.size));
  const cNeg = c * (n / (2 * (n - positives.size)));
  const diag = (i: number) => 1 / (2 * (positives.has(i) ? cPos : cNeg));
  const qii = vectors.map((v, i) => v.weights.reduce((s, x) => s + x * x, 0) + 1 + diag(i));
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = Math.min(...positives) + 1;
  for (let epoch = 0; epoch < 200; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let maxPg = 0;
    for (const i of order) {
      const v = vectors[i]!;
      const y = positives.has(i) ? 1 : -1;
      let wx = w[dims]!;
      for (let j = 0; j < v.terms.length; j++) wx += w[v.terms[j]!]! * v.weights[j]!;
      const g = y * wx - 1 + diag(i) * alpha[i]!;
      const pg = alpha[i]! > 0 ? g : Math.min(g, 0);
      maxPg = Math.max(maxPg, Math.abs(pg));
      if (pg !== 0) {
        const old = alpha[i]!;
        alpha[i] = Math.max(old - g / qii[i]!, 0);
        const step = (alpha[i]! - old) * y;
        for (let j = 0; j < v.terms.length; j++) w[v.terms[j]!]! += step * v.weights[j]!;
        w[dims]! += step;
      }
    }
    if (maxPg < 1e-3) break;
  }
  const scores = new Float64Array(n);
  vectors.forEach((v, i) => {
    let s = w[dims]!;
    for (let j = 0; j < v.terms.length; j++) s += w[v.terms[j]!]! * v.weights[j]!;
    scores[i] = s;
  });
  return scores;
}

/** The cosine of every document with the mean of the vectors of `liked` (documents). */
export function centroidScores(vectors: readonly SparseVector[], liked: readonly number[]): Float64Array {
  const centroid = new Map<number, number>();
  for (const doc of liked) {
    const v = vectors[doc]!;
    v.terms.forEach((t, j) => centroid.set(t, (centroid.get(t) ?? 0) + v.weights[j]! / liked.length));
  }
  const norm = Math.sqrt([...centroid.values()].reduce((s, w) => s + w * w, 0)) || 1;
  return Float64Array.from(vectors, (v) => v.terms.reduce((s, t, j) => s + (centroid.get(t) ?? 0) * v.weights[j]!, 0) / norm);
}

function topK(scores: Float64Array, k: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
}
