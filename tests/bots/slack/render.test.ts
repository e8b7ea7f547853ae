import { describe, expect, it } from 'vitest';
import { escapeClip, escapeMrkdwn, unescapeMrkdwn } from '../../../src/bots/slack/mrkdwn.ts';
import { buttonValues, renderAnswer, SLACK_LIMITS } from '../../../src/bots/slack/render.ts';
import type { Action, Answer, PaperCard } from '../../../src/core/answer.ts';
import { blocksProblem } from '../../support/fakes/slack-server.ts';
import { memoryCodec } from '../../support/memory-codec.ts';
import { buttonsOf, textOf } from '../../support/slack-harness.ts';

function card(id: string, extra: Partial<PaperCard> = {}): PaperCard {
  return {
    id,
    title: `Paper ${id}`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    date: '2024-05-24',
    upvotes: 7,
    comments: 0,
    links: { huggingFace: `https://huggingface.co/papers/${id}`, arxiv: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` },
    snippet: 'A short abstract.',
    reasons: [],
    ...extra,
  };
}

function answerOf(cards: PaperCard[], extra: Partial<Answer> = {}): Answer {
  const actions: Action[] = cards.flatMap((c): Action[] => [
    { kind: 'vote', paperId: c.id, vote: 'up' },
    { kind: 'vote', paperId: c.id, vote: 'down' },
    { kind: 'similar', paperId: c.id },
  ]);
  return { title: 'Papers for 2024-05-24', cards, lines: [], actions, visibility: 'public', ...extra };
}

async function render(answer: Answer, options = {}) {
  const codec = memoryCodec();
  return { codec, message: renderAnswer(answer, await buttonValues(codec, answer), options) };
}

describe('Slack rendering', () => {
  it('escapes &, < and > in every piece of paper text, and Slack’s escaping comes back undone', async () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(unescapeMrkdwn('R&amp;D &lt;x&gt;')).toBe('R&D <x>');
    const { message } = await render(
      answerOf([card('2401.00001', { title: 'Attention <!channel> & <https://evil.example|you>', authors: ['<@U123>'], snippet: 'x < y & z' })], {
        subtitle: 'Sub <b>',
        notice: { tone: 'info', text: 'Note & <!here>' },
        lines: ['line <1>'],
      }),
    );
    expect(blocksProblem(message.blocks, 50)).toBeUndefined();
    const text = textOf(message.blocks);
    expect(text).toContain('Attention &lt;!channel&gt; &amp; &lt;https://evil.example¦you&gt;');
    expect(text).not.toMatch(/<!channel>|<!here>|<@U123>/);
    expect(text).toContain('x &lt; y &amp; z');
  });

  it('cuts escaped text to its limit without breaking an entity', () => {
    const cut = escapeClip('&'.repeat(5000), 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut).toMatch(/^(&amp;)+…$/);
  });

  it('shows a thumbnail as the card’s image accessory, and leaves out an unusable one', async () => {
    const { message } = await render(
      answerOf([card('2401.00001', { thumbnail: 'https://cdn.example.org/a.png' }), card('2401.00002', { thumbnail: 'javascript:alert(1)' })]),
    );
    const sections = message.blocks.filter((b: any) => b.type === 'section');
    expect(sections[0]).toMatchObject({ accessory: { type: 'image', image_url: 'https://cdn.example.org/a.png', alt_text: 'Paper 2401.00001' } });
    expect((sections[1] as any).accessory).toBeUndefined();
    expect(message.hasImages).toBe(true);
    const without = (await render(answerOf([card('2401.00001', { thumbnail: 'https://cdn.example.org/a.png' })]), { images: false })).message;
    expect(without.hasImages).toBe(false);
  });

  it('stays within 50 blocks and 3,000 characters a text however large the answer, saying how many cards it left out', async () => {
    const huge = Array.from({ length: 40 }, (_, i) =>
      card(`2401.${String(i).padStart(5, '0')}`, {
        title: 'T'.repeat(500),
        authors: Array.from({ length: 50 }, (_, a) => `Author ${a}`),
        snippet: '&<>'.repeat(2000),
        reasons: [{ kind: 'follow', follow: 'x'.repeat(400) }],
      }),
    );
    const { message } = await render(
      answerOf(huge, { lines: Array.from({ length: 200 }, (_, i) => `line ${i} ${'y'.repeat(100)}`), page: { number: 1, hasPrev: false, hasNext: true } }),
    );
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(blocksProblem(message.blocks, 50)).toBeUndefined();
    expect(textOf(message.blocks)).toMatch(/\d+ more not shown/);
    const home = (await render(answerOf(huge), { maxBlocks: 90, idScope: 'home' })).message;
    expect(home.blocks.length).toBeLessThanOrEqual(90);
    expect(buttonsOf(home.blocks)[0]!.action_id).toBe('pb:home.0');
  });

  it('carries each action through the core’s codec, a long one as a stored token within 2,000 characters', async () => {
    const long: Action = { kind: 'page', direction: 'next', call: { command: 'search', args: { query: 'q'.repeat(2500), page: 2 } } };
    const answer = answerOf([card('2401.00001')], { actions: [{ kind: 'vote', paperId: '2401.00001', vote: 'up' }, long] });
    const { codec, message } = await render(answer);
    const next = buttonsOf(message.blocks).find((b) => b.text.text === 'Next ▶')!;
    expect(next.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
    expect(next.value.startsWith('~')).toBe(true);
    expect(await codec.decode(next.value)).toEqual(long);
  });

  it('marks the recipient’s vote; clicking it again takes the vote back', async () => {
    const { codec, message } = await render(answerOf([card('2401.00001', { vote: 'down' })]));
    const down = buttonsOf(message.blocks).find((b) => b.text.text === '👎 ✓')!;
    expect(down.style).toBe('primary');
    expect(await codec.decode(down.value)).toEqual({ kind: 'vote', paperId: '2401.00001', vote: 'clear' });
    expect(textOf(message.blocks)).toContain('You rated this 👎');
  });

  it('shows the reasons in the core’s words and numbers cards on from the page’s offset', async () => {
    const { message } = await render(
      answerOf([card('2401.00001', { reasons: [{ kind: 'follow', follow: 'grokking' }] }), card('2401.00002')], {
        page: { number: 2, hasPrev: true, hasNext: false, offset: 5 },
      }),
    );
    const text = textOf(message.blocks);
    expect(text).toContain('✨ matches your follow: grokking');
    expect(text).toContain('*6. <https://huggingface.co/papers/2401.00001|Paper 2401.00001>*');
    expect(text).toContain('Page 2');
  });

  it('renders personal answers as ephemeral, with the notice as fallback text', async () => {
    const { message } = await render({
      title: 'Not quite',
      cards: [],
      lines: [],
      actions: [],
      visibility: 'personal',
      notice: { tone: 'error', text: 'Nope <x>' },
    });
    expect(message).toMatchObject({ ephemeral: true, text: 'Not quite: Nope &lt;x&gt;' });
  });
});
