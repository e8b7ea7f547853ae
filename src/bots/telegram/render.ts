import type { LinkPreviewOptions } from 'grammy/types';
import { actionLabel, reasonText } from '../../core/actions/action-label.ts';
import type { Action, Answer, Notice, PaperCard, Vote } from '../../core/answer.ts';
import { escapeHtml, fitPlain, isWebUrl, link, shorten } from './html.ts';

/** Telegram's limit for one message's text. We count raw HTML, which is stricter than Telegram's count after parsing. */
export const MESSAGE_LIMIT = 4096;

/** A button before its action is encoded into Telegram `callback_data` (see `toInlineKeyboard`): the label and what a click does. */
export interface TelegramButton {
  text: string;
  action: Action;
}

/** One Telegram message: HTML text (parse_mode HTML) and inline keyboard rows. */
export interface TelegramMessage {
  html: string;
  keyboard: TelegramButton[][];
  /**
   * A page to show as a large link preview above the text (a paper's Hugging Face page, whose
   * picture Telegram shows); undefined: no preview. Sent as `linkPreviewOptions(message)`.
   */
  preview?: string;
}

export interface RenderOptions {
  /**
   * How many messages the answer may take. Default 1: chat replies are one message so
   * ◀ ▶ can edit it in place; cards that do not fit are shortened, then listed by id.
   * Scheduled posts may allow more and are split between cards instead.
   */
  maxMessages?: number;
  /** Characters per message. Default `MESSAGE_LIMIT`. */
  limit?: number;
  /**
   * Lead with the first card's picture (a preview of its page above the message that holds it),
   * when it has one: for scheduled posts. Default false: lists stay compact. A paper in detail
   * (`paper <id>`) always shows its picture.
   */
  leadImage?: boolean;
}

/** The mark on the 👍/👎 button matching the recipient's current vote. */
export const CHOSEN_MARK = ' ✓';

/** Longest label of a Follow / Following button. */
export const FOLLOW_LABEL_MAX = 60;

const TONE_ICON: Record<Notice['tone'], string> = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' };

/** How much of each card to show; renders try each level until the answer fits. */
interface Detail {
  titleMax: number;
  authorsMax: number;
  snippetMax: number;
  reasons: boolean;
  /** GitHub and project-page links (their URLs can be long). */
  extraLinks: boolean;
}

const DETAILS: readonly Detail[] = [
  { titleMax: 300, authorsMax: 6, snippetMax: 300, reasons: true, extraLinks: true },
  { titleMax: 200, authorsMax: 4, snippetMax: 140, reasons: true, extraLinks: true },
  { titleMax: 140, authorsMax: 2, snippetMax: 0, reasons: false, extraLinks: false },
];

interface Block {
  html: string;
  /** Separator before this block when it follows another in the same message. */
  sep: string;
  /** Index into `answer.cards` for card blocks. */
  card?: number;
}

/**
 * Renders a platform-neutral answer as Telegram HTML and inline keyboards. Every string
 * from a paper or a user is escaped; no message exceeds the limit and none is cut inside
 * a tag (text is shortened before it is escaped). Each card gets a row of 👍/👎 buttons
 * labelled with its number; "Follow …" buttons and the ◀ ▶ row go under the last message.
 * A paper in detail, and with `leadImage` the first card, brings its picture (`preview`).
 */
export function renderAnswer(answer: Answer, options: RenderOptions = {}): TelegramMessage[] {
  const limit = options.limit ?? MESSAGE_LIMIT;
  const maxMessages = Math.max(1, options.maxMessages ?? 1);
  const head = headBlocks(answer, limit);
  const lines = lineBlocks(answer.lines, limit);

  // A later page numbers its cards on from the pages before it.
  const first = (answer.page?.offset ?? 0) + 1;
  let packed: Block[][] | undefined;
  for (const detail of DETAILS) {
    const cards = answer.cards.map((card, index) => cardBlock(card, index, first + index, detail));
    if (cards.some((card) => card.html.length > limit)) continue;
    packed = pack([...head, ...cards, ...lines], limit);
    if (packed.length <= maxMessages) break;
  }
  if (!packed || packed.length > maxMessages) packed = dropToFit(answer, head, lines, limit, maxMessages, first);
  const preview = pictured(answer, options.leadImage ?? false);
  return packed.map((blocks, index) => ({
    html: blocks.map((block, i) => (i === 0 ? block.html : block.sep + block.html)).join(''),
    keyboard: keyboardFor(answer, blocks, index === packed!.length - 1, first),
    // On the message that shows the first card (unless it had to be dropped to fit).
    ...(preview && blocks.some((block) => block.card === 0) ? { preview } : {}),
  }));
}

/**
 * How a paper's picture is shown on Telegram: as a large link preview of its Hugging Face page
 * above the text, not as a photo (`sendPhoto` with the thumbnail URL). Telegram builds the preview
 * from the page's og:image, which is that same thumbnail, so we never fetch the image and the
 * answer stays a text message: up to 4096 characters where a caption takes 1024 (a paper's
 * abstract or a post of several cards does not fit a caption), paged in place with
 * `editMessageText` like every other answer, and still delivered when Telegram cannot load the
 * picture (a photo it cannot fetch fails the whole send). A card without a thumbnail falls back
 * to plain text: no preview, as for every other answer.
 */
export function linkPreviewOptions(message: Pick<TelegramMessage, 'preview'>): LinkPreviewOptions {
  return message.preview ? { url: message.preview, prefer_large_media: true, show_above_text: true } : { is_disabled: true };
}

/**
 * The page whose preview shows the answer's picture: the first card's Hugging Face page when
 * the answer is a paper in detail or `lead` asks for it, and the card has a thumbnail.
 */
function pictured(answer: Answer, lead: boolean): string | undefined {
  const card = answer.cards[0];
  if (!card?.thumbnail || !(lead || answer.detail)) return undefined;
  return isWebUrl(card.thumbnail) && isWebUrl(card.links.huggingFace) ? card.links.huggingFace : undefined;
}

function headBlocks(answer: Answer, limit: number): Block[] {
  const pageNote = answer.page && (answer.page.hasPrev || answer.page.hasNext) ? ` · page ${answer.page.number}` : '';
  const blocks: Block[] = [{ html: `<b>${fitPlain(shorten(answer.title, 256), 600, escapeHtml)}</b>${pageNote}`, sep: '' }];
  if (answer.subtitle) blocks.push({ html: `<i>${fitPlain(answer.subtitle, 500, escapeHtml)}</i>`, sep: '\n' });
  if (answer.notice) {
    const icon = TONE_ICON[answer.notice.tone];
    blocks.push({ html: `${icon} ${fitPlain(answer.notice.text, Math.min(1500, limit - 10))}`, sep: '\n\n' });
  }
  return blocks;
}

function lineBlocks(lines: readonly string[], limit: number): Block[] {
  return lines.map((line, index) => ({ html: fitPlain(line, Math.floor(limit / 2)), sep: index === 0 ? '\n\n' : '\n' }));
}

/** Card `index` of the answer, shown as number `number`. */
function cardBlock(card: PaperCard, index: number, number: number, detail: Detail): Block {
  const title = link(card.links.huggingFace, shorten(card.title, detail.titleMax));
  const authors = card.authors.length > detail.authorsMax ? [...card.authors.slice(0, detail.authorsMax), 'et al.'] : card.authors;
  const meta = [
    ...(authors.length ? [`<i>${escapeHtml(shorten(authors.join(', '), detail.authorsMax * 50))}</i>`] : []),
    ...(card.date ? [escapeHtml(card.date)] : []),
    ...(card.upvotes > 0 ? [`▲ ${card.upvotes}`] : []),
    ...(card.comments > 0 ? [`💬 ${card.comments}`] : []),
  ];
  const links = [
    link(card.links.arxiv, 'arXiv'),
    link(card.links.pdf, 'PDF'),
    ...(detail.extraLinks && card.links.github ? [link(card.links.github, 'GitHub')] : []),
    ...(detail.extraLinks && card.links.projectPage ? [link(card.links.projectPage, 'Project page')] : []),
  ];
  const parts = [`<b>${number}.</b> ${title}`];
  if (meta.length) parts.push(meta.join(' · '));
  parts.push(links.join(' · '));
  if (detail.snippetMax > 0 && card.snippet) parts.push(escapeHtml(shorten(card.snippet, detail.snippetMax)));
  if (detail.reasons && card.reasons.length) parts.push(`<i>↳ ${escapeHtml(shorten(card.reasons.map(reasonText).join('; '), 200))}</i>`);
  return { html: parts.join('\n'), sep: '\n\n', card: index };
}

/** Greedy packing: blocks in order, a new message whenever the next block would overflow. */
function pack(blocks: readonly Block[], limit: number): Block[][] {
  const messages: Block[][] = [];
  let current: Block[] = [];
  let length = 0;
  for (const block of blocks) {
    const added = current.length === 0 ? block.html.length : block.sep.length + block.html.length;
    if (current.length > 0 && length + added > limit) {
      messages.push(current);
      current = [];
      length = 0;
    }
    current.push(current.length === 0 ? { ...block, sep: '' } : block);
    length += current.length === 1 ? block.html.length : added;
  }
  if (current.length) messages.push(current);
  return messages;
}

/**
 * Last resort at the smallest card detail: drop cards from the end (listing them by id,
 * linked, so nothing is lost) and then trailing lines, until the answer fits.
 */
function dropToFit(answer: Answer, head: Block[], lines: Block[], limit: number, maxMessages: number, first: number): Block[][] {
  const detail = DETAILS[DETAILS.length - 1]!;
  // A card still too long for a message on its own (only with a tiny limit) shrinks to its number and id.
  const cards = answer.cards.map((card, index) => {
    const block = cardBlock(card, index, first + index, detail);
    return block.html.length <= limit ? block : { ...block, html: `<b>${first + index}.</b> ${link(card.links.huggingFace, card.id)}` };
  });
  let keptLines = lines;
  for (let kept = cards.length; kept >= 0; kept--) {
    const dropped = answer.cards.slice(kept);
    const more: Block[] = dropped.length
      ? [{ html: `<i>Did not fit:</i> ${dropped.map((card) => link(card.links.huggingFace, card.id)).join(' · ')}`, sep: '\n\n' }]
      : [];
    const packed = pack([...head, ...cards.slice(0, kept), ...more, ...keptLines], limit);
    if (packed.length <= maxMessages) return packed;
  }
  // Even without cards the lines overflow: keep as many lines as fit, then say so.
  const ellipsis: Block = { html: '…', sep: '\n' };
  while (keptLines.length > 0) {
    keptLines = keptLines.slice(0, -1);
    const packed = pack([...head, ...keptLines, ellipsis], limit);
    if (packed.length <= maxMessages) return packed;
  }
  return pack(head, limit).slice(0, maxMessages);
}

function keyboardFor(answer: Answer, blocks: readonly Block[], isLast: boolean, first: number): TelegramButton[][] {
  const rows: TelegramButton[][] = [];
  for (const block of blocks) {
    if (block.card === undefined) continue;
    const card = answer.cards[block.card]!;
    const votes = answer.actions.filter((a): a is Extract<Action, { kind: 'vote' }> => a.kind === 'vote' && a.paperId === card.id);
    const similar = answer.actions.filter((a) => a.kind === 'similar' && a.paperId === card.id);
    const row = [
      ...votes.map((action) => voteButton(first + block.card!, card, action)),
      ...similar.map((action) => ({ text: `${first + block.card!} ${actionLabel(action)}`, action })),
    ];
    if (row.length) rows.push(row);
  }
  if (!isLast) return rows;
  for (const action of answer.actions) {
    if (action.kind === 'follow') rows.push([followButton(action)]);
  }
  const paging = answer.actions.filter((a) => a.kind === 'page');
  paging.sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'prev' ? -1 : 1));
  if (paging.length) rows.push(paging.map((action) => ({ text: actionLabel(action), action })));
  return rows;
}

/**
 * A 👍/👎 button labelled with the card's number. The one matching the recipient's vote
 * carries the ✓ and clears the vote when clicked again.
 */
function voteButton(number: number, card: PaperCard, action: Extract<Action, { kind: 'vote' }>): TelegramButton {
  return action.vote === 'clear'
    ? { text: `${number} ${actionLabel(action)}`, action }
    : markedVoteButton(`${number} `, card.id, action.vote, card.vote === action.vote);
}

/**
 * The 👍 or 👎 button of a paper, after `prefix` (the card number and a space, or nothing).
 * When `chosen` (it is the recipient's vote) it reads "👍 ✓" and a click clears the vote.
 * Used for new answers and when a click re-marks a posted keyboard.
 */
export function markedVoteButton(prefix: string, paperId: string, vote: Vote, chosen: boolean): TelegramButton {
  const label = `${prefix}${actionLabel({ kind: 'vote', paperId, vote })}`;
  return chosen ? { text: label + CHOSEN_MARK, action: { kind: 'vote', paperId, vote: 'clear' } } : { text: label, action: { kind: 'vote', paperId, vote } };
}

/** A Follow (or ✓ Following, which unfollows) button. */
export function followButton(action: Extract<Action, { kind: 'follow' }>): TelegramButton {
  return { text: shorten(actionLabel(action), FOLLOW_LABEL_MAX), action };
}
