import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database as Kysely sees it: the single source of truth for rows.
 * Row types derived from these interfaces never leave `src/db`; the port
 * implementations map them to the domain types in `src/core`.
 */
export interface Database {
  papers: PapersTable;
  recipients: RecipientsTable;
  follows: FollowsTable;
  feedback: FeedbackTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  delivered_papers: DeliveredPapersTable;
  ingest_runs: IngestRunsTable;
  action_tokens: ActionTokensTable;
  vocabulary: VocabularyTable;
  content_terms: ContentTermsTable;
  content_stats: ContentStatsTable;
  content_vectors: ContentVectorsTable;
  content_postings: ContentPostingsTable;
  content_df_staging: ContentDfStagingTable;
  mutes: MutesTable;
  recipient_profiles: RecipientProfilesTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `date` column: read as 'YYYY-MM-DD' (see the type parser in create-db.ts). */
type DateColumn = ColumnType<string, string, string>;

export type PaperSource = 'hf' | 'arxiv' | 'import';

export interface PapersTable {
  /** arXiv id without its version suffix: `2401.01234`, never `2401.01234v2`. */
  id: string;
  title: string;
  abstract: ColumnType<string, string | undefined, string>;
  /** Author names in paper order. */
  authors: ColumnType<string[], string[] | undefined, string[]>;
  /** arXiv v1 publication instant. */
  published_at: Date | null;
  /** The day the paper was featured on Hugging Face daily papers. */
  featured_on: DateColumn | null;
  /** The day the paper is listed under: featured_on, else the UTC date of published_at (generated). */
  listed_on: ColumnType<string | null, never, never>;
  upvotes: ColumnType<number, number | undefined, number>;
  comments: ColumnType<number, number | undefined, number>;
  ai_summary: string | null;
  ai_keywords: ColumnType<string[], string[] | undefined, string[]>;
  github_repo: string | null;
  project_page: string | null;
  thumbnail: string | null;
  categories: ColumnType<string[], string[] | undefined, string[]>;
  primary_category: string | null;
  sources: ColumnType<PaperSource[], PaperSource[] | undefined, PaperSource[]>;
  first_seen_at: CreatedAt;
  last_seen_at: UpdatedAt;
  /** Weighted tsvector (generated): title A, keywords and authors B, abstract C. */
  search: ColumnType<string, never, never>;
}

export type Platform = string;
export type RecipientKind = 'user' | 'channel';

export interface RecipientsTable {
  id: Generated<number>;
  /** Adapter name: 'telegram', 'discord', 'terminal', … Core never interprets it. */
  platform: Platform;
  /** The platform's id of the chat, channel or user this recipient receives in. */
  external_id: string;
  kind: RecipientKind;
  created_at: CreatedAt;
  /** The IANA timezone last given to `subscribe` or `settings`, the default of a new subscription (migration 2026_11_30_020100). */
  timezone: ColumnType<string | null, string | null | undefined, string | null>;
}

export type FollowKind = 'topic' | 'author' | 'category';

export interface FollowsTable {
  id: Generated<number>;
  recipient_id: number;
  kind: FollowKind;
  /** Normalised value used for matching and de-duplication. */
  value: string;
  /** What the user typed (tidied), shown back to them. */
  label: string;
  created_at: CreatedAt;
}

/** What a recipient never wants to see (migration 2026_11_30_150000): stored as follows are. */
export type MutesTable = FollowsTable;

/** One stored source of a profile: a voted paper, or a topic follow as `followText` shows it. */
export type StoredProfileSource = { paper: string } | { follow: string };

/** A profile's data as `recipient_profiles.data` holds it (JSON). */
export interface StoredProfileData {
  /** content_terms ids, ascending, their weights, and the index of the source adding most to each (-1: none). */
  terms: number[];
  weights: number[];
  termSources: number[];
  /** Affinity items (the core's keys for keywords, authors and categories), their weights and sources. */
  items: string[];
  itemWeights: number[];
  itemSources: number[];
  /** The recent 👎 papers' vectors summed: ascending term ids and weights. */
  dislikeTerms: number[];
  dislikeWeights: number[];
  /** What the source indexes name. */
  sources: StoredProfileSource[];
}

/**
 * A recipient's materialised profile (migration 2026_11_30_150000), written by the core's
 * profile builder through ProfileStore.rebuild; `stale` is set by triggers on feedback and follows.
 */
export interface RecipientProfilesTable {
  recipient_id: number;
  stale: ColumnType<boolean, boolean | undefined, boolean>;
  votes: ColumnType<number, number | undefined, number>;
  seeds: ColumnType<number, number | undefined, number>;
  /** Written as JSON text; `{}` until first built. */
  data: ColumnType<StoredProfileData | Record<string, never>, string | undefined, string>;
  built_at: Date | null;
}

export interface FeedbackTable {
  recipient_id: number;
  paper_id: string;
  /** +1 for 👍, -1 for 👎. */
  vote: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type SubscriptionStatus = 'active' | 'paused';
/** A daily digest, or a weekly one (migration 2026_11_30_130000). */
export type CadenceKind = 'daily' | 'weekly';

export interface SubscriptionsTable {
  id: Generated<number>;
  recipient_id: number;
  /** Local send time, 'HH:MM'. */
  send_time: string;
  /** IANA timezone name. */
  timezone: string;
  /** ISO weekdays to post on, 1 = Monday … 7 = Sunday. */
  weekdays: ColumnType<number[], number[] | undefined, number[]>;
  papers_per_post: ColumnType<number, number | undefined, number>;
  post_when_empty: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
  paused_reason: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** The latest local date this subscription has a delivery for ('-infinity' before the first); set when claiming. */
  claimed_through: ColumnType<string, string | undefined, string>;
  /** 'weekly' posts once a week on weekly_day (ISO, 1 = Monday); 'daily' on its weekdays. */
  cadence: ColumnType<CadenceKind, CadenceKind | undefined, CadenceKind>;
  /** Set exactly when cadence is 'weekly' (a check constraint says so). */
  weekly_day: number | null;
}

/**
 * claimed: papers chosen, waiting to be sent (lease: when another pass may take it over);
 * sending: inside the platform call (lease: when another pass may resend it, outcome unknown);
 * sent | empty (nothing to post) | gone (recipient unreachable; subscription paused) are final;
 * failed: retried by a later pass at retry_at, or given up when retry_at is null.
 */
export type DeliveryStatus = 'claimed' | 'sending' | 'sent' | 'failed' | 'empty' | 'gone';

export interface DeliveriesTable {
  id: Generated<number>;
  subscription_id: number;
  /** The subscriber's local date this delivery is for. */
  local_date: DateColumn;
  /** The first day of its period: local_date (daily) or the Monday of its local week (weekly); unique with subscription_id. */
  period: DateColumn;
  cadence: ColumnType<CadenceKind, CadenceKind | undefined, CadenceKind>;
  status: DeliveryStatus;
  /** Papers chosen at claim time, in post order. */
  paper_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** Why each paper in paper_ids was picked (same order), e.g. [{"kind":"follow","follow":"grokking"}]. Written as JSON text. */
  reasons: ColumnType<StoredReason[][], string | undefined, string>;
  claimed_by: string | null;
  lease_expires_at: Date | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
  /** For 'failed' rows: when a later pass may retry; null once given up. */
  retry_at: Date | null;
  /** The instant the post was due: the local send time on local_date. */
  due_at: Date | null;
}

/**
 * One reason a paper was picked, as `deliveries.reasons` stores it (migration 2026_11_30_000100).
 * The core's `Reason` has the same shape; it is spelled out here so that changing that type
 * fails to compile until a migration converts the stored rows.
 */
export type StoredReason =
  | { kind: 'follow'; follow: string }
  /** `paper` (the voted paper that adds most) was added with profiles: older rows have none, and still render. */
  | { kind: 'liked'; paper?: { id: string; title: string } }
  | { kind: 'top'; day: string | null }
  /** Added with `similar` (no stored row needs converting: it is a new kind, not a new shape of an old one). */
  | { kind: 'shares'; terms: string[] }
  /** Added with ranked search (a new kind too; search answers are not stored, but a digest's reasons may one day use it). */
  | { kind: 'matched'; words: string[]; missing: string[] }
  /** Added with profiles (a new kind): about the same things as a topic the recipient follows, without all its words. */
  | { kind: 'related'; follow: string };

export interface DeliveredPapersTable {
  recipient_id: number;
  paper_id: string;
  /**
   * The delivery that sent it; may name a delivery since deleted (an unsubscribe deletes its
   * deliveries; ids are never reused), and then the paper still counts as sent. No foreign key:
   * its check per row was ~45 % of recording a batch of claims (migration 210300).
   */
  delivery_id: number | null;
  created_at: CreatedAt;
}

export interface IngestRunsTable {
  id: Generated<number>;
  /** 'hf', 'arxiv' or 'import' (not checked by the database: only IngestLog.record writes it). */
  source: PaperSource;
  /** What was fetched: a date, a category, a file name. */
  target: string;
  ok: boolean;
  stored: number;
  skipped: number;
  message: string | null;
  finished_at: CreatedAt;
}

/** Button payloads too long for a platform, keyed by a short token. */
export interface ActionTokensTable {
  token: string;
  /** The action payload the token stands for (was `command` before migration 2026_11_30_000000). */
  payload: string;
  created_at: CreatedAt;
}

/** Lower-cased words (3–40 characters) of stored titles and keywords, for spelling suggestions. */
export interface VocabularyTable {
  word: string;
}

/** The content model's term dictionary (migration 2026_11_30_140000): stemmed words and two-word phrases. */
export interface ContentTermsTable {
  id: Generated<number>;
  /** A lexeme (`languag`) or two separated by a space (`languag model`). */
  term: string;
  /** How many papers hold the term (as last counted: ingestion adds, a reindex recounts). */
  df: ColumnType<number, number | undefined, number>;
  /** The term in real words ("language model"), filled in when first shown. */
  label: string | null;
}

/** One row: the library size the document frequencies were counted on. */
export interface ContentStatsTable {
  singleton: ColumnType<boolean, boolean | undefined, never>;
  papers: ColumnType<number, number | undefined, number>;
  reindexed_at: Date | null;
  /** The CONTENT_MODEL.version the vectors were built with; null: the first model, before versions were recorded. */
  model: number | null;
}

/** Each indexed paper's strongest terms, L2-normalised, under a compact key. */
export interface ContentVectorsTable {
  key: Generated<number>;
  paper_id: string;
  /** content_terms ids, ascending. */
  terms: number[];
  /** Parallel to terms. */
  weights: number[];
  /** The reindex run that last wrote this vector; null when ingestion did. */
  built_by: number | null;
}

/** content_vectors by term, strongest first (index on term, weight desc, paper_key). */
export interface ContentPostingsTable {
  term: number;
  weight: number;
  paper_key: number;
}

/** Scratch counts of a bulk indexing run (unlogged). */
export interface ContentDfStagingTable {
  run: number;
  term: string;
  n: number;
}

export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
export type PaperUpdate = Updateable<PapersTable>;
export type FollowRow = Selectable<FollowsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type RecipientRow = Selectable<RecipientsTable>;
