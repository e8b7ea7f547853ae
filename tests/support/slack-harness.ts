import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type SlackService, startSlack } from '../../src/bots/slack/start.ts';
import { createConfig, type Env } from '../../src/config.ts';
import type { Core } from '../../src/core/core.ts';
import type { Database } from '../../src/db/schema.ts';
import { testCore } from './core.ts';
import { type ApiCall, FakeSlack, type ResponsePost, type Transport } from './fakes/slack-server.ts';
import { captureLog } from './log.ts';

/** The environment for an app talking to the fake, in HTTP mode (signing secret) or Socket Mode (app token). */
export function slackConfig(fake: FakeSlack, mode: 'http' | 'socket', extra: Record<string, string> = {}): Env {
  return createConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    ...(mode === 'http' ? { SLACK_SIGNING_SECRET: fake.signingSecret, SLACK_PORT: '0' } : { SLACK_APP_TOKEN: fake.appToken }),
    SLACK_API_ROOT: fake.apiRoot,
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

/** A button of a rendered message, as Slack would send it back when clicked. */
export interface SlackButton {
  action_id: string;
  value: string;
  text: { type: 'plain_text'; text: string };
  style?: 'primary' | 'danger';
}

export interface SlackHarness {
  readonly fake: FakeSlack;
  readonly service: SlackService;
  readonly core: Core;
  readonly transport: Transport;
  readonly logText: () => string;
  /** `/papers <text>` by a user in a channel (`C…`) or DM (`D…`); resolves with the response_url post. */
  command(user: string, channel: string, text: string): Promise<ResponsePost>;
  /** A click on a message's button; resolves with the response_url post it brought. */
  click(user: string, channel: string, button: SlackButton, options?: { ephemeral?: boolean }): Promise<ResponsePost>;
  /** A click on a Home tab button; resolves with the views.publish it brought. */
  clickHome(user: string, button: SlackButton): Promise<ApiCall>;
  /** The user opens the app's Home tab; resolves with the views.publish call. */
  openHome(user: string): Promise<ApiCall>;
}

/**
 * Starts the fake Slack and the real adapter (`startSlack`: Bolt, HTTP receiver or Socket
 * Mode) for a describe block, over the block's test database, with a fixed clock
 * (2024-05-24 12:00 UTC). Stops both afterwards.
 */
export function useSlackBot(t: { readonly db: Kysely<Database> }, mode: 'http' | 'socket' = 'http'): SlackHarness {
  let fake: FakeSlack | undefined;
  let service: SlackService | undefined;
  let core: Core | undefined;
  const captured = captureLog('trace');

  beforeAll(async () => {
    fake = await FakeSlack.start();
    core = testCore(t.db);
    service = await startSlack({ config: slackConfig(fake, mode), core, log: captured.log, channelIntervalMs: 0 });
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });
  beforeEach(() => fake?.reset());

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} not started`);
    return value;
  };
  const harness: SlackHarness = {
    get fake() {
      return need(fake, 'fake');
    },
    get service() {
      return need(service, 'adapter');
    },
    get core() {
      return need(core, 'core');
    },
    get transport(): Transport {
      const s = need(service, 'adapter');
      return s.mode === 'http' ? { kind: 'http', url: `http://127.0.0.1:${s.httpPort}/slack/events` } : { kind: 'socket' };
    },
    logText: captured.text,
    async command(user, channel, text) {
      const { status, responseId } = await harness.fake.slashCommand(harness.transport, { text, user, channel });
      if (status !== 200) throw new Error(`the app answered ${status}`);
      return harness.fake.waitFor(() => harness.fake.responses.find((r) => r.id === responseId), `the answer to "${text}"`);
    },
    async click(user, channel, button, options = {}) {
      const { status, responseId } = await harness.fake.click(harness.transport, { user, channel, button, ...options });
      if (status !== 200) throw new Error(`the app answered ${status}`);
      return harness.fake.waitFor(() => harness.fake.responses.find((r) => r.id === responseId), `the answer to ${button.text.text}`);
    },
    async clickHome(user, button) {
      const mark = harness.fake.calls.length;
      await harness.fake.click(harness.transport, { user, button, home: true });
      return harness.fake.waitFor(() => harness.fake.calls.slice(mark).find((c) => c.method === 'views.publish' && c.args.user_id === user), 'views.publish');
    },
    async openHome(user) {
      const mark = harness.fake.calls.length;
      await harness.fake.event(harness.transport, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1.1' });
      return harness.fake.waitFor(() => harness.fake.calls.slice(mark).find((c) => c.method === 'views.publish' && c.args.user_id === user), 'views.publish');
    },
  };
  return harness;
}

/** Every button of some blocks, in order. */
export function buttonsOf(blocks: readonly any[]): SlackButton[] {
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as SlackButton[]);
}

/** The button whose label matches. */
export function button(blocks: readonly any[], label: string | RegExp): SlackButton {
  const found = buttonsOf(blocks).find((b) => (typeof label === 'string' ? b.text.text === label : label.test(b.text.text)));
  if (!found) throw new Error(`no button ${String(label)} in ${JSON.stringify(buttonsOf(blocks).map((b) => b.text.text))}`);
  return found;
}

/** All mrkdwn and plain text of some blocks, joined by newlines. */
export function textOf(blocks: readonly any[]): string {
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: any) => e.text?.text ?? e.text)])
    .filter((s): s is string => typeof s === 'string')
    .join('\n');
}

/** arXiv ids of the cards, in order (each card's title links to its Hugging Face page). */
export function cardIds(blocks: readonly any[]): string[] {
  return blocks.flatMap((b) => [...String(b.text?.text ?? '').matchAll(/^\*(?:\d+\. )?<https:\/\/huggingface\.co\/papers\/([^|]+)\|/g)].map((m) => m[1]!));
}
