import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, demoPapersFile, startApp } from '../../src/app.ts';
import { createConfig } from '../../src/config.ts';
import { importFile } from '../../src/core/ingest/import-file.ts';
import { templateDataDir } from '../support/cli.ts';
import { APPLICATION_ID, fakeToken } from '../support/discord/harness.ts';
import { inGuild, slash, str } from '../support/discord/interactions.ts';
import { FakeDiscord } from '../support/fakes/discord-server.ts';
import { FakeTelegramBotApi, makeUser, privateChat } from '../support/fakes/telegram-bot-api.ts';
import { silentLog } from '../support/log.ts';

/** `npm start` as an operator runs it: the whole app, configured only through the environment. */
describe('the app with Telegram and Discord tokens', () => {
  const data = templateDataDir();
  let telegram: FakeTelegramBotApi;
  let discord: FakeDiscord;
  let app: App;

  beforeAll(async () => {
    telegram = await FakeTelegramBotApi.start({ maxHoldMs: 300 });
    discord = await FakeDiscord.start({ token: fakeToken(), applicationId: APPLICATION_ID });
    const config = createConfig({
      PAPERBOY_DATA_DIR: data.dataDir,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_ROOT: discord.apiRoot,
      INGEST_ON_START: 'false',
      HTTP_PORT: '0',
    });
    app = await startApp({ config, log: silentLog });
    await importFile({ store: app.storage, path: demoPapersFile });
  });
  afterAll(async () => {
    await app.stop();
    await Promise.all([telegram.close(), discord.close()]);
    data.remove();
  });

  it('starts both adapters with their delivery ports', () => {
    expect(app.adapters).toEqual(['telegram', 'discord']);
    expect([...app.ports.keys()]).toEqual(['telegram', 'discord']);
  });

  it('serves /healthz with the adapters connected and /metrics with command latency', async () => {
    const health = await fetch(`http://127.0.0.1:${app.opsPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ adapters: { telegram: true, discord: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${app.opsPort}/metrics`)).text();
    expect(metrics).toContain('paperboy_command_duration_seconds');
    expect(metrics).toContain('paperboy_deliveries_pending');
  });

  it('answers Telegram commands', async () => {
    const alice = makeUser(42, 'Alice');
    const mark = telegram.calls.length;
    telegram.userSays(alice, privateChat(alice), '/search grokking');
    const reply = await telegram.waitForCall('sendMessage', { after: mark, where: (c) => c.payload.chat_id === 42 });
    expect(String(reply.payload.text)).toContain('Grokking: Generalization Beyond Overfitting');
  });

  it('answers Discord slash commands', async () => {
    const interaction = slash(APPLICATION_ID, inGuild('200000000000000001', '300000000000000001', '100000000000000001'), 'search', [
      str('query', 'latent diffusion'),
    ]);
    discord.interact(interaction);
    const callback = await discord.waitFor(() => discord.callbacks.find((c) => c.interactionId === interaction.id));
    const edit = callback.type === 5 ? await discord.waitFor(() => discord.webhooks.find((w) => w.token === interaction.token)) : undefined;
    const body = edit ? edit.body : callback.data;
    expect(JSON.stringify(body.embeds)).toContain('High-Resolution Image Synthesis with Latent Diffusion Models');
  });
});

describe('configuration mistakes', () => {
  it('names a Discord token without an application id', () => {
    expect(() => createConfig({ DISCORD_TOKEN: 'x'.repeat(20) })).toThrow(/DISCORD_APPLICATION_ID: is required when DISCORD_TOKEN is set/);
  });
});
