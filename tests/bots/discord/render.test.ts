import type { APIButtonComponent } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, clip, embedsLength, escapeText, renderAnswer } from '../../../src/bots/discord/render.ts';
import type { Action, Answer, PaperCard } from '../../../src/core/answer.ts';
import { validateMessage } from '../../fakes/discord-server.ts';
import { card } from '../../support/cards.ts';

function votes(ids: string[]): Action[] {
  return ids.flatMap((id) =>
    (['up', 'down'] as const).map((vote) => ({ kind: 'vote' as const, paperId: id, vote, label: vote === 'up' ? '👍' : '👎', command: `vote ${id} ${vote}` })),
  );
}

/** Custom ids as the adapter makes them for short commands. */
function ids(answer: Answer): Map<string, string> {
  return new Map(answer.actions.map((a) => [a.command, `pb:${a.command}`.slice(0, 100)]));
}

function page(cards: PaperCard[], extra: Partial<Answer> = {}): Answer {
  return {
    title: 'Papers for 2024-05-24',
    cards,
    lines: [],
    actions: [
      ...votes(cards.map((c) => c.id)),
      { kind: 'page', direction: 'next', label: 'Next ▶', command: 'today 2024-05-24 2' },
      { kind: 'page', direction: 'prev', label: '◀ Previous', command: 'today 2024-05-24 0' },
      { kind: 'follow', topic: 'grokking', label: 'Follow “grokking”', command: 'follow grokking' },
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
  it('renders a page of papers: a header, one embed per card, numbered votes, links and paging', () => {
    const cards = ['2405.00001', '2405.00002', '2405.00003', '2405.00004', '2405.00005'].map((id) => card(id));
    const message = renderAnswer(page(cards), ids(page(cards)));
    expect(message.ephemeral).toBe(false);
    expect(message.embeds).toHaveLength(6);
    expect(message.embeds[0]).toMatchObject({ title: 'Papers for 2024-05-24', footer: { text: 'Page 1' } });
    expect(message.embeds[1]).toMatchObject({ title: '1. Paper 2405.00001', url: 'https://huggingface.co/papers/2405.00001' });
    expect(message.embeds[1]!.description).toContain('[arXiv 2405.00001](https://arxiv.org/abs/2405.00001)');
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
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(validateMessage(message)).toBeUndefined();
  });

  it('shows one paper in detail as a single embed with link buttons to Hugging Face, arXiv and PDF', () => {
    const one = card('2405.15071', { vote: 'up', links: { ...card('2405.15071').links, github: 'https://github.com/o/r' } });
    const answer: Answer = { title: one.title, cards: [one], lines: ['The whole abstract.', 'Categories: cs.LG'], actions: votes([one.id]), visibility: 'public' };
    const message = renderAnswer(answer, ids(answer));
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]).toMatchObject({ title: 'Paper 2405.15071', url: 'https://huggingface.co/papers/2405.15071' });
    expect(message.embeds[0]!.description).toContain('You rated this 👍');
    expect(message.embeds[0]!.description).toContain('The whole abstract.\n\nCategories: cs.LG');
    expect(message.embeds[0]!.description).not.toContain('A short abstract.');
    const [votesRow, linksRow] = message.components;
    expect(votesRow!.components.map((b) => [label(b), b.style])).toEqual([['👍', 3], ['👎', 2]]);
    expect(linksRow!.components.map(label)).toEqual(['🤗 Hugging Face', 'arXiv', 'PDF', 'Code']);
    expect(validateMessage(message)).toBeUndefined();
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
    expect(message.embeds).toEqual([{ title: 'Something went wrong', color: 0xef4444, description: '❌ Sorry, report reference abcd1234.', footer: { text: 'Reference abcd1234' } }]);
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

  it('trims a huge result to 6000 characters and 10 embeds, keeping links and every button valid', () => {
    const cards = Array.from({ length: 14 }, (_, i) =>
      card(`2405.${String(10000 + i)}`, {
        title: huge,
        authors: Array.from({ length: 40 }, (_, j) => `Author Number${j} ${'X'.repeat(30)}`),
        snippet: huge,
        reasons: ['matches your follow: grokking', 'similar to papers you liked'],
      }),
    );
    const answer = page(cards, { subtitle: huge, lines: [huge, huge], notice: { tone: 'info', text: huge } });
    const message = renderAnswer(answer, ids(answer));
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

  it('never breaks Discord limits, whatever the answer (property)', () => {
    const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
    const cardArb = fc.record({
      id: fc.stringMatching(/^\d{4}\.\d{5}$/),
      title: text(600),
      authors: fc.array(text(80), { maxLength: 60 }),
      date: fc.option(fc.constant('2024-05-24'), { nil: null }),
      upvotes: fc.nat(),
      comments: fc.nat(),
      snippet: text(2000),
      reasons: fc.array(text(200), { maxLength: 4 }),
      vote: fc.option(fc.constantFrom('up' as const, 'down' as const), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(cardArb, { maxLength: 15 }),
        text(400),
        fc.option(text(3000), { nil: undefined }),
        fc.array(text(1500), { maxLength: 6 }),
        fc.option(text(5000), { nil: undefined }),
        fc.array(text(60), { maxLength: 8 }),
        (rawCards, title, subtitle, lines, notice, follows) => {
          const unique = [...new Map(rawCards.map((c) => [c.id, c])).values()];
          const cards = unique.map(({ vote, ...c }) => card(c.id, { ...c, ...(vote ? { vote } : {}) }));
          const answer: Answer = {
            title,
            ...(subtitle !== undefined ? { subtitle } : {}),
            cards,
            lines,
            ...(notice !== undefined ? { notice: { tone: 'info' as const, text: notice } } : {}),
            actions: [
              ...votes(cards.map((c) => c.id)),
              { kind: 'page', direction: 'next', label: 'Next ▶', command: 'search x 2' },
              ...follows.map((topic) => ({ kind: 'follow' as const, topic, label: `Follow “${topic}”`, command: `follow ${topic}` })),
            ],
            visibility: 'public',
          };
          const message = renderAnswer(answer, ids(answer));
          expect(embedsLength(message.embeds)).toBeLessThanOrEqual(6000);
          expect(validateMessage(message)).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});
