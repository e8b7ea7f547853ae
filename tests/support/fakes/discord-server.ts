import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A fake Discord on loopback for end-to-end tests with the real discord.js client: one
 * node:http server answering the REST routes the bot uses under `/api/v10` and, on the
 * same port, a WebSocket gateway (HELLO → IDENTIFY → READY, heartbeats acked, RESUME →
 * RESUMED). Tests dispatch INTERACTION_CREATE payloads and read what the bot answered.
 *
 * It behaves like Discord where the adapter depends on it: bot-token auth on bot routes
 * (401 otherwise) and none on interaction routes; an interaction acknowledged twice → 400
 * (40060) and after 3 s → 404 (10062 Unknown interaction); `@original` arriving
 * URL-encoded; message limits checked like Discord's form validation (embed title 256,
 * description 4096, 25 fields, 6000 characters across embeds, 10 embeds, 5 rows of 5
 * buttons, custom_id ≤ 100 and unique, http(s) embed images) → 400 (50035); stored commands echoed back with
 * Discord's additions (ids, versions, defaults; `required: false` dropped). Failures can be
 * scripted per route: 429 with `retry_after` (and the headers discord.js reads), error
 * codes like 10003/50007, 5xx.
 *
 * Sharding as Discord does it: `GET /gateway/bot` recommends `recommendedShards`; each
 * IDENTIFY may carry `shard: [id, count]` (an id not below the count closes with 4010 Invalid
 * shard); an event about a guild goes only to the sessions whose shard is
 * `(guild_id >> 22) % count`, and one outside any guild (a DM) only to shard 0's.
 */

export const API_PREFIX = '/api/v10';

/** One REST request the bot made. */
export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, decoded (`/webhooks/1/tok/messages/@original`). */
  path: string;
  query: URLSearchParams;
  body: any;
  /** The Authorization header, if any. */
  auth: string | undefined;
  status: number;
  at: number;
}

/** An interaction callback (POST /interactions/:id/:token/callback). */
export interface RecordedCallback {
  interactionId: string;
  token: string;
  /** 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete result. */
  type: number;
  data: any;
  at: number;
  /** Milliseconds since the interaction was dispatched. */
  afterMs: number;
}

/** A webhook call on an interaction token: edits of @original, deletes, follow-ups. */
export interface RecordedWebhook {
  method: 'PATCH' | 'DELETE' | 'POST';
  token: string;
  /** '@original' or a message id; '' for follow-ups (POST). */
  messageId: string;
  body: any;
  at: number;
}

export interface ScriptedFailure {
  method: string;
  /** Matched against the decoded path below /api/v10. */
  path: RegExp;
  status: number;
  /** JSON body; for 429 put `retry_after` (seconds) here and the headers follow. */
  body?: Record<string, unknown>;
  /** How many requests to fail (default 1). */
  times?: number;
}

export interface FakeDiscordOptions {
  token: string;
  applicationId: string;
  botUserId?: string;
  /** HELLO's heartbeat interval (default 1000 ms, so heartbeats happen within a test). */
  heartbeatIntervalMs?: number;
  /** The shard count `GET /gateway/bot` recommends (default 1). */
  recommendedShards?: number;
  /** `session_start_limit.max_concurrency`: shards one process may identify at once (default 1; discord.js waits 5 s between buckets). */
  maxConcurrency?: number;
}

interface Session {
  socket: WebSocket;
  identified: boolean;
  seq: number;
  /** `[id, count]` from IDENTIFY; `[0, 1]` when it sent none. */
  shard: [number, number];
}

/** The shard a guild's events go to: Discord's `(guild_id >> 22) % num_shards`. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A guild id (a snowflake) whose events go to `shard` of `shardCount`. */
export function guildOnShard(shard: number, shardCount: number): string {
  for (;;) {
    const id = snowflake();
    if (shardOfGuild(id, shardCount) === shard) return id;
  }
}

let counter = 0;
/** A snowflake for "now" (so discord.js computes the interaction's age correctly). */
export function snowflake(at: number = Date.now()): string {
  counter = (counter + 1) % 4096;
  return (((BigInt(at) - 1420070400000n) << 22n) | BigInt(counter)).toString();
}

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: { id: string; username: string; discriminator: string; global_name: null; avatar: null; bot: true };
  readonly requests: RecordedRequest[] = [];
  readonly callbacks: RecordedCallback[] = [];
  readonly webhooks: RecordedWebhook[] = [];
  /** Messages posted with POST /channels/:id/messages. */
  readonly posted: { channelId: string; body: any; at: number }[] = [];
  readonly identifies: any[] = [];
  heartbeats = 0;
  /** Registered commands: 'global' or a guild id → the commands as Discord would return them. */
  readonly commands = new Map<string, any[]>();
  /** How many bulk overwrites (PUT) each scope got. */
  readonly puts = new Map<string, number>();
  /** Interaction id → the shard ids of the sessions it was dispatched to (none: no session holds its shard). */
  readonly routed = new Map<string, number[]>();

  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly failures: (ScriptedFailure & { left: number })[] = [];
  private readonly dispatchedAt = new Map<string, number>();
  private readonly interactions = new Map<string, any>();
  private readonly acknowledged = new Set<string>();
  /** Interaction token → the message @original refers to (the reply, or the clicked message). */
  private readonly originals = new Map<string, any>();
  private readonly dmChannels = new Map<string, string>();
  private readonly heartbeatIntervalMs: number;
  private readonly recommendedShards: number;
  /** The shard each gateway session was identified for, so a RESUME keeps it. */
  private readonly sessionShards = new Map<string, [number, number]>();
  private readonly maxConcurrency: number;
  private port = 0;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token;
    this.applicationId = options.applicationId;
    this.botUser = { id: options.botUserId ?? snowflake(), username: 'paperboy', discriminator: '0', global_name: null, avatar: null, bot: true };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
    this.recommendedShards = options.recommendedShards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Starts the fake on a free loopback port. */
  static async start(options: FakeDiscordOptions): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** What to set as DISCORD_API_ROOT. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Whether a client is connected and identified (READY sent). */
  get connected(): boolean {
    return [...this.sessions].some((s) => s.identified);
  }

  /** The `[id, count]` of every identified session, by shard id. */
  get shards(): [number, number][] {
    return [...this.sessions]
      .filter((s) => s.identified)
      .map((s) => s.shard)
      .sort((a, b) => a[0] - b[0]);
  }

  /** Drops every gateway connection without a close frame (like a network blip); the client should resume. */
  dropConnections(): void {
    for (const session of this.sessions) session.socket.terminate();
  }

  /** How many RESUMEs the gateway accepted. */
  resumes = 0;

  /** Makes the next matching request(s) fail. */
  fail(failure: ScriptedFailure): void {
    this.failures.push({ ...failure, left: failure.times ?? 1 });
  }

  /** Sends INTERACTION_CREATE to the connected client; returns the dispatch time. */
  interact(interaction: any): number {
    const at = Date.now();
    this.dispatchedAt.set(interaction.id, at);
    this.interactions.set(interaction.id, interaction);
    if (interaction.message) this.originals.set(interaction.token, structuredClone(interaction.message));
    this.routed.set(interaction.id, this.dispatch('INTERACTION_CREATE', interaction));
    return at;
  }

  /** Dispatches an interaction and resolves with the bot's first callback to it. */
  async ask(interaction: { id: string }): Promise<RecordedCallback> {
    this.interact(interaction);
    return this.waitFor(() => this.callbacksFor(interaction.id)[0], 5000, `callback for ${interaction.id}`);
  }

  /**
   * Sends a dispatch event to the identified sessions that Discord would send it to: those of the
   * shard of its `guild_id`, or shard 0's without one. Returns the shard ids it went to.
   */
  dispatch(event: string, data: unknown): number[] {
    const guildId = (data as { guild_id?: unknown } | null)?.guild_id;
    const to: number[] = [];
    for (const session of this.sessions) {
      if (!session.identified) continue;
      const [id, count] = session.shard;
      if ((typeof guildId === 'string' ? shardOfGuild(guildId, count) : 0) !== id) continue;
      session.socket.send(JSON.stringify({ op: 0, t: event, s: ++session.seq, d: data }));
      to.push(id);
    }
    return to;
  }

  /** The callback(s) for one interaction. */
  callbacksFor(interactionId: string): RecordedCallback[] {
    return this.callbacks.filter((c) => c.interactionId === interactionId);
  }

  /** Webhook calls made with one interaction's token. */
  webhooksFor(token: string): RecordedWebhook[] {
    return this.webhooks.filter((w) => w.token === token);
  }

  /** The message @original of an interaction currently is (after edits), as Discord would return it. */
  original(token: string): any {
    return this.originals.get(token);
  }

  /** Polls until `find` returns something (default 5 s). */
  async waitFor<T>(find: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`fake Discord: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- gateway ----

  private onConnection(socket: WebSocket): void {
    const session: Session = { socket, identified: false, seq: 0, shard: [0, 1] };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('message', (raw) => {
      let payload: any;
      try {
        payload = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      switch (payload.op) {
        case 1:
          this.heartbeats++;
          socket.send(JSON.stringify({ op: 11 }));
          break;
        case 2: {
          this.identifies.push(payload.d);
          if (payload.d?.token !== this.token) {
            socket.close(4004, 'Authentication failed.');
            return;
          }
          if (payload.d.shard !== undefined) {
            const [id, count] = payload.d.shard as [number, number];
            if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
              socket.close(4010, 'Invalid shard.');
              return;
            }
            session.shard = [id, count];
          }
          session.identified = true;
          const sessionId = `session-${randomBytes(4).toString('hex')}`;
          this.sessionShards.set(sessionId, session.shard);
          socket.send(
            JSON.stringify({
              op: 0,
              t: 'READY',
              s: ++session.seq,
              d: {
                v: 10,
                user: this.botUser,
                guilds: [],
                session_id: sessionId,
                resume_gateway_url: this.gatewayUrl,
                shard: session.shard,
                application: { id: this.applicationId, flags: 0 },
              },
            }),
          );
          break;
        }
        case 6:
          session.identified = payload.d?.token === this.token;
          session.shard = this.sessionShards.get(payload.d?.session_id) ?? session.shard;
          if (!session.identified) socket.close(4004, 'Authentication failed.');
          else {
            this.resumes++;
            socket.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++session.seq, d: {} }));
          }
          break;
        default:
          break;
      }
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } }));
  }

  // ---- REST ----

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length).split('/').map(decodeURIComponent).join('/') : url.pathname;
    const record: RecordedRequest = { method, path, query: url.searchParams, body, auth: req.headers.authorization, status: 0, at: Date.now() };
    this.requests.push(record);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };

    const scripted = this.failures.find((f) => f.left > 0 && f.method === method && f.path.test(path));
    if (scripted) {
      scripted.left--;
      const retryAfter = scripted.status === 429 ? Number(scripted.body?.retry_after ?? 1) : undefined;
      const headers: Record<string, string> =
        retryAfter === undefined
          ? {}
          : {
              'retry-after': String(retryAfter),
              'x-ratelimit-limit': '5',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset-after': String(retryAfter),
              'x-ratelimit-bucket': 'fake-bucket',
              'x-ratelimit-scope': 'user',
              ...(scripted.body?.global ? { 'x-ratelimit-global': 'true' } : {}),
            };
      reply(scripted.status, scripted.body ?? { message: 'Scripted failure', code: 0 }, headers);
      return;
    }

    if (!url.pathname.startsWith(API_PREFIX)) return reply(404, { message: '404: Not Found', code: 0 });
    const parts = path.split('/').filter(Boolean);
    const botRoute = parts[0] !== 'interactions' && parts[0] !== 'webhooks';
    if (botRoute && req.headers.authorization !== `Bot ${this.token}`) {
      return reply(401, { message: '401: Unauthorized', code: 0 });
    }
    try {
      const [status, json] = this.route(method, parts, body, url.searchParams);
      reply(status, json);
    } catch (error) {
      reply(500, { message: `fake Discord bug: ${(error as Error).message}`, code: 0 });
    }
  }

  private route(method: string, parts: string[], body: any, query: URLSearchParams): [number, unknown] {
    const [a, b, c, d, e, f] = parts;
    if (method === 'GET' && a === 'gateway' && b === 'bot') {
      return [
        200,
        {
          url: this.gatewayUrl,
          shards: this.recommendedShards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.maxConcurrency },
        },
      ];
    }
    if (method === 'GET' && a === 'users' && b === '@me' && !c) return [200, this.botUser];
    if (a === 'applications' && b === this.applicationId) {
      const scope = c === 'commands' && !d ? 'global' : c === 'guilds' && d && e === 'commands' && !f ? d : undefined;
      if (scope && method === 'GET') return [200, this.commands.get(scope) ?? []];
      if (scope && method === 'PUT') {
        this.puts.set(scope, (this.puts.get(scope) ?? 0) + 1);
        const stored = (body as any[]).map((command) => storedCommand(command, this.applicationId, scope));
        this.commands.set(scope, stored);
        return [200, stored];
      }
    }
    if (method === 'POST' && a === 'interactions' && b && c && d === 'callback') return this.callback(b, c, body, query);
    if (a === 'webhooks' && b === this.applicationId && c) return this.webhook(method, c, d, e, body);
    if (method === 'POST' && a === 'users' && b === '@me' && c === 'channels') {
      const userId = String(body?.recipient_id ?? '');
      if (!/^\d+$/.test(userId)) return [400, { message: 'Invalid Form Body', code: 50035 }];
      let channelId = this.dmChannels.get(userId);
      if (!channelId) this.dmChannels.set(userId, (channelId = snowflake()));
      return [
        200,
        {
          id: channelId,
          type: 1,
          last_message_id: null,
          flags: 0,
          recipients: [{ id: userId, username: `user${userId.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }],
        },
      ];
    }
    if (method === 'POST' && a === 'channels' && b && c === 'messages' && !d) {
      const invalid = validateMessage(body);
      if (invalid) return [400, { message: 'Invalid Form Body', code: 50035, errors: invalid }];
      this.posted.push({ channelId: b, body, at: Date.now() });
      return [200, this.message(b, body)];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  private callback(interactionId: string, token: string, body: any, _query: URLSearchParams): [number, unknown] {
    const dispatched = this.dispatchedAt.get(interactionId);
    if (dispatched === undefined || Date.now() - dispatched > 3000) return [404, { message: 'Unknown interaction', code: 10062 }];
    if (this.acknowledged.has(interactionId)) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    const type = Number(body?.type);
    if ((type === 4 || type === 7) && validateMessage(body?.data ?? {})) {
      return [400, { message: 'Invalid Form Body', code: 50035, errors: validateMessage(body.data) }];
    }
    if (type === 8 && (!Array.isArray(body?.data?.choices) || body.data.choices.length > 25)) {
      return [400, { message: 'Invalid Form Body', code: 50035, errors: 'choices: at most 25' }];
    }
    this.acknowledged.add(interactionId);
    const at = Date.now();
    this.callbacks.push({ interactionId, token, type, data: body?.data, at, afterMs: at - dispatched });
    if (type === 4 || type === 5) {
      const interaction = this.interactions.get(interactionId);
      const user = interaction?.member?.user ?? interaction?.user;
      this.originals.set(token, {
        ...this.message(interaction?.channel?.id ?? '0', { ...(body.data ?? {}), ...(type === 5 ? { content: '', embeds: [], components: [] } : {}) }),
        type: 20,
        interaction_metadata: { id: interactionId, type: 2, user, authorizing_integration_owners: interaction?.authorizing_integration_owners ?? {} },
      });
    }
    if (type === 7) {
      const original = this.originals.get(token);
      if (original) Object.assign(original, pickMessageFields(body.data));
    }
    return [204, undefined];
  }

  private webhook(method: string, token: string, messages: string | undefined, messageId: string | undefined, body: any): [number, unknown] {
    const original = this.originals.get(token);
    if (method === 'POST' && !messages) {
      const invalid = validateMessage(body ?? {});
      if (invalid) return [400, { message: 'Invalid Form Body', code: 50035, errors: invalid }];
      this.webhooks.push({ method: 'POST', token, messageId: '', body, at: Date.now() });
      return [200, this.message(original?.channel_id ?? '0', body)];
    }
    if (messages !== 'messages' || !messageId) return [404, { message: '404: Not Found', code: 0 }];
    if (messageId === '@original' && !original) return [404, { message: 'Unknown Webhook', code: 10015 }];
    if (method === 'GET') return [200, original];
    if (method === 'DELETE') {
      this.webhooks.push({ method: 'DELETE', token, messageId, body, at: Date.now() });
      this.originals.delete(token);
      return [204, undefined];
    }
    if (method === 'PATCH') {
      const invalid = validateMessage({ ...pickMessageFields(original ?? {}), ...(body ?? {}) });
      if (invalid) return [400, { message: 'Invalid Form Body', code: 50035, errors: invalid }];
      this.webhooks.push({ method: 'PATCH', token, messageId, body, at: Date.now() });
      Object.assign(original, pickMessageFields(body ?? {}), { edited_timestamp: new Date().toISOString() });
      return [200, original];
    }
    return [405, { message: '405: Method Not Allowed', code: 0 }];
  }

  private message(channelId: string, body: any): any {
    return {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      author: this.botUser,
      content: body?.content ?? '',
      embeds: body?.embeds ?? [],
      components: body?.components ?? [],
      flags: body?.flags ?? 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      application_id: this.applicationId,
    };
  }
}

function pickMessageFields(body: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['content', 'embeds', 'components']) if (body && key in body) out[key] = body[key];
  return out;
}

/** The command as Discord stores and returns it: ids, version and defaults added; `required: false` dropped. */
function storedCommand(command: any, applicationId: string, scope: string): any {
  const strip = (options: any[] | undefined): any[] | undefined =>
    options?.map((o) => {
      const { required, options: nested, ...rest } = o;
      return { ...rest, ...(required ? { required } : {}), ...(nested ? { options: strip(nested) } : {}) };
    });
  return {
    id: snowflake(),
    application_id: applicationId,
    version: snowflake(),
    type: 1,
    default_member_permissions: null,
    nsfw: false,
    dm_permission: true,
    contexts: null,
    integration_types: [0],
    ...(scope === 'global' ? {} : { guild_id: scope }),
    ...command,
    ...(command.options ? { options: strip(command.options) } : {}),
  };
}

/** Discord's message form validation, for the parts the bot uses. A description of the first problem, or undefined. */
export function validateMessage(body: any): string | undefined {
  const embeds: any[] = body?.embeds ?? [];
  if (embeds.length > 10) return `embeds: ${embeds.length} > 10`;
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    if ((e.title?.length ?? 0) > 256) return `embeds.${i}.title: > 256`;
    if ((e.description?.length ?? 0) > 4096) return `embeds.${i}.description: > 4096`;
    if ((e.fields?.length ?? 0) > 25) return `embeds.${i}.fields: > 25`;
    for (const field of e.fields ?? []) if (field.value.length > 1024 || field.name.length > 256) return `embeds.${i}.fields: too long`;
    if ((e.footer?.text?.length ?? 0) > 2048) return `embeds.${i}.footer: > 2048`;
    if (e.url !== undefined && !/^https?:\/\//.test(e.url)) return `embeds.${i}.url: not a URL`;
    // Discord takes embed images from http(s) URLs (or attachment://, which the bot never uploads).
    if (e.image !== undefined && !/^https?:\/\/\S+$/.test(e.image?.url ?? '')) return `embeds.${i}.image.url: scheme must be http or https`;
    total +=
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text?.length ?? 0) +
      (e.author?.name?.length ?? 0) +
      (e.fields ?? []).reduce((s: number, f: any) => s + f.name.length + f.value.length, 0);
  }
  if (total > 6000) return `embeds: ${total} characters > 6000`;
  if ((body?.content?.length ?? 0) > 2000) return 'content: > 2000';
  const rows: any[] = body?.components ?? [];
  if (rows.length > 5) return `components: ${rows.length} rows > 5`;
  const ids = new Set<string>();
  for (const [r, row] of rows.entries()) {
    if (row.type !== 1) return `components.${r}: not an action row`;
    if (!row.components?.length || row.components.length > 5) return `components.${r}: ${row.components?.length ?? 0} buttons`;
    for (const button of row.components) {
      if (button.type !== 2) return `components.${r}: not a button`;
      if (!button.label && !button.emoji) return `components.${r}: button without label`;
      if ((button.label?.length ?? 0) > 80) return `components.${r}: label > 80`;
      if (button.style === 5) {
        if (!button.url || button.custom_id) return `components.${r}: link button needs url and no custom_id`;
      } else {
        if (!button.custom_id || button.custom_id.length > 100) return `components.${r}: custom_id missing or > 100`;
        if (ids.has(button.custom_id)) return `components.${r}: duplicate custom_id ${button.custom_id}`;
        ids.add(button.custom_id);
      }
    }
  }
  return undefined;
}
