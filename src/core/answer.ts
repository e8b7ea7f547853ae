/**
 * The platform-neutral answer every command returns. Each adapter has one renderer that
 * turns it into its platform's idiom (Discord embeds and buttons, Telegram HTML and an
 * inline keyboard, plain text in the terminal). Strings here are plain text: renderers
 * escape them for their markup.
 */
export interface Answer {
  /** One line heading the answer, e.g. "Papers for 2026-11-27". */
  title: string;
  /** A second line of context, e.g. "Nothing yet for today; showing 2026-11-26." */
  subtitle?: string;
  /** Papers, in the order to show them. */
  cards: PaperCard[];
  /** Plain text lines (help, a list of follows, settings), shown after the cards. */
  lines: string[];
  /** A message about the request itself: confirmation, refusal or error. */
  notice?: Notice;
  /** Buttons, as typed actions; adapters encode them with the core's action codec and label them. */
  actions: Action[];
  /** Paging state when the answer is one page of a longer list. */
  page?: PageInfo;
  /** The answer is one paper in detail (`paper <id>`): its only card, the abstract in `lines`. Adapters show it whole, picture included. */
  detail?: true;
  /**
   * 'personal' answers (follows, confirmations, errors) should be shown only to the
   * person who asked where the platform can (Discord ephemeral replies).
   */
  visibility: 'public' | 'personal';
}

/** One paper as shown to a user. */
export interface PaperCard {
  /** arXiv id without version, e.g. "2401.01234". */
  id: string;
  title: string;
  /** Author names in paper order (renderers shorten long lists). */
  authors: string[];
  /** The day the paper is listed under ('YYYY-MM-DD'), if known. */
  date: string | null;
  upvotes: number;
  comments: number;
  links: PaperLinks;
  /** A short abstract (or AI summary) snippet, at most ~300 characters. */
  snippet: string;
  /** Why this paper was picked for this recipient (rendered with `reasonText`, or in an adapter's own words). */
  reasons: Reason[];
  /** The recipient's own vote on it, if any. */
  vote?: Vote;
  /** An image of the paper (Hugging Face's thumbnail), when it has one. Adapters link it; none fetches it. */
  thumbnail?: string;
}

export interface PaperLinks {
  huggingFace: string;
  arxiv: string;
  pdf: string;
  github?: string;
  projectPage?: string;
}

export type Vote = 'up' | 'down';

export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  tone: Tone;
  text: string;
  /** For errors: a short id to quote when reporting it (the full error is in the logs). */
  reference?: string;
}

export interface PageInfo {
  /** 1-based. */
  number: number;
  hasPrev: boolean;
  hasNext: boolean;
  /** How many items come before this page (default 0): renderers number its cards from `offset + 1`. */
  offset?: number;
}

/** A command and its arguments, as `Core.execute` takes them (validated by the command's schema). */
export interface CommandCall {
  command: string;
  args: Record<string, unknown>;
}

/**
 * A button, as typed data. Adapters turn it into a platform payload with the core's action
 * codec (`Core.actions`) and hand the decoded action back to `Core.click`; they never read
 * meaning back from a label or a payload.
 */
export type Action =
  /** ◀ ▶: runs `call`, the same command for another page. */
  | { kind: 'page'; direction: 'prev' | 'next'; call: CommandCall }
  /** 👍/👎 on a paper; 'clear' takes the recipient's vote back. */
  | { kind: 'vote'; paperId: string; vote: Vote | 'clear' }
  /** Follow (or, with `follow: false`, unfollow) a topic. */
  | { kind: 'follow'; topic: string; follow: boolean }
  /** More like this: the papers closest in content to a paper (`similar`). */
  | { kind: 'similar'; paperId: string };

/** Why a paper was picked for a recipient. Stored with each digest, rendered by adapters. */
export type Reason =
  /** It matches one of the recipient's follows, shown as `followText` shows it (`grokking`, `author:…`, `cat:…`). */
  | { kind: 'follow'; follow: string }
  /**
   * It resembles papers the recipient 👍 (and not the ones they 👎): `paper` is the voted paper
   * that adds most to the likeness. Optional: digests stored before profiles have none.
   */
  | { kind: 'liked'; paper?: { id: string; title: string } }
  /** One of the best papers of a day, for a recipient that follows nothing: `day` null means the digest's own day. */
  | { kind: 'top'; day: string | null }
  /** It is about the same things as the paper it was found from (`similar`): the terms they share most, in words. */
  | { kind: 'shares'; terms: string[] }
  /** A search result with most but not all of the query's words: the ones it has, and the ones it lacks (a phrase is one). */
  | { kind: 'matched'; words: string[]; missing: string[] }
  /** It is about the same things as a topic the recipient follows, without having all of its words (`followText`). */
  | { kind: 'related'; follow: string };

/** An answer that is only a notice (confirmation, refusal, error). */
export function noticeAnswer(title: string, notice: Notice, lines: string[] = []): Answer {
  return { title, cards: [], lines, notice, actions: [], visibility: 'personal' };
}
