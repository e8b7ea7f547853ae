import { type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedImage, ButtonStyle, ComponentType, escapeMarkdown } from 'discord.js';
import { actionLabel, reasonText, shortTitle } from '../../core/actions/action-label.ts';
import type { Action, Answer, PaperCard, Reason, Tone } from '../../core/answer.ts';
import { actionKey } from './custom-ids.ts';

/** Discord's message limits (the API answers 400 past any of them). */
export const DISCORD_LIMITS = {
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Characters across title, description, fields, footer and author of all embeds of one message. */
  embedsTotal: 6000,
  embedsPerMessage: 10,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  url: 512,
  /** Longest image URL we put in an embed; a longer one is left out rather than risk a 400 (paper thumbnails are far shorter). */
  imageUrl: 2048,
} as const;

/** How to render an answer beyond what the answer itself says. */
export interface RenderOptions {
  /**
   * Show the first card's picture (its `thumbnail`) as the image of its embed, when it has one:
   * for scheduled posts, whose top pick leads with its picture. Default false: lists stay compact.
   * A paper in detail (`paper <id>`) always shows its picture.
   */
  leadImage?: boolean;
}

/** A rendered answer: the body of a message, an interaction reply or an edit. */
export interface DiscordMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Never ping anyone, whatever a title or query contains. */
  allowed_mentions: { parse: [] };
  /** Personal answers are shown only to the person who asked (ephemeral replies). */
  ephemeral: boolean;
}

const COLORS: Record<Tone | 'brand', number> = {
  brand: 0xf59e0b,
  info: 0x3b82f6,
  success: 0x22c55e,
  warning: 0xeab308,
  error: 0xef4444,
};
const TONE_ICONS: Record<Tone, string> = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' };
const MAX_AUTHORS_SHOWN = 3;
const MAX_AUTHORS_LENGTH = 200;
/** A card keeps at most this much of its authors/stats/links part while making room; past it, whole cards go. */
const MAX_FIXED_CARD_LENGTH = 1200;
/** Kept free under 6000 for the "N more not shown" footer. */
const FOOTER_RESERVE = 40;

/**
 * Turns an Answer into embeds and buttons that always fit Discord's limits: one header
 * embed (title, subtitle, notice, lines, page) and one embed per paper card, trimmed so
 * the message stays under 6000 characters and 10 embeds. Buttons: 👍/👎 per card, link
 * buttons to Hugging Face and arXiv, and a row with ◀ ▶ paging and follow suggestions,
 * at most 5 rows of 5. `customIds` maps each action (by `actionKey`) to its custom_id,
 * computed beforehand with the core's action codec (see `customIdsFor`); actions without
 * one are left out. Labels are the core's usual wording (`actionLabel`), numbered per card
 * (a later page goes on from the numbers of the pages before, `page.offset`). Pictures: a paper
 * in detail shows its thumbnail as the embed image, and so does the first card with `leadImage`.
 */
export function renderAnswer(answer: Answer, customIds: ReadonlyMap<string, string>, options: RenderOptions = {}): DiscordMessage {
  const only = detailCard(answer);
  if (only) return renderDetail(answer, only, customIds);
  const maxCards = DISCORD_LIMITS.embedsPerMessage - 1;
  const offset = answer.page?.offset ?? 0;
  const numbered = answer.cards.length > 1 || offset > 0;
  const header = headerEmbed(answer);
  const floors = new WeakMap<APIEmbed, number>();
  const cardEmbeds = answer.cards.slice(0, maxCards).map((card, index) => cardEmbed(card, numbered ? offset + index + 1 : undefined, answer, floors));
  const kept = fitEmbeds(header, cardEmbeds, floors);
  const lead = options.leadImage && answer.cards[0] ? imageOf(answer.cards[0]) : undefined;
  // The picture is no text, so it takes nothing from the 6000 characters fitEmbeds made room in.
  if (lead && kept[0]) kept[0].image = lead;
  const hidden = answer.cards.length - kept.length;
  if (hidden > 0) appendFooter(header, `${hidden} more not shown`);
  const shownCards = answer.cards.slice(0, kept.length);
  return {
    embeds: [header, ...kept],
    components: buttonRows(answer, shownCards, customIds, numbered ? offset : undefined),
    allowed_mentions: { parse: [] },
    ephemeral: answer.visibility === 'personal',
  };
}

/** The card of a paper shown in detail (`paper <id>`). */
function detailCard(answer: Answer): PaperCard | undefined {
  return answer.detail ? answer.cards[0] : undefined;
}

/**
 * A card's picture as an embed image: Discord fetches it (through its media proxy) from
 * Hugging Face, we never do. None when the card has no thumbnail or it is not a plain http(s) URL.
 */
function imageOf(card: PaperCard): APIEmbedImage | undefined {
  const url = card.thumbnail;
  return url && url.length <= DISCORD_LIMITS.imageUrl && /^https?:\/\/\S+$/.test(url) ? { url } : undefined;
}

/**
 * One paper in detail (`paper <id>`): a single embed linked to Hugging Face, with the
 * card's authors, stats and links, then the answer's lines (the abstract) instead of the snippet,
 * and the paper's picture below them when it has one.
 */
function renderDetail(answer: Answer, card: PaperCard, customIds: ReadonlyMap<string, string>): DiscordMessage {
  const header = headerEmbed({ ...answer, lines: [] });
  const { fixed } = cardText(card);
  const parts = [header.description, fixed, answer.lines.map((line) => escapeClip(line, DISCORD_LIMITS.embedDescription)).join('\n\n')].filter(Boolean);
  const image = imageOf(card);
  const embed: APIEmbed = {
    ...header,
    url: card.links.huggingFace,
    description: clip(parts.join('\n\n'), DISCORD_LIMITS.embedDescription),
    ...(image ? { image } : {}),
  };
  return {
    embeds: [embed],
    components: buttonRows(answer, [card], customIds, undefined),
    allowed_mentions: { parse: [] },
    ephemeral: answer.visibility === 'personal',
  };
}

/** Characters Discord counts toward the 6000 limit of one message's embeds. */
export function embedsLength(embeds: readonly APIEmbed[]): number {
  return embeds.reduce(
    (sum, e) =>
      sum +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0),
    0,
  );
}

/**
 * Escapes Discord markdown in core text (plain by contract) but keeps `inline code`,
 * which core uses for commands to type (`follow grokking`).
 */
export function escapeText(text: string): string {
  return escapeMarkdown(text, {
    inlineCode: false,
    inlineCodeContent: false,
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
}

/** A reason as one line of Discord markdown: the 👍 paper a card is like in italics ("like *HippoRAG* that you 👍"). */
function reasonMarkdown(reason: Reason): string {
  if (reason.kind === 'liked' && reason.paper) return `like *${escapeClip(shortTitle(reason.paper.title), 100)}* that you 👍`;
  return escapeClip(reasonText(reason), 120);
}

/** Escapes and clips; cutting first keeps escaping cheap on huge text (escaping only makes text longer). */
function escapeClip(text: string, max: number): string {
  return clip(escapeText(clip(text, max)), max);
}

/** Cuts text to at most `max` characters with an ellipsis, never leaving a dangling escape or half an emoji. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/\\+$/, (slashes) => (slashes.length % 2 ? slashes.slice(1) : slashes));
  return `${cut.trimEnd()}…`;
}

function headerEmbed(answer: Answer): APIEmbed {
  const parts: string[] = [];
  if (answer.subtitle) parts.push(`*${escapeClip(answer.subtitle, DISCORD_LIMITS.embedDescription)}*`);
  if (answer.notice) parts.push(`${TONE_ICONS[answer.notice.tone]} ${escapeClip(answer.notice.text, DISCORD_LIMITS.embedDescription)}`);
  if (answer.lines.length) parts.push(answer.lines.map((line) => escapeClip(line, DISCORD_LIMITS.embedDescription)).join('\n'));
  const embed: APIEmbed = {
    title: escapeClip(answer.title, DISCORD_LIMITS.embedTitle),
    color: COLORS[answer.notice?.tone ?? 'brand'],
  };
  const description = parts.join('\n\n');
  if (description) embed.description = clip(description, DISCORD_LIMITS.embedDescription);
  const footer = [answer.page ? `Page ${answer.page.number}` : undefined, answer.notice?.reference ? `Reference ${answer.notice.reference}` : undefined].filter(
    Boolean,
  );
  if (footer.length) embed.footer = { text: footer.join(' · ') };
  return embed;
}

/**
 * A card as text: `fixed` (authors, stats and links, reasons, the recipient's vote) must
 * survive trimming; `snippet` is what shrinks.
 */
function cardText(card: PaperCard): { fixed: string; snippet: string } {
  const authors =
    card.authors.length > MAX_AUTHORS_SHOWN
      ? `${card.authors.slice(0, MAX_AUTHORS_SHOWN).join(', ')} +${card.authors.length - MAX_AUTHORS_SHOWN} more`
      : card.authors.join(', ');
  const stats = [`▲ ${card.upvotes}`, card.comments ? `💬 ${card.comments}` : undefined, card.date ?? undefined].filter(Boolean).join(' · ');
  const links = [
    `[arXiv ${card.id}](${card.links.arxiv})`,
    `[PDF](${card.links.pdf})`,
    card.links.github && isUrl(card.links.github) ? `[Code](${card.links.github})` : undefined,
    card.links.projectPage && isUrl(card.links.projectPage) ? `[Project](${card.links.projectPage})` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const fixed = [
    authors ? `*${escapeClip(authors, MAX_AUTHORS_LENGTH)}*` : undefined,
    `${stats} · ${links}`,
    ...card.reasons.slice(0, 3).map((reason) => `✨ ${reasonMarkdown(reason)}`),
    card.vote ? `You rated this ${card.vote === 'up' ? '👍' : '👎'}` : undefined,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
  return { fixed, snippet: card.snippet ? escapeClip(card.snippet, DISCORD_LIMITS.embedDescription) : '' };
}

function cardEmbed(card: PaperCard, number: number | undefined, answer: Answer, floors: WeakMap<APIEmbed, number>): APIEmbed {
  const title = escapeClip(card.title, DISCORD_LIMITS.embedTitle);
  // The snippet comes last, because making room (fitEmbeds) cuts descriptions from the
  // end and never below the fixed part.
  const { fixed, snippet } = cardText(card);
  const embed: APIEmbed = {
    title: clip(number ? `${number}. ${title}` : title, DISCORD_LIMITS.embedTitle),
    url: card.links.huggingFace,
    description: clip(snippet ? `${fixed}\n${snippet}` : fixed, DISCORD_LIMITS.embedDescription),
    color: answer.notice?.tone === 'error' ? COLORS.error : COLORS.brand,
  };
  floors.set(embed, Math.min(fixed.length, MAX_FIXED_CARD_LENGTH));
  return embed;
}

/**
 * Makes the embeds fit 6000 characters: shrinks the longest description (down to its
 * floor; the header's may go entirely) and, when nothing can shrink, drops cards from
 * the end. Returns the cards kept.
 */
function fitEmbeds(header: APIEmbed, cards: APIEmbed[], floors: WeakMap<APIEmbed, number>): APIEmbed[] {
  const kept = [...cards];
  const limit = DISCORD_LIMITS.embedsTotal - FOOTER_RESERVE;
  for (;;) {
    const overflow = embedsLength([header, ...kept]) - limit;
    if (overflow <= 0) return kept;
    const room = (e: APIEmbed) => (e.description?.length ?? 0) - (floors.get(e) ?? 0);
    const longest = [header, ...kept].filter((e) => room(e) > 0).sort((a, b) => room(b) - room(a))[0];
    if (longest?.description) {
      const target = Math.max(floors.get(longest) ?? 0, longest.description.length - overflow);
      if (target === 0) delete longest.description;
      else longest.description = clip(longest.description, target);
      continue;
    }
    if (kept.length === 0) {
      // Only a header title and footer are left, far below 6000; kept for completeness.
      header.title = clip(header.title ?? '', Math.max(1, (header.title?.length ?? 0) - overflow));
      return kept;
    }
    kept.pop();
  }
}

function appendFooter(embed: APIEmbed, text: string): void {
  embed.footer = { text: clip(embed.footer ? `${embed.footer.text} · ${text}` : text, DISCORD_LIMITS.footerText) };
}

/** `offset`: buttons are numbered per card, the first card being `offset + 1`; undefined leaves them unnumbered. */
function buttonRows(
  answer: Answer,
  cards: readonly PaperCard[],
  customIds: ReadonlyMap<string, string>,
  offset: number | undefined,
): APIActionRowComponent<APIButtonComponent>[] {
  const numbered = offset !== undefined;
  const numberOf = (index: number) => (offset ?? 0) + index + 1;
  const used = new Set<string>();
  const button = (action: Action, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success): APIButtonComponent | undefined => {
    const customId = customIds.get(actionKey(action));
    if (!customId || customId.length > DISCORD_LIMITS.customId || used.has(customId)) return undefined;
    used.add(customId);
    return { type: ComponentType.Button, style, custom_id: customId, label: clip(label, DISCORD_LIMITS.buttonLabel) };
  };
  const link = (url: string, label: string): APIButtonComponent | undefined =>
    isUrl(url) ? { type: ComponentType.Button, style: ButtonStyle.Link, url, label: clip(label, DISCORD_LIMITS.buttonLabel) } : undefined;

  const indexOf = new Map(cards.map((card, i) => [card.id, i]));
  const votes = answer.actions.filter((a): a is Extract<Action, { kind: 'vote' }> => a.kind === 'vote' && indexOf.has(a.paperId));
  const voteButton = (a: Extract<Action, { kind: 'vote' }>) => {
    const card = cards[indexOf.get(a.paperId)!]!;
    const label = actionLabel(a);
    return button(a, numbered ? `${label} ${numberOf(indexOf.get(a.paperId)!)}` : label, card.vote === a.vote ? ButtonStyle.Success : ButtonStyle.Secondary);
  };
  const voteRows = numbered
    ? [...chunk(compact(votes.filter((a) => a.vote === 'up').map(voteButton))), ...chunk(compact(votes.filter((a) => a.vote === 'down').map(voteButton)))]
    : chunk(compact(votes.map(voteButton)));

  const similar = answer.actions.filter((a): a is Extract<Action, { kind: 'similar' }> => a.kind === 'similar' && indexOf.has(a.paperId));
  const similarRows = chunk(
    compact(similar.map((a) => button(a, numbered ? `${actionLabel(a)} ${numberOf(indexOf.get(a.paperId)!)}` : actionLabel(a), ButtonStyle.Secondary))),
  );

  const linkRows = numbered
    ? [
        ...chunk(compact(cards.map((c, i) => link(c.links.huggingFace, `🤗 ${numberOf(i)}`)))),
        ...chunk(compact(cards.map((c, i) => link(c.links.arxiv, `arXiv ${numberOf(i)}`)))),
      ]
    : cards.flatMap((c) =>
        chunk(
          compact([
            link(c.links.huggingFace, '🤗 Hugging Face'),
            link(c.links.arxiv, 'arXiv'),
            link(c.links.pdf, 'PDF'),
            c.links.github ? link(c.links.github, 'Code') : undefined,
            c.links.projectPage ? link(c.links.projectPage, 'Project page') : undefined,
          ]),
        ),
      );

  const pages = answer.actions.filter((a) => a.kind === 'page').sort((a, b) => (a.direction === 'prev' ? -1 : 1) - (b.direction === 'prev' ? -1 : 1));
  const navRows = chunk(
    compact([
      ...pages.map((a) => button(a, actionLabel(a), ButtonStyle.Primary)),
      ...answer.actions.filter((a) => a.kind === 'follow').map((a) => button(a, actionLabel(a), ButtonStyle.Secondary)),
    ]),
  );

  // Keep within 5 rows: link rows go first (embed titles already link to Hugging Face), then
  // More like this, then vote rows from the end; paging always stays.
  const rows = { votes: voteRows, similar: similarRows, links: linkRows, nav: navRows };
  const count = () => rows.votes.length + rows.similar.length + rows.links.length + rows.nav.length;
  while (count() > DISCORD_LIMITS.actionRows && rows.links.length) rows.links.pop();
  while (count() > DISCORD_LIMITS.actionRows && rows.similar.length) rows.similar.pop();
  while (count() > DISCORD_LIMITS.actionRows && rows.votes.length) rows.votes.pop();
  while (count() > DISCORD_LIMITS.actionRows) rows.nav.pop();
  return [...rows.votes, ...rows.similar, ...rows.links, ...rows.nav].map((components) => ({ type: ComponentType.ActionRow, components }));
}

function chunk<T>(items: T[], size: number = DISCORD_LIMITS.buttonsPerRow): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

function compact<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

function isUrl(text: string): boolean {
  return text.length <= DISCORD_LIMITS.url && /^https?:\/\/\S+$/.test(text);
}
