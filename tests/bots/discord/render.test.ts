import type { APIButtonComponent } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customIdsFor } from '../../../src/bots/discord/custom-ids.ts';
import { clip, DISCORD_LIMITS, embedsLength, escapeText, renderAnswer } from '../../../src/bots/discord/render.ts';
import { createActionCodec } from '../../../src/core/actions/action-codec.ts';
import type { Action, Answer, PaperCard, Reason } from '../../../src/core/answer.ts';
import { card } from '../../support/cards.ts';
import { validateMessage } from '../../support/fakes/discord-server.ts';

function votes(ids: string[]): Action[] {
  return ids.flatMap((id) => (['up', 'down'] as const).map((vote) => ({ kind: 'vote' as const, paperId: id, vote })));
}

/** The core's codec over an in-memory token store. */
const tokens = new Map<string, string>();
const codec = createActionCodec({ put: async (token, payload) => void tokens.set(token, payload), get: async (token) => tokens.get(token) });

/** Custom ids as the adapter makes them, with the core's action codec. */
function ids(answer: Answer): Promise<Map<string, string>> {
  return customIdsFor(codec, answer);
}

function page(cards: PaperCard[], extra: Partial<Answer> = {}): Answer {
  return {
    title: 'Papers for 2024-05-24',
    cards,
    lines: [],
    actions: [
      ...votes(cards.map((c) => c.id)),
      { kind: 'page', direction: 'next', call: { command: 'today', args: { date: '2024-05-24', page: 2 } } },
      { kind: 'page', direction: 'prev', call: { command: 'today', args: { date: '2024-05-24', page: 0 } } },
      { kind: 'follow', topic: 'grokking', follow: true },
    ],
    page: { number: 1, hasPrev: false, hasNext: true },
    visibility: 'public',
    ...extra,
  };
}

/** A button's label (premium buttons have none; ours always do). */
const label = (button: APIButtonComponent) => ('label' in button ? button.label : undefined);

const huge = 'Transformers '.repeat(400);

describe('renderAnswer', () => {
  it('renders a page of papers: a header, one embed per card, numbered votes, links and paging', async () => {
    const cards = ['2405.00001', '2405.00002', '2405.00003', '2405.00004', '2405.00005'].map((id) => card(id));
    cards[0]!.reasons = [{ kind: 'follow', follow: 'author:Ada Lovelace' }, { kind: 'liked' }, { kind: 'top', day: null }];
    const message = renderAnswer(page(cards), await ids(page(cards)));
    expect(message.ephemeral).toBe(false);
    expect(message.embeds).toHaveLength(6);
    expect(message.embeds[0]).toMatchObject({ title: 'Papers for 2024-05-24', footer: { text: 'Page 1' } });
    expect(message.embeds[1]).toMatchObject({ title: '1. Paper 2405.00001', url: 'https://huggingface.co/papers/2405.00001' });
    expect(message.embeds[1]!.description).toContain('[arXiv 2405.00001](https://arxiv.org/abs/2405.00001)');
    expect(message.embeds[1]!.description).toContain('✨ matches your follow: author:Ada Lovelace\n✨ similar to papers you liked\n✨ top paper of the day');
    // A liked paper named: its title in italics, escaped.
    cards[1]!.reasons = [{ kind: 'liked', paper: { id: '2405.15071', title: 'Grokked *Transformers*: A Journey' } }];
    expect(renderAnswer(page(cards), await ids(page(cards))).embeds[2]!.description).toContain('✨ like *Grokked \\*Transformers\\** that you 👍');
    expect(message.components).toHaveLength(5);
    const labels = message.components.map((row) => row.components.map(label));
    expect(labels).toEqual([
      ['👍 1', '👍 2', '👍 3', '👍 4', '👍 5'],
      ['👎 1', '👎 2', '👎 3', '👎 4', '👎 5'],
      ['🤗 1', '🤗 2', '🤗 3', '🤗 4', '🤗 5'],
      ['arXiv 1', 'arXiv 2', 'arXiv 3', 'arXiv 4', 'arXiv 5'],
      ['◀ Previous', 'Next ▶', 'Follow “grokking”'],
    ]);
    expect(message.components[2]!.components[0]).toMatchObject({ style: 5, url: 'https://huggingface.co/papers/2405.00001' });
    // custom_ids carry the core's payload for each typed action.
    const customIds = message.components.flatMap((row) => row.components).map((b) => ('custom_id' in b ? b.custom_id : undefined));
    expect(customIds.slice(0, 2)).toEqual(['pb:vote 2405.00001 up', 'pb:vote 2405.00002 up']);
    expect(customIds.slice(-3)).toEqual([
      'pb:page prev today {"date":"2024-05-24","page":0}',
      'pb:page next today {"date":"2024-05-24","page":2}',
      'pb:follow grokking',
    ]);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(validateMessage(message)).toBeUndefined();
  });

  it('puts a numbered More like this row under the votes; link rows give way to it', async () => {
    const cards = ['2405.00001', '2405.00002', '2405.00003', '2405.00004', '2405.00005'].map((id) => card(id));
    const base = page(cards);
    const answer: Answer = { ...base, actions: [...base.actions, ...cards.map((c): Action => ({ kind: 'similar', paperId: c.id }))] };
    const message = renderAnswer(answer, await ids(answer));
    expect(message.components.map((row) => row.components.map(label))).toEqual([
      ['👍 1', '👍 2', '👍 3', '👍 4', '👍 5'],
      ['👎 1', '👎 2', '👎 3', '👎 4', '👎 5'],
      ['More like this 1', 'More like this 2', 'More like this 3', 'More like this 4', 'More like this 5'],
      ['🤗 1', '🤗 2', '🤗 3', '🤗 4', '🤗 5'],
      ['◀ Previous', 'Next ▶', 'Follow “grokking”'],
    ]);
    expect(message.components[2]!.components.map((b) => ('custom_id' in b ? b.custom_id : undefined))[0]).toBe('pb:similar 2405.00001');
    expect(validateMessage(message)).toBeUndefined();
  });

  it('numbers the cards of a later page from where the page before ended', async () => {
    const cards = ['2405.00006', '2405.00007'].map((id) => card(id));
    const answer = page(cards, { page: { number: 2, hasPrev: true, hasNext: false, offset: 5 } });
    const message = renderAnswer(answer, await ids(answer));
    expect(message.embeds.slice(1).map((e) => e.title)).toEqual(['6. Paper 2405.00006', '7. Paper 2405.00007']);
    const labels = message.components.flatMap((row) => row.components.map(label));
    expect(labels).toEqual(expect.arrayContaining(['👍 6', '👍 7', '👎 6', '👎 7', '🤗 6', 'arXiv 7']));
    expect(labels).not.toContain('👍 1');
  });

  it('shows one paper in detail as a single embed with link buttons to Hugging Face, arXiv and PDF', async () => {
    const one = card('2405.15071', { vote: 'up', links: { ...card('2405.15071').links, github: 'https://github.com/o/r' } });
    const answer: Answer = {
      title: one.title,
      cards: [one],
      lines: ['The whole abstract.', 'Categories: cs.LG'],
      actions: votes([one.id]),
      detail: true,
      visibility: 'public',
    };
    const message = renderAnswer(answer, await ids(answer));
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]).toMatchObject({ title: 'Paper 2405.15071', url: 'https://huggingface.co/papers/2405.15071' });
    expect(message.embeds[0]!.description).toContain('You rated this 👍');
    expect(message.embeds[0]!.description).toContain('The whole abstract.\n\nCategories: cs.LG');
    expect(message.embeds[0]!.description).not.toContain('A short abstract.');
    const [votesRow, linksRow] = message.components;
    expect(votesRow!.components.map((b) => [label(b), b.style])).toEqual([
      ['👍', 3],
      ['👎', 2],
    ]);
    expect(linksRow!.components.map(label)).toEqual(['🤗 Hugging Face', 'arXiv', 'PDF', 'Code']);
    expect(validateMessage(message)).toBeUndefined();
  });

  it('shows a paper’s picture in detail, and on a list only for the first card when asked (leadImage)', async () => {
    const pictured = (id: string) => card(id, { thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png` });
    const one = pictured('2405.15071');
    const detail: Answer = { title: one.title, cards: [one], lines: ['The whole abstract.'], actions: [], detail: true, visibility: 'public' };
    expect(renderAnswer(detail, new Map()).embeds[0]!.image).toEqual({ url: one.thumbnail });
    // Only plain http(s) URLs: Discord refuses other schemes (and we never fetch or upload the picture).
    for (const thumbnail of ['javascript:alert(1)', 'ftp://example.org/a.png', 'https://example.org/a b.png', `https://example.org/${'a'.repeat(2100)}`]) {
      const odd = { ...one, thumbnail };
      expect(renderAnswer({ ...detail, cards: [odd] }, new Map()).embeds[0]!.image, thumbnail.slice(0, 30)).toBeUndefined();
    }

    const list = page([pictured('2405.00001'), pictured('2405.00002')]);
    expect(renderAnswer(list, await ids(list)).embeds.map((e) => e.image)).toEqual([undefined, undefined, undefined]);
    const post = renderAnswer(list, await ids(list), { leadImage: true });
    expect(post.embeds.map((e) => e.image?.url)).toEqual([undefined, list.cards[0]!.thumbnail, undefined]);
    expect(validateMessage(post)).toBeUndefined();
    // The first card has none: no picture, not the second card's.
    const plainFirst = page([card('2405.00001'), pictured('2405.00002')]);
    expect(renderAnswer(plainFirst, await ids(plainFirst), { leadImage: true }).embeds.filter((e) => e.image)).toEqual([]);
  });

  it('makes personal answers ephemeral and shows the error reference', () => {
    const answer: Answer = {
      title: 'Something went wrong',
      cards: [],
      lines: [],
      notice: { tone: 'error', text: 'Sorry, report reference abcd1234.', reference: 'abcd1234' },
      actions: [],
      visibility: 'personal',
    };
    const message = renderAnswer(answer, new Map());
    expect(message.ephemeral).toBe(true);
    expect(message.embeds).toEqual([
      { title: 'Something went wrong', color: 0xef4444, description: '❌ Sorry, report reference abcd1234.', footer: { text: 'Reference abcd1234' } },
    ]);
    expect(message.components).toEqual([]);
  });

  it('escapes markdown in paper text but keeps the inline code core uses for commands', () => {
    expect(escapeText('**bold** _x_ `follow grokking` [a](http://x)')).toBe('\\*\\*bold\\*\\* \\_x\\_ `follow grokking` \\[a](http://x)');
    const answer: Answer = { title: '*Attention* is all __you__ need', cards: [], lines: ['Use `follow cat:cs.LG`.'], actions: [], visibility: 'public' };
    const message = renderAnswer(answer, new Map());
    expect(message.embeds[0]!.title).toBe('\\*Attention\\* is all \\_\\_you\\_\\_ need');
    expect(message.embeds[0]!.description).toBe('Use `follow cat:cs.LG`.');
  });

  it('clips without leaving a dangling escape or half an emoji', () => {
    expect(clip('abc', 5)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab\\*cd', 4)).toBe('ab…');
    expect(clip('ab😀cd', 4)).toBe('ab…');
  });

  it('trims a huge result to 6000 characters and 10 embeds, keeping links and every button valid', async () => {
    const cards = Array.from({ length: 14 }, (_, i) =>
      card(`2405.${String(10000 + i)}`, {
        title: huge,
        authors: Array.from({ length: 40 }, (_, j) => `Author Number${j} ${'X'.repeat(30)}`),
        snippet: huge,
        reasons: [{ kind: 'follow', follow: 'grokking' }, { kind: 'liked' }],
      }),
    );
    const answer = page(cards, { subtitle: huge, lines: [huge, huge], notice: { tone: 'info', text: huge } });
    const message = renderAnswer(answer, await ids(answer));
    expect(message.embeds[1]!.description).toContain('✨ matches your follow: grokking');
    const total = embedsLength(message.embeds);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    for (const embed of message.embeds) {
      expect(embed.title!.length).toBeLessThanOrEqual(256);
      expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    }
    // Cards that made it keep their stats and links; the rest are counted in the footer.
    const shown = message.embeds.slice(1);
    expect(shown.length).toBeGreaterThan(0);
    for (const embed of shown) expect(embed.description).toMatch(/\[arXiv 2405\.\d+\]\(https:\/\/arxiv\.org\/abs\/2405\.\d+\)/);
    expect(message.embeds[0]!.footer!.text).toMatch(/Page 1 · \d+ more not shown/);
    // Votes for exactly the shown cards; link rows give way to stay within 5 rows of 5.
    const labels = message.components.flatMap((r) => r.components).map(label);
    expect(labels.filter((l) => l?.startsWith('👍'))).toEqual(shown.map((_, i) => `👍 ${i + 1}`));
    expect(message.components.at(-1)!.components.map(label)).toEqual(['◀ Previous', 'Next ▶', 'Follow “grokking”']);
    expect(validateMessage(message)).toBeUndefined();
  });

  it('never breaks Discord limits, whatever the answer (property)', async () => {
    const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
    const cardArb = fc.record({
      id: fc.stringMatching(/^\d{4}\.\d{5}$/),
      title: text(600),
      authors: fc.array(text(80), { maxLength: 60 }),
      date: fc.option(fc.constant('2024-05-24'), { nil: null }),
      upvotes: fc.nat(),
      comments: fc.nat(),
      snippet: text(2000),
      reasons: fc.array(
        fc.oneof(
          text(200).map((follow): Reason => ({ kind: 'follow', follow })),
          fc.constant<Reason>({ kind: 'liked' }),
          fc.option(fc.constant('2024-05-23'), { nil: null }).map((day): Reason => ({ kind: 'top', day })),
        ),
        { maxLength: 4 },
      ),
      vote: fc.option(fc.constantFrom('up' as const, 'down' as const), { nil: undefined }),
      thumbnail: fc.option(fc.oneof(fc.webUrl(), text(100)), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(cardArb, { maxLength: 15 }),
        text(400),
        fc.option(text(3000), { nil: undefined }),
        fc.array(text(1500), { maxLength: 6 }),
        fc.option(text(5000), { nil: undefined }),
        fc.array(text(60), { maxLength: 8 }),
        async (rawCards, title, subtitle, lines, notice, follows) => {
          const unique = [...new Map(rawCards.map((c) => [c.id, c])).values()];
          const cards = unique.map(({ vote, thumbnail, ...c }) => card(c.id, { ...c, ...(vote ? { vote } : {}), ...(thumbnail ? { thumbnail } : {}) }));
          const answer: Answer = {
            title,
            ...(subtitle !== undefined ? { subtitle } : {}),
            cards,
            lines,
            ...(notice !== undefined ? { notice: { tone: 'info' as const, text: notice } } : {}),
            actions: [
              ...votes(cards.map((c) => c.id)),
              { kind: 'page', direction: 'next', call: { command: 'search', args: { query: title, page: 2 } } },
              ...follows.map((topic, i) => ({ kind: 'follow' as const, topic, follow: i % 2 === 0 })),
            ],
            visibility: 'public',
          };
          const message = renderAnswer(answer, await ids(answer), { leadImage: true });
          expect(embedsLength(message.embeds)).toBeLessThanOrEqual(6000);
          expect(validateMessage(message)).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});
