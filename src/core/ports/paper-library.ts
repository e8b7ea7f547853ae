import type { Paper, PaperInput } from '../paper.ts';
import type { ReindexProgress } from './content-index.ts';

/** What storing a batch of papers did. `inserted + updated + unchanged` papers are now stored. */
export interface StoreResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** One page of search results. */
export interface SearchPage {
  papers: Paper[];
  /** True when there are more results after this page. */
  hasMore: boolean;
  /** Set when the query as typed matched nothing and these are the results for this spelling instead. */
  correctedTo?: string;
}

/** A search as the library runs it (the command layer has already taken ids and `author:` apart). */
export interface SearchQuery {
  /** websearch syntax: words, "quoted phrases", -exclusion, OR. May be empty when `authors` is set. */
  text: string;
  /** Only papers with an author of each of these names (or with it as a whole part of their name), case-insensitive. */
  authors?: readonly string[] | undefined;
  limit: number;
  offset: number;
}

/** Options of {@link PaperLibrary.storeInBulk}. */
export interface BulkStoreOptions {
  /** Batches written at once, each on its own connection (default 2). */
  writers?: number;
  /** Called after each committed batch. */
  onProgress?: (stored: number, total: number) => void;
  /** Called as the stored papers are indexed in the content model, after the last batch. */
  onIndexProgress?: (progress: ReindexProgress) => void;
  now?: Date;
}

/**
 * The papers the bot knows: looked up, searched and stored. Implemented over Postgres in
 * `src/db`; every method is safe to call concurrently.
 */
export interface PaperLibrary {
  /** One paper by versionless arXiv id. */
  find(id: string): Promise<Paper | undefined>;
  /** Papers by id (in no particular order); ids that are not stored are left out. */
  findMany(ids: readonly string[]): Promise<Map<string, Paper>>;
  /** Just the titles of papers by id (for reasons that name a paper); ids that are not stored are left out. */
  titles(ids: readonly string[]): Promise<Map<string, string>>;
  /** The latest day (on or before `onOrBefore`, when given) that has papers; undefined for an empty library. */
  latestListedDay(onOrBefore?: string): Promise<string | undefined>;
  /** The earliest day that has papers; undefined for an empty library. */
  earliestListedDay(): Promise<string | undefined>;
  /**
   * Full-text search in relevance tiers (title; title, keywords or authors; anywhere), newest
   * first within a tier, with a spelling fallback when nothing matches.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /** Whether `text` yields any search terms (stop words alone, like "the", match nothing). */
  hasSearchTerms(text: string): Promise<boolean>;
  /**
   * Inserts new papers and merges known ones (fresh counts, empty fields filled in, nothing
   * overwritten), all in one transaction: a batch is stored whole or not at all.
   */
  store(papers: readonly PaperInput[], now?: Date): Promise<StoreResult>;
  /** {@link store} for imports: committed in batches, several at a time; a failed batch leaves the others stored. */
  storeInBulk(papers: readonly PaperInput[], options?: BulkStoreOptions): Promise<StoreResult>;
  /** Whether no paper is stored at all. */
  isEmpty(): Promise<boolean>;
  /** How many papers are stored (what paperboy serves while the upstreams cannot be reached). */
  count(): Promise<number>;
  /** When the newest paper of the latest listed week was first stored (grows when ingestion stalls); undefined when empty. */
  lastAddedAt(): Promise<Date | undefined>;
}
