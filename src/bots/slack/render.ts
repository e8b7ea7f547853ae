import type { types } from '@slack/bolt';
import type { ActionCodec } from '../../core/actions/action-codec.ts';
import { actionLabel, reasonText } from '../../core/actions/action-label.ts';
import type { Action, Answer, PaperCard, Tone } from '../../core/answer.ts';
import { clip, escapeClip, escapeMrkdwn, isLinkable, link } from './mrkdwn.ts';

type Block = types.KnownBlock;
type Button = types.Button;

/** Block Kit's limits (Slack answers `invalid_blocks` past any of them). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  blocksPerHomeView: 100,
  /** A text object (section text, context element). */
  text: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  elementsPerActions: 25,
  imageUrl: 3000,
  altText: 2000,
} as const;

/** Marks our buttons' action_ids (`pb:3`); the action itself travels in the button's value. */
export const ACTION_ID_PREFIX = 'pb:';

/** A rendered answer: what chat.postMessage, a response_url or a Home tab takes. */
export interface SlackMessage {
  /** The notification and fallback text (mrkdwn). */
  text: string;
  blocks: Block[];
  /** Personal answers are shown only to the person who asked (ephemeral). */
  ephemeral: boolean;
  /** Whether some card shows an image (a post Slack refuses for an image it cannot fetch can go again without). */
  hasImages: boolean;
}

export interface RenderOptions {
  /** At most this many blocks (default 50, a message's limit; a Home tab allows 100). */
  maxBlocks?: number;
  /** Show `card.thumbnail` as each card's image accessory (default true). */
  images?: boolean;
  /** Makes action_ids unique when several answers share one surface (the Home tab). Default ''. */
  idScope?: string;
}

const TONE_ICONS: Record<Tone, string> = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' };
const MAX_AUTHORS_SHOWN = 3;
const MAX_REASONS = 3;
const CHOSEN_MARK = ' ✓';

/**
 * Every action a rendering of `answer` may carry as a button: the answer's own, and for a
 * card the recipient voted on, the "take it back" vote its chosen button turns into.
 */
export function buttonActions(answer: Answer): Action[] {
  const actions = [...answer.actions];
  for (const card of answer.cards) {
    if (card.vote && answer.actions.some((a) => a.kind === 'vote' && a.paperId === card.id)) {
      actions.push({ kind: 'vote', paperId: card.id, vote: 'clear' });
    }
  }
  return actions;
}

/** A stable key for an action, whatever the order its fields were written in. */
export function actionKey(action: Action): string {
  return stableJson(action);
}

/**
 * The button values of an answer: each action through the core's codec, within Slack's 2,000
 * characters for a value (a stored token when longer), keyed by {@link actionKey}.
 */
export async function buttonValues(codec: ActionCodec, answer: Answer): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const action of buttonActions(answer)) {
    const key = actionKey(action);
    if (!values.has(key)) values.set(key, await codec.encode(action, SLACK_LIMITS.buttonValue));
  }
  return values;
}

/**
 * Turns an Answer into Block Kit that fits Slack's limits: a header (title, subtitle, notice),
 * one section per paper card (title linked to Hugging Face, authors, ▲ upvotes and date, the
 * reasons, the snippet, the thumbnail as image accessory) followed by its 👍 👎 More like this
 * buttons, the answer's lines, then a footer (page, reference) and a row of paging and Follow
 * buttons. Cards that do not fit in `maxBlocks` are dropped from the end and counted in the
 * footer. `values` holds each action's button value (see {@link buttonValues}); actions
 * without one are left out.
 */
export function renderAnswer(answer: Answer, values: ReadonlyMap<string, string>, options: RenderOptions = {}): SlackMessage {
  const maxBlocks = options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage;
  const images = options.images ?? true;
  const ids = actionIds(options.idScope ?? '');
  const button = (action: Action, text: string, style?: 'primary' | 'danger'): Button | undefined => {
    const value = values.get(actionKey(action));
    if (value === undefined || value.length > SLACK_LIMITS.buttonValue) return undefined;
    return {
      type: 'button',
      action_id: ids(),
      value,
      text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.buttonText), emoji: true },
      ...(style ? { style } : {}),
    };
  };

  const detail = answer.detail === true;
  const head = headBlocks(answer, !detail);
  const offset = answer.page?.offset ?? 0;
  const numbered = answer.cards.length > 1 || offset > 0;
  const cards = answer.cards.map((card, i) => cardBlocks(card, numbered ? offset + i + 1 : undefined, answer, images, button));
  const lines = lineBlocks(answer.lines);
  const nav = navBlocks(answer, button);

  // Keep within maxBlocks: cards go from the end first (the footer counts them), then lines.
  let shown = cards.length;
  const footerFor = (hidden: number) => footerBlock(answer, hidden);
  const count = () => head.length + cards.slice(0, shown).flat().length + lines.length + nav.length + (footerFor(cards.length - shown) ? 1 : 0);
  while (count() > maxBlocks && shown > 0) shown--;
  while (count() > maxBlocks && lines.length > 0) lines.pop();
  while (count() > maxBlocks && nav.length > 0) nav.pop();
  const footer = footerFor(cards.length - shown);
  const blocks = [...head, ...cards.slice(0, shown).flat(), ...lines, ...(footer ? [footer] : []), ...nav].slice(0, maxBlocks);

  return {
    text: fallbackText(answer),
    blocks,
    ephemeral: answer.visibility === 'personal',
    hasImages: blocks.some((block) => block.type === 'section' && block.accessory?.type === 'image'),
  };
}

/** The notification text: the title and the notice, escaped. */
function fallbackText(answer: Answer): string {
  const parts = [answer.title, answer.notice?.text].filter((part): part is string => Boolean(part));
  return escapeClip(parts.join(': '), SLACK_LIMITS.text);
}

function headBlocks(answer: Answer, withTitle: boolean): Block[] {
  const blocks: Block[] = [];
  if (withTitle && answer.title.trim()) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: clip(answer.title.trim(), SLACK_LIMITS.headerText), emoji: true } });
  }
  if (answer.subtitle) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `_${escapeClip(answer.subtitle, SLACK_LIMITS.text - 2)}_` }] });
  if (answer.notice) {
    const icon = `${TONE_ICONS[answer.notice.tone]} `;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: icon + escapeClip(answer.notice.text, SLACK_LIMITS.text - icon.length) } });
  }
  return blocks;
}

/** The answer's lines, as few sections as fit 3,000 characters each (a line longer than that is cut). */
function lineBlocks(lines: readonly string[]): Block[] {
  const texts: string[] = [];
  let current = '';
  for (const line of lines) {
    const escaped = escapeClip(line, SLACK_LIMITS.text) || ' ';
    if (current && current.length + 1 + escaped.length > SLACK_LIMITS.text) {
      texts.push(current);
      current = '';
    }
    current = current ? `${current}\n${escaped}` : escaped;
  }
  if (current) texts.push(current);
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

/** A card: its section (text and thumbnail), then an actions block with its buttons when it has any. */
function cardBlocks(
  card: PaperCard,
  number: number | undefined,
  answer: Answer,
  images: boolean,
  button: (action: Action, text: string, style?: 'primary' | 'danger') => Button | undefined,
): Block[] {
  const section: types.SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: cardText(card, number) } };
  if (images && card.thumbnail && isLinkable(card.thumbnail, SLACK_LIMITS.imageUrl)) {
    section.accessory = { type: 'image', image_url: card.thumbnail, alt_text: clip(card.title, SLACK_LIMITS.altText) || 'paper' };
  }
  const elements: Button[] = [];
  for (const action of answer.actions) {
    if (action.kind === 'vote' && action.paperId === card.id && action.vote !== 'clear') {
      const chosen = card.vote === action.vote;
      const clicked: Action = chosen ? { kind: 'vote', paperId: card.id, vote: 'clear' } : action;
      const made = button(clicked, actionLabel(action) + (chosen ? CHOSEN_MARK : ''), chosen ? 'primary' : undefined);
      if (made) elements.push(made);
    }
  }
  for (const action of answer.actions) {
    if (action.kind === 'similar' && action.paperId === card.id) {
      const made = button(action, actionLabel(action));
      if (made) elements.push(made);
    }
  }
  return elements.length ? [section, { type: 'actions', elements: elements.slice(0, SLACK_LIMITS.elementsPerActions) }] : [section];
}

/**
 * A card's text: the numbered title linked to Hugging Face, then authors, stats and links,
 * reasons and the recipient's vote, which must survive; the snippet last, cut to what is left
 * of the 3,000 characters.
 */
function cardText(card: PaperCard, number: number | undefined): string {
  const title = `*${number ? `${number}. ` : ''}${link(card.links.huggingFace, clip(card.title, 300))}*`;
  const authors =
    card.authors.length > MAX_AUTHORS_SHOWN
      ? `${card.authors.slice(0, MAX_AUTHORS_SHOWN).join(', ')} +${card.authors.length - MAX_AUTHORS_SHOWN} more`
      : card.authors.join(', ');
  const stats = [
    `▲ ${card.upvotes}`,
    card.comments ? `💬 ${card.comments}` : undefined,
    card.date ? escapeMrkdwn(card.date) : undefined,
    link(card.links.arxiv, `arXiv ${card.id}`),
    isLinkable(card.links.pdf) ? link(card.links.pdf, 'PDF') : undefined,
    card.links.github && isLinkable(card.links.github) ? link(card.links.github, 'Code') : undefined,
    card.links.projectPage && isLinkable(card.links.projectPage) ? link(card.links.projectPage, 'Project') : undefined,
  ].filter(Boolean);
  const fixed = [
    title,
    authors ? `_${escapeClip(authors, 200)}_` : undefined,
    stats.join(' · '),
    ...card.reasons.slice(0, MAX_REASONS).map((reason) => `✨ ${escapeClip(reasonText(reason), 200)}`),
    card.vote ? `You rated this ${card.vote === 'up' ? '👍' : '👎'}` : undefined,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
  const room = SLACK_LIMITS.text - fixed.length - 1;
  const snippet = card.snippet && room > 20 ? escapeClip(card.snippet, room) : '';
  return clip(snippet ? `${fixed}\n${snippet}` : fixed, SLACK_LIMITS.text);
}

function footerBlock(answer: Answer, hidden: number): Block | undefined {
  const parts = [
    answer.page ? `Page ${answer.page.number}` : undefined,
    hidden > 0 ? `${hidden} more not shown` : undefined,
    answer.notice?.reference ? `Reference ${escapeMrkdwn(answer.notice.reference)}` : undefined,
  ].filter((part): part is string => Boolean(part));
  return parts.length ? { type: 'context', elements: [{ type: 'mrkdwn', text: parts.join(' · ') }] } : undefined;
}

/** ◀ ▶ paging, then Follow suggestions: actions blocks of at most 25 buttons. */
function navBlocks(answer: Answer, button: (action: Action, text: string, style?: 'primary' | 'danger') => Button | undefined): Block[] {
  const pages = answer.actions.filter((a) => a.kind === 'page').sort((a, b) => (a.direction === 'prev' ? -1 : 1) - (b.direction === 'prev' ? -1 : 1));
  const follows = answer.actions.filter((a) => a.kind === 'follow');
  const elements = [...pages.map((a) => button(a, actionLabel(a), 'primary')), ...follows.map((a) => button(a, actionLabel(a)))].filter(
    (b): b is Button => b !== undefined,
  );
  const blocks: Block[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.elementsPerActions) {
    blocks.push({ type: 'actions', elements: elements.slice(i, i + SLACK_LIMITS.elementsPerActions) });
  }
  return blocks;
}

/** Unique action_ids within one surface: `pb:0`, `pb:1`… (`pb:h2.0` with a scope). */
function actionIds(scope: string): () => string {
  let next = 0;
  return () => `${ACTION_ID_PREFIX}${scope ? `${scope}.` : ''}${next++}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
