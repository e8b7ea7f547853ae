import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A fake Slack on loopback, for end-to-end tests with the real Bolt app and Web API client.
 *
 * - The Web API (`/api/<method>`): records every call (`auth.test`, `chat.postMessage`,
 *   `chat.postEphemeral`, `views.publish`, `users.info`, `conversations.info`,
 *   `apps.connections.open`) with its arguments, checks the bearer token, answers like Slack
 *   (`{ ok: true, … }` or `{ ok: false, error }`), and checks Block Kit limits as Slack does
 *   (`invalid_blocks`). Tests script failures: a Web API error code, HTTP 429 with
 *   `Retry-After`, or a dropped connection.
 * - response_urls (`/response/<n>`): every post to one is recorded.
 * - Slack's side of the app's endpoints: signed slash commands, block_actions and events
 *   sent over HTTP to the app (`X-Slack-Signature` v0 HMAC with the signing secret), or, in
 *   Socket Mode, as envelopes over the WebSocket handed out by `apps.connections.open`.
 */

/** One recorded Web API call. */
export interface ApiCall {
  method: string;
  /** The arguments, `blocks` and `view` parsed from JSON when sent form-encoded. */
  args: Record<string, any>;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  /** Slack's error code when `ok: false`. */
  error?: string;
  at: number;
}

/** One post to a response_url. */
export interface ResponsePost {
  /** The response_url's number (as given out with the command or click). */
  id: number;
  body: Record<string, any>;
  at: number;
}

/** A scripted failure: a Web API error code, a 429 with Retry-After (seconds), or a dropped connection. */
export type SlackFailure = { error: string } | { status: 429; retryAfter: number } | 'network';

export interface SlackUser {
  id: string;
  is_admin?: boolean;
  is_owner?: boolean;
}

/** How the app takes Slack's requests: its HTTP endpoint, or the Socket Mode connection. */
export type Transport = { kind: 'http'; url: string } | { kind: 'socket' };

const LIMITS = { blocks: 50, homeBlocks: 100, text: 3000, buttonText: 75, value: 2000, actionId: 255, elements: 25, header: 150 };

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponsePost[] = [];
  /** Acks of Socket Mode envelopes, by envelope id. */
  readonly acks = new Map<string, Record<string, any>>();
  readonly botToken = 'xoxb-1111111111-2222222222-TESTbotTOKENabcdef';
  readonly appToken = 'xapp-1-A0TEST-3333333333-TESTappTOKENabcdef';
  readonly signingSecret = '8f742231b10e8888abcd99a1b2c3d4e5';
  readonly botUserId = 'UBOT00001';
  readonly teamId = 'T0TEST001';

  private readonly server: Server;
  private readonly sockets: WebSocketServer;
  private socket: WebSocket | undefined;
  private readonly scripts: { method: string; failure: SlackFailure; where?: (args: Record<string, any>) => boolean; times: number }[] = [];
  private readonly users = new Map<string, SlackUser>();
  private readonly channels = new Map<string, { id: string; creator: string }>();
  private readonly listeners = new Set<() => void>();
  private port = 0;
  private nextResponse = 1;
  private nextTs = 1;
  private nextEnvelope = 1;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.sockets = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.sockets.handleUpgrade(req, socket, head, (ws) => {
        this.socket = ws;
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { envelope_id: string; payload?: Record<string, any> };
          this.acks.set(message.envelope_id, message.payload ?? {});
          this.changed();
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0TEST' } }));
        this.changed();
      });
    });
  }

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The Web API root to give the app (`SLACK_API_ROOT`). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Whether a Socket Mode connection is open. */
  get socketOpen(): boolean {
    return this.socket?.readyState === 1;
  }

  async close(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets calls, responses and scripts between tests (users and channels stay). */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.scripts.length = 0;
    this.acks.clear();
  }

  setUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  setChannel(id: string, creator: string): void {
    this.channels.set(id, { id, creator });
  }

  /** The next `times` calls of `method` (matching `where`) fail this way. */
  failNext(method: string, failure: SlackFailure, options: { times?: number; where?: (args: Record<string, any>) => boolean } = {}): void {
    this.scripts.push({ method, failure, times: options.times ?? 1, ...(options.where ? { where: options.where } : {}) });
  }

  /** Successful calls of a method, optionally to one channel (`channel` argument). */
  callsOf(method: string, channel?: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && !c.error && (channel === undefined || c.args.channel === channel));
  }

  /** Resolves with what `find` returns once it returns something (checked on every call, post and ack). */
  waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(found);
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(`timed out waiting for ${what}; calls: ${this.calls.map((c) => `${c.method}:${c.status}${c.error ? `:${c.error}` : ''}`).join(', ')}`),
        );
      }, timeoutMs);
      if (!check()) this.listeners.add(listener);
    });
  }

  /** A response_url for a command or click; posts to it are recorded under the returned id. */
  responseUrl(): { id: number; url: string } {
    const id = this.nextResponse++;
    return { id, url: `http://127.0.0.1:${this.port}/response/${id}` };
  }

  // ---- Slack → app ----------------------------------------------------------------------

  /**
   * `/papers <text>` typed by `user` in `channel`. Resolves with the HTTP status of the app's
   * answer (or 200 for a Socket Mode ack) and the response_url id to wait on.
   */
  async slashCommand(to: Transport, options: { text: string; user: string; channel: string; channelName?: string; secret?: string }) {
    const response = this.responseUrl();
    const params = {
      token: 'legacy-verification-token',
      team_id: this.teamId,
      team_domain: 'lab',
      channel_id: options.channel,
      channel_name: options.channelName ?? (options.channel.startsWith('D') ? 'directmessage' : 'papers'),
      user_id: options.user,
      user_name: options.user.toLowerCase(),
      command: '/papers',
      text: options.text,
      api_app_id: 'A0TEST',
      response_url: response.url,
      trigger_id: `trigger-${response.id}`,
    };
    const status = await this.deliver(
      to,
      'slash_commands',
      params,
      new URLSearchParams(params).toString(),
      'application/x-www-form-urlencoded',
      options.secret,
    );
    return { status, responseId: response.id };
  }

  /** A click on a button of a message (or of the Home tab when `home` is set). */
  async click(to: Transport, options: { user: string; button: Record<string, any>; channel?: string; ephemeral?: boolean; home?: boolean; secret?: string }) {
    const response = this.responseUrl();
    const payload = {
      type: 'block_actions',
      team: { id: this.teamId, domain: 'lab' },
      user: { id: options.user, username: options.user.toLowerCase(), team_id: this.teamId },
      api_app_id: 'A0TEST',
      token: 'legacy-verification-token',
      trigger_id: `trigger-${response.id}`,
      actions: [
        { type: 'button', block_id: 'b1', action_id: options.button.action_id, value: options.button.value, text: options.button.text, action_ts: '1.2' },
      ],
      ...(options.home
        ? { container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home', blocks: [] } }
        : {
            container: { type: 'message', message_ts: '1.1', channel_id: options.channel, is_ephemeral: options.ephemeral ?? false },
            channel: { id: options.channel, name: 'papers' },
            message: { type: 'message', ts: '1.1', text: '' },
            response_url: response.url,
          }),
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const status = await this.deliver(to, 'interactive', payload, body, 'application/x-www-form-urlencoded', options.secret);
    return { status, responseId: response.id };
  }

  /** An Events API event (app_home_opened…). */
  async event(to: Transport, event: Record<string, any>) {
    const payload = {
      token: 'legacy-verification-token',
      team_id: this.teamId,
      api_app_id: 'A0TEST',
      event,
      type: 'event_callback',
      event_id: `Ev${this.nextEnvelope}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: this.botUserId, is_bot: true }],
    };
    return this.deliver(to, 'events_api', payload, JSON.stringify(payload), 'application/json');
  }

  /** The headers Slack signs a request with: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`. */
  signedHeaders(body: string, secret = this.signingSecret, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
  }

  private async deliver(to: Transport, kind: string, payload: Record<string, any>, body: string, contentType: string, secret?: string): Promise<number> {
    if (to.kind === 'http') {
      const res = await fetch(to.url, { method: 'POST', headers: { 'content-type': contentType, ...this.signedHeaders(body, secret) }, body });
      await res.arrayBuffer();
      return res.status;
    }
    const socket = this.socket;
    if (socket?.readyState !== 1) throw new Error('no Socket Mode connection');
    const envelopeId = `env-${this.nextEnvelope++}`;
    socket.send(JSON.stringify({ envelope_id: envelopeId, type: kind, payload, accepts_response_payload: kind !== 'events_api' }));
    await this.waitFor(() => (this.acks.has(envelopeId) ? true : undefined), `the ack of ${envelopeId}`);
    return 200;
  }

  // ---- app → Slack ----------------------------------------------------------------------

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };

    const response = /^\/response\/(\d+)$/.exec(url.pathname);
    if (response) {
      this.responses.push({ id: Number(response[1]), body: JSON.parse(raw || '{}'), at: Date.now() });
      json(200, { ok: true });
      this.changed();
      return;
    }
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!api) {
      json(404, { ok: false, error: 'unknown_url' });
      return;
    }
    const method = api[1]!;
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    const call: ApiCall = { method, args, status: 200, at: Date.now() };
    this.calls.push(call);
    try {
      const script = this.scripts.find((s) => s.method === method && s.times > 0 && (s.where?.(args) ?? true));
      if (script) {
        script.times--;
        if (script.failure === 'network') {
          call.status = 0;
          req.socket.destroy();
          return;
        }
        if ('status' in script.failure) {
          call.status = 429;
          json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(script.failure.retryAfter) });
          return;
        }
        call.error = script.failure.error;
        json(200, { ok: false, error: script.failure.error });
        return;
      }
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || String(args.token ?? '');
      const expected = method === 'apps.connections.open' ? this.appToken : this.botToken;
      if (token !== expected) {
        call.error = 'invalid_auth';
        json(200, { ok: false, error: 'invalid_auth' });
        return;
      }
      const [status, body] = this.answer(method, args);
      if (body.ok === false) call.error = String(body.error);
      json(status, body);
    } finally {
      this.changed();
    }
  }

  private answer(method: string, args: Record<string, any>): [number, Record<string, any>] {
    switch (method) {
      case 'auth.test':
        return [
          200,
          { ok: true, url: 'https://lab.slack.com/', team: 'Lab', user: 'paperboy', team_id: this.teamId, user_id: this.botUserId, bot_id: 'B0TEST' },
        ];
      case 'apps.connections.open':
        return [200, { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=fake` }];
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const problem = blocksProblem(args.blocks, LIMITS.blocks);
        if (problem) return [200, { ok: false, error: 'invalid_blocks', errors: [problem] }];
        if (typeof args.channel !== 'string' || !args.channel) return [200, { ok: false, error: 'channel_not_found' }];
        const ts = `1700000000.${String(this.nextTs++).padStart(6, '0')}`;
        return [200, { ok: true, channel: args.channel, ts, message: { text: args.text, blocks: args.blocks, ts } }];
      }
      case 'views.publish': {
        const problem = blocksProblem(args.view?.blocks, LIMITS.homeBlocks);
        if (problem) return [200, { ok: false, error: 'invalid_blocks', errors: [problem] }];
        return [200, { ok: true, view: { id: 'V0HOME', ...args.view } }];
      }
      case 'users.info': {
        const user = this.users.get(String(args.user));
        return user
          ? [200, { ok: true, user: { is_admin: false, is_owner: false, is_primary_owner: false, ...user } }]
          : [200, { ok: false, error: 'user_not_found' }];
      }
      case 'conversations.info': {
        const channel = this.channels.get(String(args.channel));
        return channel ? [200, { ok: true, channel: { ...channel, is_channel: true } }] : [200, { ok: false, error: 'channel_not_found' }];
      }
      default:
        return [200, { ok: false, error: 'unknown_method' }];
    }
  }
}

function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}');
  const args: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'view', 'attachments']) {
    if (typeof args[key] === 'string') args[key] = JSON.parse(args[key]);
  }
  return args;
}

/**
 * What Slack would refuse in a list of blocks (as `invalid_blocks`): too many blocks, text
 * objects over 3,000 characters, header text over 150, too many elements in an actions block,
 * button text over 75, values over 2,000, action_ids over 255 or repeated, unescaped `<`/`&`
 * outside a link in mrkdwn.
 */
export function blocksProblem(blocks: unknown, maxBlocks: number): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > maxBlocks) return `more than ${maxBlocks} blocks`;
  const ids = new Set<string>();
  const textProblem = (text: any, max: number): string | undefined => {
    if (!text || typeof text.text !== 'string' || text.text.length === 0) return 'empty text';
    if (text.text.length > max) return `text over ${max}`;
    if (text.type === 'mrkdwn' && /&(?!amp;|lt;|gt;)|<(?!https?:\/\/[^\s<>|]+\|[^<>]*>)/.test(text.text)) return `unescaped mrkdwn: ${text.text.slice(0, 80)}`;
    return undefined;
  };
  for (const block of blocks as any[]) {
    let problem: string | undefined;
    if (block.type === 'section') {
      problem = textProblem(block.text, LIMITS.text);
      if (!problem && block.accessory?.type === 'image' && !/^https?:\/\//.test(block.accessory.image_url)) problem = 'bad image_url';
    } else if (block.type === 'header') problem = textProblem(block.text, LIMITS.header);
    else if (block.type === 'context') problem = (block.elements ?? []).map((e: any) => textProblem(e, LIMITS.text)).find(Boolean);
    else if (block.type === 'actions') {
      if (!block.elements?.length || block.elements.length > LIMITS.elements) problem = 'actions elements out of range';
      for (const element of block.elements ?? []) {
        problem ??= textProblem(element.text, LIMITS.buttonText);
        if (typeof element.value === 'string' && element.value.length > LIMITS.value) problem ??= 'value over 2000';
        if (!element.action_id || element.action_id.length > LIMITS.actionId) problem ??= 'bad action_id';
        if (ids.has(element.action_id)) problem ??= `repeated action_id ${element.action_id}`;
        ids.add(element.action_id);
      }
    } else if (block.type !== 'divider') problem = `unexpected block type ${block.type}`;
    if (problem) return problem;
  }
  return undefined;
}
