import type { Chat, Message, User } from 'grammy/types';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { TelegramLimits } from '../../src/bots/telegram/api-plugins.ts';
import { startTelegram, type TelegramService } from '../../src/bots/telegram/start.ts';
import { createConfig, type Env } from '../../src/config.ts';
import type { Database } from '../../src/db/schema.ts';
import { testCore } from './core.ts';
import { type BotMessage, FakeTelegramBotApi, type RecordedCall } from './fakes/telegram-bot-api.ts';
import { captureLog } from './log.ts';

/** Throttling loose enough for tests; the defaults are covered in delivery.test.ts. */
export const FAST_LIMITS: TelegramLimits = { globalPerSecond: 1000, perChatIntervalMs: 0, groupPerMinute: 10_000 };

/** The environment for a bot talking to the fake. */
export function telegramConfig(fake: FakeTelegramBotApi, extra: Record<string, string> = {}): Env {
  return createConfig({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: 'silent', ...extra });
}

export interface TelegramHarness {
  readonly fake: FakeTelegramBotApi;
  readonly service: TelegramService;
  readonly logText: () => string;
  /** A user writes into a chat; resolves with the bot's reply (the sent message). */
  say(from: User, chat: Chat, text: string): Promise<BotMessage>;
  /** An admin posts into a channel (signed by the channel, or by `senderChat`); resolves with the post and the bot's answer there. */
  post(channel: Chat.ChannelChat, text: string, options?: { senderChat?: Chat }): Promise<{ post: Message; answer: BotMessage }>;
  /** A user clicks a button; resolves once the callback query is answered, with that answer call. */
  click(from: User, message: BotMessage, data: string): Promise<RecordedCall>;
  /** The next call of `method` into `chatId` after `mark`. */
  next(method: string, chatId: number, mark: number): Promise<RecordedCall>;
}

/**
 * Starts the fake Bot API and the real adapter (`startTelegram`, long polling with the
 * runner) for a describe block, over the block's test database. Stops both afterwards.
 */
export function useTelegramBot(t: { readonly db: Kysely<Database> }): TelegramHarness {
  let fake: FakeTelegramBotApi | undefined;
  let service: TelegramService | undefined;
  const captured = captureLog('debug');

  beforeAll(async () => {
    fake = await FakeTelegramBotApi.start({ maxHoldMs: 500 });
    service = await startTelegram({ config: telegramConfig(fake), core: testCore(t.db), log: captured.log, limits: FAST_LIMITS });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });
  beforeEach(() => fake?.reset());

  const harness: TelegramHarness = {
    get fake() {
      if (!fake) throw new Error('fake not started');
      return fake;
    },
    get service() {
      if (!service) throw new Error('bot not started');
      return service;
    },
    logText: captured.text,
    async say(from, chat, text) {
      const api = harness.fake;
      const mark = api.calls.length;
      api.userSays(from, chat, text);
      const call = await harness.next('sendMessage', chat.id, mark);
      return messageOf(api, chat.id, call);
    },
    async post(channel, text, options = {}) {
      const api = harness.fake;
      const mark = api.calls.length;
      const post = api.channelPost(channel, text, options);
      const call = await harness.next('sendMessage', channel.id, mark);
      return { post, answer: messageOf(api, channel.id, call) };
    },
    async click(from, message, data) {
      const api = harness.fake;
      const mark = api.calls.length;
      const id = api.click(from, message, data);
      return api.waitForCall('answerCallbackQuery', { after: mark, where: (c) => c.payload.callback_query_id === id });
    },
    next(method, chatId, mark) {
      return harness.fake.waitForCall(method, { after: mark, where: (c) => Number(c.payload.chat_id) === chatId });
    },
  };
  return harness;
}

/** The stored bot message a sendMessage/edit call produced. */
export function messageOf(fake: FakeTelegramBotApi, chatId: number, call: RecordedCall): BotMessage {
  const id = call.result?.message_id ?? call.payload.message_id;
  const message = fake.botMessages(chatId).find((m) => m.message_id === id);
  if (!message) throw new Error(`no bot message ${id} in chat ${chatId}`);
  return message;
}

/** Every button of a message, row by row flattened: its label and callback_data. */
export function buttonsOf(message: Pick<BotMessage, 'reply_markup'>): { text: string; data: string }[] {
  return (message.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: 'callback_data' in b ? String(b.callback_data) : '' }));
}

/** The callback_data of the button whose label matches. */
export function buttonData(message: Pick<BotMessage, 'reply_markup'>, label: string | RegExp): string {
  const button = buttonsOf(message).find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
  if (!button) throw new Error(`no button ${String(label)} in ${JSON.stringify(buttonsOf(message).map((b) => b.text))}`);
  return button.data;
}

/** arXiv ids in the order their cards appear (card titles link to the HF page). */
export function cardIds(message: Pick<BotMessage, 'html'>): string[] {
  return [...message.html.matchAll(/<b>\d+\.<\/b> <a href="https:\/\/huggingface\.co\/papers\/([^"]+)">/g)].map((m) => m[1]!);
}
