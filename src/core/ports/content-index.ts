/**
 * A sparse TF-IDF vector over the content model's terms (stemmed words and two-word phrases):
 * parallel arrays, `terms` ascending, no zero weights. Vectors the index gives out are
 * L2-normalised (length 1), so the dot product of two of them is their cosine similarity; an
 * empty vector (a paper with nothing distinctive) is similar to nothing.
 */
export interface TermVector {
  /** Term ids, ascending; only meaningful to the index that gave them out (see `ContentIndex.termLabels`). */
  readonly terms: readonly number[];
  /** The weight of each term, parallel to `terms`. */
  readonly weights: readonly number[];
}

/** A paper found by {@link ContentIndex.nearest}. */
export interface Neighbour {
  paperId: string;
  /**
   * The dot product with the query over the postings that were read: exact for the query terms
   * whose postings were read as far as the paper, 0 for the others (a lower bound of the full
   * dot product). Rescore with the paper's vector when the exact value matters.
   */
  score: number;
}

/** Options of {@link ContentIndex.nearest}. */
export interface NearestOptions {
  /** How many papers to return at most, best first. */
  limit: number;
  /** Papers never returned (the query paper itself, papers already shown or voted on). */
  exclude?: readonly string[];
  /**
   * Postings read in all (default 28,000), strongest first within each query term, shared
   * among the terms in proportion to their squared weight (their share of the query's length),
   * at least 50 each (or `budget`, when smaller). This bounds the cost however large the
   * library; on a million synthetic papers the default found ~90 % of the exact top 5
   * (bench/measures/similar.ts).
   */
  budget?: number;
}

/** How far an indexing run has got. */
export interface ReindexProgress {
  /** 'counting': document frequencies; 'vectors': each paper's vector and postings. */
  phase: 'counting' | 'vectors';
  done: number;
  total: number;
}

/** What a full reindex did. */
export interface ReindexResult {
  /** Papers indexed (each has a vector now, possibly empty). */
  papers: number;
  /** Distinct terms in the library (words and two-word phrases, including ones too rare or too common to be used). */
  terms: number;
  /** Of those, the terms papers may be compared on (in at least two papers and at most the common-term limit). */
  usableTerms: number;
  /** Milliseconds taken. */
  ms: number;
}

/** The size of the content model, for operators. */
export interface ContentStats {
  /** Papers with a vector. */
  indexed: number;
  /** Stored papers without one yet (stored by an import that did not finish indexing, or before the model existed). */
  pending: number;
  /** The library size the document frequencies were counted on. */
  counted: number;
  /** Distinct terms known. */
  terms: number;
  /** When the last full reindex finished, if ever. */
  reindexedAt: Date | undefined;
  /**
   * The stored vectors were built by an older version of the model (another weighting) than
   * the running code's: they still compare, with the older quality, until a full reindex
   * (`paperboy reindex`) rebuilds them all. False for an empty library.
   */
  stale: boolean;
}

/**
 * What papers are about: a TF-IDF model over their titles, keywords, authors and abstracts,
 * kept up to date by ingestion (`PaperLibrary.store` indexes the papers it writes) and rebuilt
 * by {@link reindex}. Vectors and retrieval live here; scores and explanations are the core's
 * (`core/ranking/term-vector.ts`), so every feature ranks by one definition.
 */
export interface ContentIndex {
  /**
   * The stored vectors of these papers. Papers not indexed yet are absent; an indexed paper
   * with nothing distinctive has an empty vector.
   */
  vectors(paperIds: readonly string[]): Promise<Map<string, TermVector>>;
  /**
   * Free text (a follow topic, a query) as a vector with the current document frequencies,
   * treated like a title. Words the library does not know, or that are too common, are left
   * out: the vector is empty when nothing is left.
   */
  textVector(text: string): Promise<TermVector>;
  /**
   * The papers with the largest dot product with `vector`, best first, read from impact-ordered
   * postings: for each query term only its strongest papers, within a budget of postings (see
   * {@link NearestOptions.budget}, and {@link Neighbour.score} for what is exact). A paper that
   * is in none of the lists read is never returned.
   */
  nearest(vector: TermVector, options: NearestOptions): Promise<Neighbour[]>;
  /**
   * Readable labels of terms ("language models" for the stems `languag model`): the words the
   * papers holding them use most. `from`: papers known to hold the terms (the two papers a card
   * compares), read instead of looking some up. A term none of them holds is labelled with its
   * stems. Unknown ids are left out.
   */
  termLabels(termIds: readonly number[], options?: { from?: readonly string[] }): Promise<Map<number, string>>;
  /**
   * Recounts document frequencies over the whole library and rebuilds every paper's vector.
   * The index stays usable meanwhile (papers are rewritten a chunk at a time).
   */
  reindex(options?: { onProgress?: (progress: ReindexProgress) => void }): Promise<ReindexResult>;
  /** How large the model is, and how many papers wait to be indexed. */
  stats(): Promise<ContentStats>;
}
