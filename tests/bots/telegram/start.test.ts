import { createServer } from 'node:net';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES, derivedWebhookSecret, startTelegram, type TelegramService, TelegramStartError } from '../../../src/bots/telegram/start.ts';
import { seedPapers, testCore } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { FakeTelegramBotApi, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { captureLog } from '../../support/log.ts';
import { FAST_LIMITS, telegramConfig } from '../../support/telegram-harness.ts';

const carol = makeUser(3001, 'Carol');

describe('startTelegram', () => {
  const t = useTestDb('pglite');

  describe('in webhook mode', () => {
    let fake: FakeTelegramBotApi;
    let service: TelegramService;
    const url = 'https://bot.example.test/telegram';
    const secret = 'hook-secret_1';

    beforeAll(async () => {
      fake = await FakeTelegramBotApi.start();
      const config = { ...telegramConfig(fake, { TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: secret }), TELEGRAM_WEBHOOK_PORT: 0 };
      service = await startTelegram({ config, core: testCore(t.db), log: captureLog('debug').log, limits: FAST_LIMITS });
    });
    afterAll(async () => {
      await service?.stop();
      await fake?.close();
    });

    const post = (update: Update, token?: string) =>
      fetch(`http://127.0.0.1:${service.webhook!.port}/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { 'x-telegram-bot-api-secret-token': token } : {}) },
        body: JSON.stringify(update),
      });

    const update = (id: number, text: string): Update => ({
      update_id: id,
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: privateChat(carol),
        from: carol,
        text,
        entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }],
      },
    });

    it('registers the webhook with its secret and does not poll', () => {
      expect(fake.webhook).toEqual({ url, secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
      expect(service.webhook).toMatchObject({ url });
      expect(fake.callsOf('getUpdates', { all: true })).toEqual([]);
      expect(fake.callsOf('deleteWebhook')).toEqual([]);
      expect(fake.commands.map((c) => c.command)).toContain('today');
    });

    it('handles updates posted with the secret token', async () => {
      await seedPapers(t.db);
      const mark = fake.calls.length;
      const response = await post(update(1, '/today'), secret);
      expect(response.status).toBe(200);
      const sent = await fake.waitForCall('sendMessage', { after: mark, where: (c) => c.payload.chat_id === carol.id });
      expect(sent.payload.text).toMatch(/^<b>Papers for 2024-05-24<\/b>/);
    });

    it('refuses updates without the right secret', async () => {
      const mark = fake.calls.length;
      expect((await post(update(2, '/help'), 'wrong')).status).toBe(401);
      expect((await post(update(3, '/help'))).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.calls.slice(mark).filter((c) => c.method === 'sendMessage')).toEqual([]);
    });

    it('answers health checks', async () => {
      const response = await fetch(`http://127.0.0.1:${service.webhook!.port}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
    });
  });

  it('derives a stable webhook secret from the token when none is configured', () => {
    const secret = derivedWebhookSecret('123:abc');
    expect(secret).toBe(derivedWebhookSecret('123:abc'));
    expect(secret).not.toBe(derivedWebhookSecret('123:abd'));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(secret).not.toContain('abc');
  });

  it('fails to start with the token redacted when the Bot API is unreachable', async () => {
    const fake = await FakeTelegramBotApi.start();
    const deadRoot = await closedPortRoot();
    await fake.close();
    const captured = captureLog('debug');
    const config = { ...telegramConfig(fake), TELEGRAM_API_ROOT: deadRoot };
    const error = await startTelegram({ config, core: testCore(t.db), log: captured.log, startTimeoutMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramStartError);
    const shown = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
    expect(shown).toContain('could not log in');
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain(fake.token);
    expect(shown).not.toContain(fake.token.split(':')[1]);
    // It retried while waiting, and said so without the token.
    expect(captured.text()).toContain('Bot API not reachable yet');
    expect(captured.text()).not.toContain(fake.token.split(':')[1]);
  });

  it('fails to start when the token is refused', async () => {
    const fake = await FakeTelegramBotApi.start();
    try {
      const config = { ...telegramConfig(fake), TELEGRAM_BOT_TOKEN: '999:wrong-token-value' };
      const error = await startTelegram({ config, core: testCore(t.db), log: captureLog('debug').log }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TelegramStartError);
      expect((error as Error).message).toContain('401: Unauthorized');
      expect((error as Error).message).not.toContain('wrong-token-value');
    } finally {
      await fake.close();
    }
  });

  it('polls with the runner, stops cleanly, and starts polling again after a webhook was set', async () => {
    const fake = await FakeTelegramBotApi.start({ maxHoldMs: 200 });
    try {
      fake.webhook = { url: 'https://old.example.test/hook' };
      const service = await startTelegram({ config: telegramConfig(fake), core: testCore(t.db), log: captureLog('debug').log, limits: FAST_LIMITS });
      expect(fake.webhook).toBeUndefined();
      const mark = fake.calls.length;
      fake.userSays(carol, privateChat(carol), '/help');
      await fake.waitForCall('sendMessage', { after: mark });
      await service.stop();
      await service.stop();
      const polls = fake.callsOf('getUpdates', { all: true }).length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fake.callsOf('getUpdates', { all: true }).length).toBe(polls);
    } finally {
      await fake.close();
    }
  });
});

/** An http root on a loopback port nothing listens on. */
async function closedPortRoot(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
