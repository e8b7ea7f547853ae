import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../../src/bots/telegram/bot.ts';
import { createTelegramDeliveryPort } from '../../../src/bots/telegram/delivery.ts';
import type { Answer } from '../../../src/core/answer.ts';
import type { RecipientRef } from '../../../src/core/recipient.ts';
import { seedPapers, testCore } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { FakeTelegramBotApi, htmlProblem } from '../../support/fakes/telegram-bot-api.ts';
import { captureLog, silentLog } from '../../support/log.ts';
import { memoryCodec } from '../../support/memory-codec.ts';
import { FAST_LIMITS } from '../../support/telegram-harness.ts';

const user = (id: number): RecipientRef => ({ platform: 'telegram', externalId: String(id), kind: 'user' });
const group = (id: number): RecipientRef => ({ platform: 'telegram', externalId: String(id), kind: 'channel' });

describe('Telegram delivery port against the fake Bot API', () => {
  const t = useTestDb('pglite');
  let fake: FakeTelegramBotApi;
  let telegram: TelegramBot;
  const captured = captureLog('debug');

  beforeAll(async () => {
    fake = await FakeTelegramBotApi.start();
  });
  beforeEach(() => {
    fake.reset();
    telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: testCore(t.db), log: captured.log, limits: FAST_LIMITS });
  });
  afterAll(() => fake.close());

  async function digest(): Promise<Answer> {
    await seedPapers(t.db);
    return testCore(t.db).run('today', { recipient: user(1), mayManage: async () => true });
  }

  it('posts the answer with its keyboard and reports ok', async () => {
    const answer = await digest();
    expect(await telegram.port.send(user(2001), answer)).toEqual({ status: 'ok' });
    const [message] = fake.botMessages(2001);
    expect(message!.html).toMatch(/^<b>Papers for 2024-05-24<\/b>/);
    expect(message!.reply_markup!.inline_keyboard[0]![0]).toEqual({ text: '1 👍', callback_data: 'vote 2405.14831 up' });
    expect(telegram.port.platform).toBe('telegram');
  });

  it('maps 403 blocked/kicked and 400 chat not found to gone', async () => {
    const answer = await digest();
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(await telegram.port.send(user(2002), answer)).toEqual({ status: 'gone', reason: 'Forbidden: bot was blocked by the user' });
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the group chat' });
    expect(await telegram.port.send(group(-2002), answer)).toMatchObject({ status: 'gone' });
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    expect(await telegram.port.send(group(-2003), answer)).toEqual({ status: 'gone', reason: 'Bad Request: chat not found' });
  });

  it('maps 400 with migrate_to_chat_id to migrated, with the new id', async () => {
    const answer = await digest();
    fake.failNext('sendMessage', {
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: -1002003 },
    });
    expect(await telegram.port.send(group(-2003), answer)).toEqual({ status: 'migrated', newExternalId: '-1002003' });
    expect(fake.botMessages(-2003)).toEqual([]);
  });

  it('returns a long 429 as retry-after without waiting, and waits out a short one', async () => {
    const answer = await digest();
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } });
    const started = Date.now();
    expect(await telegram.port.send(user(2004), answer)).toEqual({ status: 'retry-after', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.botMessages(2004)).toEqual([]);

    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect(await telegram.port.send(user(2005), answer)).toEqual({ status: 'ok' });
    expect(fake.callsOf('sendMessage', { chatId: 2005, all: true }).map((c) => c.status)).toEqual([429, 200]);
    expect(fake.botMessages(2005)).toHaveLength(1);
  });

  it('reports 5xx and network errors as retryable failures, a malformed request as not retryable', async () => {
    const answer = await digest();
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    expect(await telegram.port.send(user(2006), answer)).toMatchObject({ status: 'failed', retryable: true });
    fake.failNext('sendMessage', 'network');
    const network = await telegram.port.send(user(2006), answer);
    expect(network).toMatchObject({ status: 'failed', retryable: true });
    expect(JSON.stringify(network)).not.toContain(fake.token);
    fake.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities" });
    expect(await telegram.port.send(user(2006), answer)).toMatchObject({ status: 'failed', retryable: false });
    expect(await telegram.port.send({ platform: 'discord', externalId: '1', kind: 'user' }, answer)).toMatchObject({ status: 'failed', retryable: false });
    expect(captured.text()).not.toContain(fake.token);
  });

  it('splits a long digest between cards into several valid messages', async () => {
    const papers = Array.from({ length: 10 }, (_, i) => ({
      id: `2405.600${String(i).padStart(2, '0')}`,
      title: `${'A very long and detailed title about diffusion & <things> '.repeat(5)}${i}`,
      abstract: 'Long abstract text. '.repeat(40),
      authors: Array.from({ length: 10 }, (_, a) => `Author ${a}`),
      featuredOn: '2024-05-24',
      source: 'hf' as const,
    }));
    await seedPapers(t.db, papers);
    const cards = (await testCore(t.db).run('today', { recipient: user(1), mayManage: async () => true })).cards;
    const answer: Answer = {
      title: 'Your daily picks',
      cards: [...cards, ...cards.map((c) => ({ ...c, id: `${c.id}9` }))],
      lines: [],
      actions: [],
      visibility: 'public',
    };
    expect(await telegram.port.send(user(2007), answer)).toEqual({ status: 'ok' });
    const sent = fake.botMessages(2007);
    expect(sent.length).toBeGreaterThan(1);
    for (const message of sent) {
      expect(message.html.length).toBeLessThanOrEqual(4096);
      expect(htmlProblem(message.html)).toBeUndefined();
    }
    const shown = sent.flatMap((m) => [...m.html.matchAll(/<b>(\d+)\.<\/b>/g)].map((x) => Number(x[1])));
    expect(shown).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('throttles with Telegram’s limits by default: about one message per second into a chat', async () => {
    const answer = await digest();
    const strict = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: testCore(t.db), log: silentLog });
    const results = await Promise.all([strict.port.send(user(2008), answer), strict.port.send(user(2008), answer), strict.port.send(user(2009), answer)]);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const [first, second] = fake.callsOf('sendMessage', { chatId: 2008 });
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    // Another chat is not held up by the first one's limit.
    expect(fake.callsOf('sendMessage', { chatId: 2009 })[0]!.at - first!.at).toBeLessThan(500);
  });

  it('keeps a post’s messages a second apart where they arrive, even when the overall limit held the first one back', async () => {
    // An overall limit of 5 a second: 4 at once, then one every ~200 ms.
    const slow = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: testCore(t.db), log: silentLog, limits: { globalPerSecond: 5 } });
    const others = [2101, 2102, 2103, 2104].map((chat) => slow.bot.api.sendMessage(chat, 'another chat'));
    // The two parts of one post: the first waits ~200 ms for the overall limit, the second not.
    await slow.bot.api.sendMessage(2100, 'part 1');
    await slow.bot.api.sendMessage(2100, 'part 2');
    await Promise.all(others);
    const [first, second] = fake.callsOf('sendMessage', { chatId: 2100 });
    expect(first!.at - fake.callsOf('sendMessage', { chatId: 2101 })[0]!.at).toBeGreaterThanOrEqual(150);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
  });

  it('shares one throttler between the bot’s replies and its delivery port', async () => {
    const answer = await digest();
    const strict = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: testCore(t.db), log: silentLog });
    await Promise.all([strict.bot.api.sendMessage(2011, 'a reply'), strict.port.send(user(2011), answer)]);
    const [first, second] = fake.callsOf('sendMessage', { chatId: 2011 });
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('stopping: gives up a post still held by the throttler (nothing reaches Telegram), never a request under way', async () => {
    const answer = await digest();
    fake.answerAfter('sendMessage', 300);
    const strict = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: testCore(t.db), log: silentLog });
    const stopping = new AbortController();
    // Two posts into one chat: the second waits a second behind the first (one message a second per chat).
    const first = strict.port.send(user(2012), answer, { signal: stopping.signal });
    const second = strict.port.send(user(2012), answer, { signal: stopping.signal });
    await fake.waitForCall('sendMessage', { where: (call) => call.payload.chat_id === 2012 });
    stopping.abort();
    const started = performance.now();
    expect(await second).toEqual({ status: 'not-sent', reason: 'stopped before the post reached Telegram' });
    expect(performance.now() - started).toBeLessThan(100);
    // The request under way was not aborted: its answer came and was read.
    expect(await first).toEqual({ status: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.callsOf('sendMessage', { all: true, chatId: 2012 })).toHaveLength(1);
    // A post sent under a signal that never aborts goes out as usual.
    fake.answerAfter('sendMessage', 0);
    expect(await strict.port.send(user(2013), answer, { signal: new AbortController().signal })).toEqual({ status: 'ok' });
  });

  it('is built without a core or a bot, from a token and an action codec (paperboy deliver)', async () => {
    const actions = memoryCodec();
    const port = createTelegramDeliveryPort({ token: fake.token, apiRoot: fake.apiRoot, actions, log: captured.log, limits: FAST_LIMITS });
    const answer = await digest();
    const query = 'a query far too long to fit into the sixty-four bytes of callback data';
    answer.actions.push({ kind: 'page', direction: 'next', call: { command: 'search', args: { query, page: 2 } } });
    expect(await port.send(user(2010), answer)).toEqual({ status: 'ok' });
    const buttons = fake.botMessages(2010)[0]!.reply_markup!.inline_keyboard.flat();
    expect(buttons[0]).toEqual({ text: '1 👍', callback_data: 'vote 2405.14831 up' });
    const next = buttons.at(-1)!;
    expect(next.text).toBe('Next ▶');
    const data = 'callback_data' in next ? next.callback_data! : '';
    expect(data).toMatch(/^~/);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(actions.stored.get(data)).toBe(`page next search ${JSON.stringify({ query, page: 2 })}`);
    expect(port.platform).toBe('telegram');
  });
});
