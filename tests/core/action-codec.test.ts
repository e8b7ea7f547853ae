import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionLabel, reasonText, shortTitle } from '../../src/core/actions/action-label.ts';
import type { Action } from '../../src/core/answer.ts';
import { memoryCodec } from '../support/memory-codec.ts';

const TELEGRAM_LIMIT = 64;

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('vote' as const),
    paperId: fc.stringMatching(/^\d{4}\.\d{4,5}$/),
    vote: fc.constantFrom('up' as const, 'down' as const, 'clear' as const),
  }),
  fc.record({ kind: fc.constant('follow' as const), topic: fc.string({ minLength: 1, maxLength: 100 }).map((s) => s.trim() || 'x'), follow: fc.boolean() }),
  fc.record({ kind: fc.constant('similar' as const), paperId: fc.oneof(fc.stringMatching(/^\d{4}\.\d{4,5}$/), fc.stringMatching(/^[a-z-]{2,12}\/\d{7}$/)) }),
  fc.record({
    kind: fc.constant('page' as const),
    direction: fc.constantFrom('prev' as const, 'next' as const),
    call: fc.record({
      command: fc.constantFrom('search', 'today'),
      args: fc.record({ query: fc.string({ maxLength: 300 }), page: fc.integer({ min: 1, max: 50 }) }),
    }),
  }),
);

describe('the action codec', () => {
  it('turns every action into a payload that fits and back into the same action', async () => {
    const codec = memoryCodec();
    await fc.assert(
      fc.asyncProperty(action, async (original) => {
        const payload = await codec.encode(original, TELEGRAM_LIMIT);
        expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(TELEGRAM_LIMIT);
        expect(await codec.decode(payload)).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps short actions readable inline and stores long ones under a stable token', async () => {
    const codec = memoryCodec();
    expect(await codec.encode({ kind: 'vote', paperId: '2405.15071', vote: 'up' }, TELEGRAM_LIMIT)).toBe('vote 2405.15071 up');
    expect(await codec.encode({ kind: 'follow', topic: 'grokking', follow: false }, TELEGRAM_LIMIT)).toBe('unfollow grokking');
    expect(await codec.encode({ kind: 'similar', paperId: 'hep-th/9901001' }, TELEGRAM_LIMIT)).toBe('similar hep-th/9901001');
    const long: Action = {
      kind: 'page',
      direction: 'next',
      call: { command: 'search', args: { query: 'sparse autoencoders for mechanistic interpretability', page: 2 } },
    };
    const token = await codec.encode(long, TELEGRAM_LIMIT);
    expect(token).toMatch(/^~[\w-]{16}$/);
    expect(await codec.encode(long, TELEGRAM_LIMIT)).toBe(token);
    expect(codec.stored.size).toBe(1);
    // Where the platform allows more (Discord's 100), the same action stays inline.
    expect(await codec.encode(long, 97)).toBe('page next search {"query":"sparse autoencoders for mechanistic interpretability","page":2}');
  });

  it('reads the command-text payloads of buttons posted by earlier versions', async () => {
    const codec = memoryCodec();
    expect(await codec.decode('today 2024-05-24 2')).toEqual({
      kind: 'page',
      direction: 'next',
      call: { command: 'today', args: { date: '2024-05-24', page: 2 } },
    });
    expect(await codec.decode('search grokking 3')).toEqual({
      kind: 'page',
      direction: 'next',
      call: { command: 'search', args: { query: 'grokking', page: 3 } },
    });
  });

  it('refuses what is not an action: unknown tokens, damaged arguments, foreign text', async () => {
    const codec = memoryCodec();
    for (const payload of ['~AAAAAAAAAAAAAAAA', 'page next search {not json', 'page next search [1,2]', 'hello there', '']) {
      expect(await codec.decode(payload)).toBeUndefined();
    }
  });
});

describe('labels and reasons in plain words', () => {
  it('labels each kind of button and states each kind of reason', () => {
    expect(actionLabel({ kind: 'vote', paperId: 'x', vote: 'up' })).toBe('👍');
    expect(actionLabel({ kind: 'follow', topic: 'grokking', follow: true })).toBe('Follow “grokking”');
    expect(actionLabel({ kind: 'page', direction: 'prev', call: { command: 'today', args: {} } })).toBe('◀ Previous');
    expect(actionLabel({ kind: 'similar', paperId: '2405.15071' })).toBe('More like this');
    expect(reasonText({ kind: 'follow', follow: 'cat:cs.LG' })).toBe('matches your follow: cat:cs.LG');
    expect(reasonText({ kind: 'liked' })).toBe('similar to papers you liked');
    expect(reasonText({ kind: 'top', day: null })).toBe('top paper of the day');
    expect(reasonText({ kind: 'top', day: '2026-11-26' })).toBe('top paper of 2026-11-26');
    expect(reasonText({ kind: 'shares', terms: ['gamma ray', 'blazars'] })).toBe('in common: gamma ray, blazars');
    expect(reasonText({ kind: 'related', follow: 'protein folding' })).toBe('related to your follow: protein folding');
  });

  it('names the 👍 paper a card is like by the short name before its colon, or its title cut at a word', () => {
    const liked = (title: string) => reasonText({ kind: 'liked', paper: { id: '2405.15071', title } });
    expect(liked('HippoRAG: Neurobiologically Inspired Long-Term Memory for Large Language Models')).toBe('like “HippoRAG” that you 👍');
    expect(liked('Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to the Edge of Generalization')).toBe(
      'like “Grokked Transformers are Implicit Reasoners” that you 👍',
    );
    expect(liked('Scaling   laws for neural language models trained on very many tokens of web text')).toBe(
      'like “Scaling laws for neural language models trained on very…” that you 👍',
    );
    expect(shortTitle('A: B')).toBe('A: B');
  });
});
