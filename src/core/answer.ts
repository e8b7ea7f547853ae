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
  /** Buttons. Each carries the command text that a click runs. */
  actions: Action[];
  /** Paging state when the answer is one page of a longer list. */
  page?: PageInfo;
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
  /** Why this paper was picked for this recipient, e.g. "matches your follow: grokking". */
  reasons: string[];
  /** The recipient's own vote on it, if any. */
  vote?: Vote;
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
}

/**
 * A button. `command` is the command text (as typed, without the leading slash) that
 * the click runs, e.g. "search grokking 2" or "vote 2401.01234 up"; adapters pass it
 * back to `Core.run` when clicked.
 */
export type Action =
  | { kind: 'page'; direction: 'prev' | 'next'; label: string; command: string }
  | { kind: 'vote'; paperId: string; vote: Vote; label: string; command: string }
  | { kind: 'follow'; topic: string; label: string; command: string };

/** An answer that is only a notice (confirmation, refusal, error). */
export function noticeAnswer(title: string, notice: Notice, lines: string[] = []): Answer {
  return { title, cards: [], lines, notice, actions: [], visibility: 'personal' };
}
