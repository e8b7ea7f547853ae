import type { InlineKeyboardMarkup } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_LIMIT, markFollow, markVote, toInlineKeyboard } from '../../../src/bots/telegram/keyboard.ts';
import { renderAnswer } from '../../../src/bots/telegram/render.ts';
import type { Action, Answer } from '../../../src/core/answer.ts';
import { card } from '../../support/cards.ts';
import { memoryCodec } from '../../support/memory-codec.ts';

const vote = (paperId: string, v: 'up' | 'down' | 'clear'): Action => ({ kind: 'vote', paperId, vote: v });
const page = (direction: 'prev' | 'next', args: Record<string, unknown>, command = 'today'): Action => ({ kind: 'page', direction, call: { command, args } });

describe('Telegram inline keyboards', () => {
  it('encodes each button’s action as callback_data: readable when it fits in 64 bytes', async () => {
    const codec = memoryCodec();
    const markup = await toInlineKeyboard(codec, [
      [
        { text: '1 👍', action: vote('2401.00001', 'up') },
        { text: '1 👎 ✓', action: vote('2401.00001', 'clear') },
      ],
      [{ text: 'Follow “grokking”', action: { kind: 'follow', topic: 'grokking', follow: true } }],
      [{ text: '✓ Following “grokking”', action: { kind: 'follow', topic: 'grokking', follow: false } }],
      [{ text: 'Next ▶', action: page('next', { date: '2024-05-24', page: 2 }) }],
    ]);
    expect(markup).toEqual({
      inline_keyboard: [
        [
          { text: '1 👍', callback_data: 'vote 2401.00001 up' },
          { text: '1 👎 ✓', callback_data: 'vote 2401.00001 clear' },
        ],
        [{ text: 'Follow “grokking”', callback_data: 'follow grokking' }],
        [{ text: '✓ Following “grokking”', callback_data: 'unfollow grokking' }],
        [{ text: 'Next ▶', callback_data: 'page next today {"date":"2024-05-24","page":2}' }],
      ],
    });
    expect(codec.stored.size).toBe(0);
    expect(await toInlineKeyboard(codec, [])).toBeUndefined();
  });

  it('puts a longer action behind a stored ~token that decodes back to it', async () => {
    const codec = memoryCodec();
    const long = page('next', { query: 'diffusion models for very long and winding research questions', page: 2 }, 'search');
    const markup = await toInlineKeyboard(codec, [[{ text: 'Next ▶', action: long }]]);
    const data = callbackData(markup!)[0]!;
    expect(data).toMatch(/^~/);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_LIMIT);
    expect(await codec.decode(data)).toEqual(long);
    // The same action always gets the same token.
    expect(callbackData((await toInlineKeyboard(codec, [[{ text: 'Next ▶', action: long }]]))!)).toEqual([data]);
  });

  it('keeps every rendered callback_data within 64 bytes, multi-byte topics included', async () => {
    const codec = memoryCodec();
    const answer: Answer = {
      title: 'Search',
      cards: [card('2401.00001')],
      lines: [],
      actions: [
        vote('2401.00001', 'up'),
        { kind: 'follow', topic: 'Ünïcödé 🧪 topic '.repeat(4).trim(), follow: true },
        page('next', { query: '🧪'.repeat(20), page: 2 }, 'search'),
      ],
      visibility: 'public',
    };
    const [message] = renderAnswer(answer);
    const markup = await toInlineKeyboard(codec, message!.keyboard);
    for (const data of callbackData(markup!)) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_LIMIT);
    const decoded = await Promise.all(callbackData(markup!).map((data) => codec.decode(data)));
    expect(decoded).toEqual(answer.actions);
  });

  describe('after a 👍/👎 click', () => {
    const posted: InlineKeyboardMarkup = {
      inline_keyboard: [
        [
          { text: '1 👍', callback_data: 'vote 2401.00001 up' },
          { text: '1 👎 ✓', callback_data: 'vote 2401.00001 clear' },
        ],
        [
          { text: '2 👍', callback_data: 'vote 2401.00002 up' },
          { text: '2 👎', callback_data: 'vote 2401.00002 down' },
        ],
        [{ text: 'Next ▶', callback_data: 'today 2024-05-24 2' }],
        [{ text: 'Hugging Face', url: 'https://huggingface.co/papers' }],
        [{ text: 'Gone', callback_data: '~AAAAAAAAAAAAAAAA' }],
      ],
    };

    it('marks the chosen vote and unmarks the other; the rest is untouched', async () => {
      const codec = memoryCodec();
      const up = await markVote(codec, posted, '2401.00001', 'up');
      expect(up.inline_keyboard[0]).toEqual([
        { text: '1 👍 ✓', callback_data: 'vote 2401.00001 clear' },
        { text: '1 👎', callback_data: 'vote 2401.00001 down' },
      ]);
      expect(up.inline_keyboard.slice(1)).toEqual(posted.inline_keyboard.slice(1));

      const cleared = await markVote(codec, posted, '2401.00001', null);
      expect(cleared.inline_keyboard[0]).toEqual([
        { text: '1 👍', callback_data: 'vote 2401.00001 up' },
        { text: '1 👎', callback_data: 'vote 2401.00001 down' },
      ]);

      const down = await markVote(codec, posted, '2401.00002', 'down');
      expect(down.inline_keyboard[0]).toEqual(posted.inline_keyboard[0]);
      expect(down.inline_keyboard[1]).toEqual([
        { text: '2 👍', callback_data: 'vote 2401.00002 up' },
        { text: '2 👎 ✓', callback_data: 'vote 2401.00002 clear' },
      ]);
    });

    it('tells the buttons apart by their payloads even when the labels were changed', async () => {
      const codec = memoryCodec();
      const relabelled: InlineKeyboardMarkup = {
        inline_keyboard: [
          [
            { text: '1 thumbs down ✓', callback_data: 'vote 2401.00001 up' },
            { text: '1 👍', callback_data: 'vote 2401.00001 down' },
          ],
          [
            { text: 'more like this', callback_data: 'vote 2401.00002 clear' },
            { text: '👍', callback_data: 'vote 2401.00002 down' },
          ],
        ],
      };
      expect((await markVote(codec, relabelled, '2401.00001', 'up')).inline_keyboard[0]).toEqual([
        { text: '1 👍 ✓', callback_data: 'vote 2401.00001 clear' },
        { text: '1 👎', callback_data: 'vote 2401.00001 down' },
      ]);
      // The "clear" button stands for the direction its paper's other button does not vote: 👍 here.
      expect((await markVote(codec, relabelled, '2401.00002', 'down')).inline_keyboard[1]).toEqual([
        { text: '👍', callback_data: 'vote 2401.00002 up' },
        { text: '👎 ✓', callback_data: 'vote 2401.00002 clear' },
      ]);
    });

    it('finds vote buttons behind tokens and re-encodes them', async () => {
      const codec = memoryCodec();
      const paperId = `2401.${'9'.repeat(59)}`;
      const markup = (await toInlineKeyboard(codec, [
        [
          { text: '1 👍', action: vote(paperId, 'up') },
          { text: '1 👎', action: vote(paperId, 'down') },
        ],
      ]))!;
      const marked = await markVote(codec, markup, paperId, 'down');
      expect(marked.inline_keyboard[0]!.map((b) => b.text)).toEqual(['1 👍', '1 👎 ✓']);
      expect(await Promise.all(callbackData(marked).map((data) => codec.decode(data)))).toEqual([vote(paperId, 'up'), vote(paperId, 'clear')]);
    });
  });

  it('decodes a button posted by the previous version (command text) as the command it ran', async () => {
    expect(await memoryCodec().decode('today 2024-05-24 2')).toMatchObject({ kind: 'page', call: { command: 'today', args: { date: '2024-05-24', page: 2 } } });
  });

  it('flips the Follow button of the clicked topic after a follow, and back after an unfollow', async () => {
    const codec = memoryCodec();
    const posted: InlineKeyboardMarkup = {
      inline_keyboard: [
        [{ text: '1 👍', callback_data: 'vote 2401.00001 up' }],
        [{ text: 'Follow “grokking”', callback_data: 'follow grokking' }],
        [{ text: 'Follow “diffusion”', callback_data: 'follow diffusion' }],
      ],
    };
    const followed = await markFollow(codec, posted, 'grokking', true);
    expect(followed.inline_keyboard).toEqual([
      posted.inline_keyboard[0],
      [{ text: '✓ Following “grokking”', callback_data: 'unfollow grokking' }],
      posted.inline_keyboard[2],
    ]);
    expect((await markFollow(codec, followed, 'grokking', false)).inline_keyboard).toEqual(posted.inline_keyboard);

    const long = `author:${'Very Long Name '.repeat(6).trim()}`;
    const withLong = (await toInlineKeyboard(codec, [[{ text: 'Follow', action: { kind: 'follow', topic: long, follow: true } }]]))!;
    const flipped = await markFollow(codec, withLong, long, true);
    const button = flipped.inline_keyboard[0]![0]!;
    expect(Array.from(button.text).length).toBeLessThanOrEqual(60);
    expect(button.text.startsWith('✓ Following “author:Very Long Name')).toBe(true);
    expect(await codec.decode(callbackData(flipped)[0]!)).toEqual({ kind: 'follow', topic: long, follow: false });
  });
});

function callbackData(markup: InlineKeyboardMarkup): string[] {
  return markup.inline_keyboard.flat().map((b) => ('callback_data' in b ? String(b.callback_data) : ''));
}
