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
  /** For the papers of this page that have most but not all of the query's words: the words they have and lack, as typed. */
  partial?: ReadonlyMap<string, { words: string[]; missing: string[] }>;
}

/** A search result as a {@link TieBreak} sees it. */
export interface SearchCandidate {
  id: string;
  /** The day the paper is listed under ('YYYY-MM-DD'), if known. */
  listedOn: string | null;
  upvotes: number;
}

/**
 * Scores that order papers of equal relevance (higher first): the same words matched in the
 * same places. Called once per search with the papers whose order it may decide (a bounded
 * pool, a few hundred at most); a paper missing from the map scores 0. Without one, equally
 * relevant papers are listed newest first.
 */
export type TieBreak = (candidates: readonly SearchCandidate[]) => Promise<ReadonlyMap<string, number>> | ReadonlyMap<string, number>;

/** A search as the library runs it (the command layer has already taken ids and `author:` apart). */
export interface SearchQuery {
  /** websearch syntax: words, "quoted phrases", -exclusion, OR. May be empty when `authors` is set. */
  text: string;
  /** Only papers with an author of each of these names (or with it as a whole part of their name), case-insensitive. */
  authors?: readonly string[] | undefined;
  limit: number;
  offset: number;
  /** Orders equally relevant papers (default: newest first). The same function must be passed for every page of one search. */
  tieBreak?: TieBreak | undefined;
}

/** A window of days for {@link PaperLibrary.trending}. */
export interface TrendingQuery {
  /** The first day ('YYYY-MM-DD'), included. */
  from: string;
  /** The last day, included. */
  to: string;
  limit: number;
  offset: number;
}

/** One page of a list of papers. */
export interface PaperPage {
  papers: Paper[];
  /** True when there are more papers after this page. */
  hasMore: boolean;
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
   * Full-text search ranked by relevance: papers with all the words first, then (for queries of
   * two or more terms) papers with most of them, down to half; within each, by which words
   * match where (title above keywords and authors above abstract) with rarer words weighing
   * more; equally relevant papers by {@link SearchQuery.tieBreak}. A misspelt word that makes
   * the query match nothing is replaced by the nearest stored title word. The exact rule, and
   * where it is bounded for common words, is in `src/db/paper-search.ts`.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * The papers listed from `from` to `to` that have upvotes, most upvoted first (then newest,
   * then by id). Costs in proportion to the window's papers, not the library's.
   */
  trending(query: TrendingQuery): Promise<PaperPage>;
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
