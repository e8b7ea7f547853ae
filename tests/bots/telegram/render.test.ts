import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkPreviewOptions, MESSAGE_LIMIT, renderAnswer } from '../../../src/bots/telegram/render.ts';
import type { Action, Answer, PaperCard } from '../../../src/core/answer.ts';
import { followAction, pageActions, voteActions } from '../../../src/core/commands/shared.ts';
import { card } from '../../support/cards.ts';
import { htmlProblem } from '../../support/fakes/telegram-bot-api.ts';

function answerWith(cards: PaperCard[], extra: Partial<Answer> = {}): Answer {
  return {
    title: 'Papers for 2024-05-24',
    cards,
    lines: [],
    actions: [...voteActions(cards), ...pageActions('today', (page) => ({ date: '2024-05-24', page }), 2, true)],
    page: { number: 2, hasPrev: true, hasNext: true },
    visibility: 'public',
    ...extra,
  };
}

describe('Telegram renderer', () => {
  it('renders a card with a linked title, meta, links, snippet and reasons, all escaped', () => {
    const [message] = renderAnswer(
      answerWith([
        card('2401.00001', {
          title: 'Tom & Jerry <3',
          authors: ['A <b>', 'B & C'],
          snippet: 'x < y',
          reasons: [
            { kind: 'follow', follow: '<grok>' },
            { kind: 'liked', paper: { id: '2405.15071', title: 'Tom & <Jerry>: a study' } },
          ],
          links: {
            huggingFace: 'https://huggingface.co/papers/2401.00001',
            arxiv: 'https://arxiv.org/abs/2401.00001',
            pdf: 'https://arxiv.org/pdf/2401.00001',
            github: 'https://github.com/a/b?x=1&y="2"',
          },
        }),
      ]),
    );
    expect(message!.html).toBe(
      [
        '<b>Papers for 2024-05-24</b> · page 2',
        '',
        '<b>1.</b> <a href="https://huggingface.co/papers/2401.00001">Tom &amp; Jerry &lt;3</a>',
        '<i>A &lt;b&gt;, B &amp; C</i> · 2024-05-24 · ▲ 12 · 💬 3',
        '<a href="https://arxiv.org/abs/2401.00001">arXiv</a> · <a href="https://arxiv.org/pdf/2401.00001">PDF</a> · GitHub',
        'x &lt; y',
        '<i>↳ matches your follow: &lt;grok&gt;; like “Tom &amp; &lt;Jerry&gt;” that you 👍</i>',
      ].join('\n'),
    );
    expect(htmlProblem(message!.html)).toBeUndefined();
  });

  it('lays out the keyboard: a 👍/👎 row per card by number, Follow rows, then ◀ ▶', () => {
    const cards = [card('2401.00001', { vote: 'down' }), card('2401.00002')];
    const answer = answerWith(cards);
    answer.actions.push(followAction('grokking'));
    const [message] = renderAnswer(answer);
    const vote = (paperId: string, v: 'up' | 'down' | 'clear'): Action => ({ kind: 'vote', paperId, vote: v });
    const page = (direction: 'prev' | 'next', n: number): Action => ({
      kind: 'page',
      direction,
      call: { command: 'today', args: { date: '2024-05-24', page: n } },
    });
    expect(message!.keyboard).toEqual([
      [
        { text: '1 👍', action: vote('2401.00001', 'up') },
        { text: '1 👎 ✓', action: vote('2401.00001', 'clear') },
      ],
      [
        { text: '2 👍', action: vote('2401.00002', 'up') },
        { text: '2 👎', action: vote('2401.00002', 'down') },
      ],
      [{ text: 'Follow “grokking”', action: { kind: 'follow', topic: 'grokking', follow: true } }],
      [
        { text: '◀ Previous', action: page('prev', 1) },
        { text: 'Next ▶', action: page('next', 3) },
      ],
    ]);
  });

  it('numbers the cards of a later page from where the page before ended', () => {
    const cards = [card('2401.00006'), card('2401.00007', { vote: 'up' })];
    const [message] = renderAnswer(answerWith(cards, { page: { number: 2, hasPrev: true, hasNext: true, offset: 5 } }));
    expect([...message!.html.matchAll(/<b>(\d+)\.<\/b>/g)].map((m) => m[1])).toEqual(['6', '7']);
    expect(message!.keyboard.slice(0, 2).map((row) => row.map((b) => b.text))).toEqual([
      ['6 👍', '6 👎'],
      ['7 👍 ✓', '7 👎'],
    ]);
  });

  it('shows notices with an icon and core’s `code` hints as <code>', () => {
    const [message] = renderAnswer({
      title: 'Not quite',
      cards: [],
      lines: ['Usage: search <query> [page]'],
      notice: { tone: 'error', text: 'Tell me what to search for, e.g. `search grokking`.' },
      actions: [],
      visibility: 'personal',
    });
    expect(message!.html).toBe('<b>Not quite</b>\n\n❌ Tell me what to search for, e.g. <code>search grokking</code>.\n\nUsage: search &lt;query&gt; [page]');
    expect(message!.keyboard).toEqual([]);
  });

  it('shortens cards, then lists the ones that do not fit by id, to stay in one message', () => {
    const huge = Array.from({ length: 8 }, (_, i) =>
      card(`2401.1000${i}`, {
        title: '&'.repeat(300),
        authors: Array.from({ length: 30 }, () => '<&>'),
        snippet: '<'.repeat(300),
        reasons: [{ kind: 'follow', follow: '&'.repeat(300) }],
      }),
    );
    const [message, ...rest] = renderAnswer(answerWith(huge));
    expect(rest).toEqual([]);
    expect(message!.html.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(htmlProblem(message!.html)).toBeUndefined();
    expect(message!.html).toContain('Did not fit:');
    for (const c of huge) expect(message!.html).toContain(c.links.huggingFace);
    const shown = (message!.html.match(/<b>\d+\.<\/b>/g) ?? []).length;
    expect(message!.keyboard.filter((row) => row[0]!.action.kind === 'vote')).toHaveLength(shown);
    expect(message!.keyboard.at(-1)!.map((b) => b.text)).toEqual(['◀ Previous', 'Next ▶']);
  });

  it('splits between cards when several messages are allowed, keeping each card’s buttons with it', () => {
    const cards = Array.from({ length: 10 }, (_, i) => card(`2401.2000${i}`, { title: 'T'.repeat(280), snippet: 'S'.repeat(280), authors: ['A'.repeat(50)] }));
    const messages = renderAnswer(answerWith(cards), { maxMessages: 4, limit: 1500 });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(4);
    const ids = messages.flatMap((m) => [...m.html.matchAll(/papers\/(2401\.\d+)">T/g)].map((x) => x[1]));
    expect(ids).toEqual(cards.map((c) => c.id));
    for (const m of messages) {
      expect(m.html.length).toBeLessThanOrEqual(1500);
      const numbers = [...m.html.matchAll(/<b>(\d+)\.<\/b>/g)].map((x) => x[1]);
      expect(m.keyboard.filter((row) => row[0]!.action.kind === 'vote').map((row) => row[0]!.text.split(' ')[0])).toEqual(numbers);
    }
    expect(
      messages
        .at(-1)!
        .keyboard.at(-1)!
        .map((b) => b.text),
    ).toEqual(['◀ Previous', 'Next ▶']);
    expect(messages[0]!.html.startsWith('<b>Papers for 2024-05-24</b>')).toBe(true);
  });

  it('shows a paper’s picture as a large preview of its page: in detail, and on a post’s first card (leadImage)', () => {
    const pictured = (id: string) => card(id, { thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png` });
    const one = pictured('2401.30001');
    const detail: Answer = { title: one.title, cards: [one], lines: ['The whole abstract.'], actions: voteActions([one]), detail: true, visibility: 'public' };
    const [shown] = renderAnswer(detail);
    expect(shown!.preview).toBe('https://huggingface.co/papers/2401.30001');
    expect(linkPreviewOptions(shown!)).toEqual({ url: 'https://huggingface.co/papers/2401.30001', prefer_large_media: true, show_above_text: true });
    // No thumbnail, or one that is no plain http(s) URL: text alone, link previews off as for any answer.
    for (const thumbnail of [undefined, 'javascript:alert(1)', 'https://example.org/a b.png']) {
      const plain: PaperCard = { ...one };
      if (thumbnail) plain.thumbnail = thumbnail;
      else delete plain.thumbnail;
      const [message] = renderAnswer({ ...detail, cards: [plain] });
      expect(message!.preview, String(thumbnail)).toBeUndefined();
      expect(linkPreviewOptions(message!)).toEqual({ is_disabled: true });
    }

    // Lists stay compact; a post leads with its first card's picture, on the message holding that card only.
    const cards = Array.from({ length: 10 }, (_, i) => pictured(`2401.3100${i}`));
    expect(renderAnswer(answerWith(cards.slice(0, 3))).map((m) => m.preview)).toEqual([undefined]);
    const long = cards.map((c) => ({ ...c, title: 'T'.repeat(280), snippet: 'S'.repeat(280) }));
    const post = renderAnswer(answerWith(long), { maxMessages: 4, limit: 1500, leadImage: true });
    expect(post.length).toBeGreaterThan(1);
    expect(post.map((m) => m.preview)).toEqual(['https://huggingface.co/papers/2401.31000', ...post.slice(1).map(() => undefined)]);
    // The first card without a picture: none, not the second card's.
    expect(renderAnswer(answerWith([card('2401.32000'), pictured('2401.32001')]), { leadImage: true })[0]!.preview).toBeUndefined();
  });

  it('cuts overlong lines before escaping, never inside a tag or an entity', () => {
    const [message] = renderAnswer({
      title: 'Help',
      cards: [],
      lines: Array.from({ length: 400 }, (_, i) => `line ${i} with \`code\` & <stuff>`),
      actions: [],
      visibility: 'personal',
    });
    expect(message!.html.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(htmlProblem(message!.html)).toBeUndefined();
    expect(message!.html.endsWith('…')).toBe(true);
  });

  it('always yields valid HTML within the limit, whatever the strings (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '&', '"', '`', 'é', '🧪', '\n'), maxLength: 600 });
    const url = fc.string({ unit: fc.constantFrom('a', '/', '&', '?', '='), maxLength: 900 }).map((path) => `https://github.com/${path}`);
    const arbitraryCard = fc.record({
      id: fc.constantFrom('2401.00001', '2401.00002', 'hep-th/9901001'),
      title: text,
      snippet: text,
      authors: fc.array(text, { maxLength: 20 }),
      reasons: fc.array(
        text.map((follow) => ({ kind: 'follow' as const, follow })),
        { maxLength: 3 },
      ),
      github: url,
      projectPage: url,
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryCard, { maxLength: 12 }),
        text,
        fc.array(text, { maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 3000, max: MESSAGE_LIMIT }),
        (cards, title, lines, maxMessages, limit) => {
          const withLinks = cards.map(({ github, projectPage, ...c }) => card(c.id, { ...c, links: { ...card(c.id).links, github, projectPage } }));
          const answer = answerWith(withLinks, { title, subtitle: title, lines, notice: { tone: 'info', text: title } });
          const messages = renderAnswer(answer, { maxMessages, limit });
          expect(messages.length).toBeGreaterThanOrEqual(1);
          expect(messages.length).toBeLessThanOrEqual(maxMessages);
          for (const message of messages) {
            expect(message.html.length).toBeLessThanOrEqual(limit);
            expect(htmlProblem(message.html)).toBeUndefined();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
