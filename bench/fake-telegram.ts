/**
 * A minimal Telegram Bot API for the fan-out benchmark that enforces flood limits the way
 * Telegram describes them: about 30 messages a second over all chats (a token bucket of 30
 * refilled at 30/s), one message a second into one chat and, into a group or channel
 * (a negative chat id), at most `groupPerMinute` messages in any 60 s. A message over a limit
 * gets `429 Too Many Requests` with `retry_after`. Accepted messages are kept per chat so
 * the benchmark can count lost and duplicated posts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FloodLimits {
  globalPerSecond: number;
  perChatIntervalMs: number;
  /** Messages into one group or channel in any 60 s (Telegram: 20); unlimited when absent. */
  groupPerMinute?: number;
}

export class RateLimitedBotApi {
  readonly token = '4242:BENCH-token_abcdefghijklmnopqrstu';
  /** Accepted messages by chat id, text only. */
  readonly messages = new Map<string, string[]>();
  /** Every accepted message's arrival time (ms, performance.now()). */
  readonly acceptedAt: number[] = [];
  sendCalls = 0;
  rejected429 = 0;
  /** When each 429 was given (ms, performance.now()) and why. */
  readonly rejections: { at: number; reason: 'global' | 'chat' | 'group'; chat: string }[] = [];
  private tokens: number;
  private refilledAt = performance.now();
  private readonly lastPerChat = new Map<string, number>();
  /** Accepted messages of the last minute, per group or channel. */
  private readonly groupWindows = new Map<string, number[]>();
  private nextMessageId = 1;
  private port = 0;

  private constructor(
    private readonly server: Server,
    readonly limits: FloodLimits,
  ) {
    this.tokens = limits.globalPerSecond;
  }

  static async start(limits: FloodLimits = { globalPerSecond: 30, perChatIntervalMs: 1000 }): Promise<RateLimitedBotApi> {
    let self: RateLimitedBotApi | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    self = new RateLimitedBotApi(server, limits);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.port = (server.address() as AddressInfo).port;
    return self;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Takes a global token if one is left; false when the bucket is empty. */
  private takeGlobal(now: number): boolean {
    const { globalPerSecond } = this.limits;
    this.tokens = Math.min(globalPerSecond, this.tokens + ((now - this.refilledAt) / 1000) * globalPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The group's accepted messages of the last 60 s, oldest first (older ones dropped). */
  private groupWindow(chat: string, now: number): number[] {
    const window = this.groupWindows.get(chat) ?? [];
    while (window.length && window[0]! <= now - 60_000) window.shift();
    this.groupWindows.set(chat, window);
    return window;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.url ?? '').split('/').pop() ?? '';
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (method === 'getMe') {
      reply(200, { ok: true, result: { id: 4242, is_bot: true, first_name: 'Bench', username: 'BenchBot' } });
      return;
    }
    if (method !== 'sendMessage') {
      reply(200, { ok: true, result: true });
      return;
    }
    this.sendCalls++;
    const chat = String(body.chat_id);
    const now = performance.now();
    const last = this.lastPerChat.get(chat);
    const chatWait = last === undefined ? 0 : this.limits.perChatIntervalMs - (now - last);
    const window = Number(chat) < 0 && this.limits.groupPerMinute ? this.groupWindow(chat, now) : undefined;
    const groupWait = window && window.length >= this.limits.groupPerMinute! ? window[0]! + 60_000 - now : 0;
    const reason = chatWait > 0 ? 'chat' : groupWait > 0 ? 'group' : this.takeGlobal(now) ? undefined : 'global';
    if (reason) {
      this.rejected429++;
      this.rejections.push({ at: now, reason, chat });
      const retryAfter = Math.max(1, Math.ceil(Math.max(chatWait, groupWait) / 1000));
      reply(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
      return;
    }
    this.lastPerChat.set(chat, now);
    window?.push(now);
    this.acceptedAt.push(now);
    const list = this.messages.get(chat) ?? [];
    list.push(String(body.text ?? ''));
    this.messages.set(chat, list);
    reply(200, {
      ok: true,
      result: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: Number(chat) < 0 ? { id: Number(chat), type: 'channel', title: 'C' } : { id: Number(chat), type: 'private', first_name: 'U' },
        text: body.text,
      },
    });
  }
}
