import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, demoPapersFile, startApp } from '../../../src/app.ts';
import { SlackStartError, startSlack } from '../../../src/bots/slack/start.ts';
import { ConfigError, createConfig, secretsOf } from '../../../src/config.ts';
import { importFile } from '../../../src/core/ingest/import-file.ts';
import { createDb } from '../../../src/db/create-db.ts';
import { runPaperboy, templateDataDir } from '../../support/cli.ts';
import { seedPapers, testCore } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { FakeSlack } from '../../support/fakes/slack-server.ts';
import { captureLog, silentLog } from '../../support/log.ts';
import { addPapers, addSubscription, paper } from '../../support/schedule.ts';
import { cardIds, slackConfig, textOf, useSlackBot } from '../../support/slack-harness.ts';

const BOT = 'xoxb-1111111111-2222222222-abcdefghijklmnop';
const APP = 'xapp-1-A0TEST-3333333333-abcdefghijklmnop';
const SECRET = '0123456789abcdef0123456789abcdef';

function configError(env: Record<string, string>): string {
  try {
    createConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Slack configuration', () => {
  it('takes a bot token with either an app-level token (Socket Mode) or a signing secret (HTTP)', () => {
    expect(createConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP })).toMatchObject({ SLACK_PORT: 3000, SLACK_API_ROOT: 'https://slack.com/api' });
    expect(createConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '8080', SLACK_API_ROOT: 'http://127.0.0.1:9/api/' })).toMatchObject({
      SLACK_PORT: 8080,
      SLACK_API_ROOT: 'http://127.0.0.1:9/api',
    });
    expect(secretsOf(createConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_SIGNING_SECRET: SECRET }))).toEqual(
      expect.arrayContaining([BOT, APP, SECRET]),
    );
  });

  it('explains what is missing or wrong, never echoing a token', () => {
    expect(configError({ SLACK_BOT_TOKEN: BOT })).toMatch(/SLACK_BOT_TOKEN: needs SLACK_APP_TOKEN \(Socket Mode.*\) or SLACK_SIGNING_SECRET/);
    expect(configError({ SLACK_APP_TOKEN: APP })).toMatch(/SLACK_APP_TOKEN: is set, but SLACK_BOT_TOKEN is not/);
    expect(configError({ SLACK_SIGNING_SECRET: SECRET })).toMatch(/SLACK_SIGNING_SECRET: is set, but SLACK_BOT_TOKEN is not/);
    const swapped = configError({ SLACK_BOT_TOKEN: APP, SLACK_APP_TOKEN: BOT });
    expect(swapped).toMatch(/SLACK_BOT_TOKEN: must be a Slack bot token starting with xoxb- .*This one starts with xapp-/);
    expect(swapped).toMatch(/SLACK_APP_TOKEN: must be an app-level token .*starting with xapp-/);
    expect(swapped).not.toContain(APP);
    expect(swapped).not.toContain(BOT);
    expect(configError({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 'not hex at all' })).toMatch(/SLACK_SIGNING_SECRET: must be the app’s signing secret/);
    expect(configError({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_PORT: '99999' })).toMatch(/SLACK_PORT: must be a port number/);
    expect(configError({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_API_ROOT: 'ftp://x' })).toMatch(/SLACK_API_ROOT: must be an http\(s\) URL/);
  });
});

describe('starting the Slack adapter', () => {
  const t = useTestDb('pglite');
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(() => fake.close());

  it('refuses to start with a token Slack rejects, without the token in the error or the logs', async () => {
    const captured = captureLog('trace');
    const config = createConfig({
      SLACK_BOT_TOKEN: `${fake.botToken}x`,
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_PORT: '0',
      SLACK_API_ROOT: fake.apiRoot,
    });
    const failure = await startSlack({ config, core: testCore(t.db), log: captured.log }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SlackStartError);
    expect(String((failure as Error).message)).toMatch(/auth\.test.*invalid_auth/);
    expect(String((failure as Error).message)).not.toContain(fake.botToken);
    expect(captured.text()).not.toContain(fake.botToken);
  });

  it('in HTTP mode answers health checks on /slack/healthz', async () => {
    const service = await startSlack({ config: slackConfig(fake, 'http'), core: testCore(t.db), log: silentLog });
    try {
      const health = await fetch(`http://127.0.0.1:${service.httpPort}/slack/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok']);
      expect(service.connected()).toBe(true);
      expect(service.identity).toEqual({ userId: fake.botUserId, teamId: fake.teamId });
    } finally {
      await service.stop();
    }
    expect(service.connected()).toBe(false);
  });
});

describe('the Slack adapter in Socket Mode', () => {
  const t = useTestDb('pglite');
  const h = useSlackBot(t, 'socket');

  it('connects over the WebSocket from apps.connections.open and answers /papers there', async () => {
    expect(h.service.mode).toBe('socket');
    expect(h.fake.socketOpen).toBe(true);
    expect(h.service.connected()).toBe(true);
    await seedPapers(t.db);
    const answer = await h.command('U0SOCKET1', 'C0SOCKET1', 'today');
    expect(answer.body.response_type).toBe('in_channel');
    expect(cardIds(answer.body.blocks)).toHaveLength(3);
    const home = await h.openHome('U0SOCKET1');
    expect(textOf(home.args.view.blocks)).toContain('*Your follows*');
    expect(h.logText()).not.toContain(h.fake.appToken);
  });
});

describe('npm start and paperboy deliver with Slack configured', () => {
  const data = templateDataDir();
  let fake: FakeSlack;
  let app: App | undefined;

  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await app?.stop();
    await fake.close();
    data.remove();
  });

  it('starts Slack as one of the adapters, with its delivery port and its health', async () => {
    const config = createConfig({
      PAPERBOY_DATA_DIR: data.dataDir,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_API_ROOT: fake.apiRoot,
      INGEST_ON_START: 'false',
      HTTP_PORT: '0',
    });
    app = await startApp({ config, log: silentLog });
    expect(app.adapters).toEqual(['slack']);
    expect([...app.ports.keys()]).toEqual(['slack']);
    const health = await fetch(`http://127.0.0.1:${app.opsPort}/healthz`);
    expect(await health.json()).toMatchObject({ adapters: { slack: true } });
    await importFile({ store: app.storage, path: demoPapersFile });
    await app.stop();
    app = undefined;
  });

  it('paperboy deliver posts Slack digests through the Web API', async () => {
    const handle = await createDb({ dataDir: data.dataDir, migrate: false, command: 'vitest' });
    try {
      await addPapers(handle.db, [paper('2611.00001', '2026-11-27', { title: 'Grokking at the edge of stability', upvotes: 12 })]);
      await addSubscription(handle.db, { externalId: 'C0DELIVER', platform: 'slack', kind: 'channel', sendTime: '09:00', timezone: 'UTC' });
    } finally {
      await handle.close();
    }
    const env = { PAPERBOY_DATA_DIR: data.dataDir, SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_ROOT: fake.apiRoot };
    const result = await runPaperboy(['deliver', '--at', '2026-11-27T09:05:00Z'], env);
    expect(result.stdout).toContain('1 sent');
    expect(result.code).toBe(0);
    const [post] = fake.callsOf('chat.postMessage', 'C0DELIVER');
    expect(post!.args.text).toBe('Daily picks for 2026-11-27');
    expect(textOf(post!.args.blocks)).toContain('Grokking at the edge of stability');
    expect(result.stdout + result.stderr).not.toContain(fake.botToken);
  });
});
