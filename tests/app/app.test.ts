import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, demoPapersFile, startApp } from '../../src/app.ts';
import { createConfig, envSchema } from '../../src/config.ts';
import { importFile } from '../../src/core/ingest/import-file.ts';
import { templateDataDir } from '../support/cli.ts';
import { APPLICATION_ID, fakeToken } from '../support/discord/harness.ts';
import { inGuild, slash, str } from '../support/discord/interactions.ts';
import { FakeDiscord } from '../support/fakes/discord-server.ts';
import { FakeTelegramBotApi, makeUser, privateChat } from '../support/fakes/telegram-bot-api.ts';
import { captureLog } from '../support/log.ts';

/** `npm start` as an operator runs it: the whole app, configured only through the environment. */
describe('the app with Telegram and Discord tokens', () => {
  const data = templateDataDir();
  let telegram: FakeTelegramBotApi;
  let discord: FakeDiscord;
  let app: App;
  const log = captureLog('info');

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
    app = await startApp({ config, log: log.log });
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

  it('says once where it serves /healthz and /metrics', () => {
    expect(log.messages('info').filter((message) => message.includes('/healthz'))).toEqual([`serving /healthz and /metrics on port ${app.opsPort}`]);
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

  /** The message createConfig gives for `env`. */
  const messageFor = (env: Record<string, string>) => {
    try {
      createConfig(env);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`no error for ${JSON.stringify(env)}`);
  };

  it('says for every variable, in its own words, what it expects and what it got', () => {
    const bad: Record<string, [value: string, expected: RegExp]> = {
      DATABASE_URL: ['mysql://x', /must be a postgres:\/\/ URL/],
      HF_API_ROOT: ['huggingface.co', /must be an http\(s\) URL/],
      ARXIV_API_ROOT: ['ftp://arxiv.org', /must be an http\(s\) URL/],
      ARXIV_CATEGORIES: ['cs.LG, machine learning', /comma-separated arXiv categories like cs\.LG,stat\.ML; "machine learning" is not one/],
      HTTP_TIMEOUT_MS: ['15s', /must be a whole number of milliseconds from 100 to 300000, got "15s"/],
      HF_POLL_CRON: ['every half hour', /must be a cron expression like "\*\/30 \* \* \* \*", got "every half hour"/],
      ARXIV_POLL_CRON: ['daily', /must be a cron expression/],
      INGEST_ON_START: ['yes', /must be true or false, got "yes"/],
      TELEGRAM_API_ROOT: ['api.telegram.org', /must be an http\(s\) URL/],
      TELEGRAM_WEBHOOK_URL: ['bot.example.com', /must be a URL, like https:\/\/bot\.example\.com\/telegram/],
      TELEGRAM_WEBHOOK_SECRET: ['s p a c e', /may only use A-Z, a-z, 0-9, _ and -/],
      TELEGRAM_WEBHOOK_PORT: ['0', /must be a port number from 1 to 65535, got "0"/],
      DISCORD_APPLICATION_ID: ['my-app', /must be a Discord id \(15 to 25 digits\)/],
      DISCORD_API_ROOT: ['discord', /must be an http\(s\) URL/],
      DISCORD_GUILD_ID: ['guild', /must be a Discord id \(15 to 25 digits\)/],
      DISCORD_SHARD_COUNT: ['0', /must be a number of shards from 1 to 10000, or auto \(Discord's recommendation\), got "0"/],
      DISCORD_SHARD_IDS: ['first', /must be shard ids and ranges, comma-separated, like 0-3 or 4,5; got "first"/],
      SLACK_BOT_TOKEN: ['xapp-1-A0-123-abcdefghijklmnop', /must be a Slack bot token starting with xoxb- .*This one starts with xapp-/],
      SLACK_APP_TOKEN: ['app-token', /must be an app-level token with the connections:write scope starting with xapp-/],
      SLACK_SIGNING_SECRET: ['s3cr3t!', /must be the app’s signing secret/],
      SLACK_PORT: ['http', /must be a port number from 0 to 65535 \(0 picks a free one\), got "http"/],
      SLACK_API_ROOT: ['slack.com/api', /must be an http\(s\) URL/],
      HTTP_PORT: ['abc', /must be a port number from 0 to 65535 \(0 picks a free one\), got "abc"/],
      DELIVERY_CATCH_UP_HOURS: ['six', /must be a number of hours from 0 to 24, got "six"/],
      SHUTDOWN_TIMEOUT_MS: ['10s', /must be a whole number of milliseconds from 1000 to 600000, got "10s"/],
      LOG_LEVEL: ['verbose', /must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"/],
    };
    for (const [name, [value, expected]] of Object.entries(bad)) {
      const message = messageFor({ [name]: value });
      expect(message, name).toMatch(new RegExp(`^Invalid configuration:\\n  ${name}: `));
      expect(message, name).toMatch(expected);
      // No raw validator wording.
      expect(message, name).not.toMatch(/expected|received|Too (small|big)|Invalid input|NaN/);
    }
    // Every variable the schema reads is covered above (PAPERBOY_DATA_DIR has no wrong value but a file, see the CLI tests).
    expect(
      Object.keys(envSchema.shape)
        .filter((name) => !(name in bad))
        .sort(),
    ).toEqual(['DISCORD_TOKEN', 'PAPERBOY_DATA_DIR', 'TELEGRAM_BOT_TOKEN']);
  });

  it('says which Discord shards cannot go together', () => {
    expect(messageFor({ DISCORD_SHARD_IDS: '0-3' })).toBe(
      'Invalid configuration:\n  DISCORD_SHARD_IDS: needs DISCORD_SHARD_COUNT, the number of shards over all instances (every instance gives the same count)',
    );
    expect(messageFor({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '2-4' })).toBe(
      'Invalid configuration:\n  DISCORD_SHARD_IDS: has shard 4, but DISCORD_SHARD_COUNT is 4: shard ids run from 0 to 3',
    );
    expect(messageFor({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3-1' })).toContain('has the range 3-1, which runs backwards (write 1-3)');
    expect(messageFor({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '0-1,1' })).toContain('lists shard 1 more than once');
    expect(createConfig({ DISCORD_SHARD_COUNT: '8', DISCORD_SHARD_IDS: '6-7, 0' })).toMatchObject({ DISCORD_SHARD_COUNT: 8, DISCORD_SHARD_IDS: [0, 6, 7] });
    expect(createConfig({ DISCORD_SHARD_COUNT: 'auto', DISCORD_SHARD_IDS: '4,5' })).toMatchObject({ DISCORD_SHARD_COUNT: 'auto', DISCORD_SHARD_IDS: [4, 5] });
  });

  it('treats an empty variable as unset', () => {
    const config = createConfig({ LOG_LEVEL: '', HTTP_PORT: '', PAPERBOY_DATA_DIR: ' ', INGEST_ON_START: '' });
    expect(config).toMatchObject({ LOG_LEVEL: 'info', PAPERBOY_DATA_DIR: 'data', INGEST_ON_START: true });
    expect(config.HTTP_PORT).toBeUndefined();
  });
});
