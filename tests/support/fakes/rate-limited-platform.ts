import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryPort, SendResult } from '../../../src/core/delivery-port.ts';

/** One message the fake platform accepted. */
export interface Accepted {
  chat: string;
  text: string;
  at: number;
}

/**
 * A small chat platform over HTTP that enforces rate limits the way Telegram does: at most
 * `perSecond` messages per second overall and one per `perChatMs` per chat; anything over
 * answers 429 with `retry_after_ms`. `storm(requests, retryAfterMs)` makes it refuse the next `requests` sends, whenever they come
 * (a count, not a time window, so a slow machine cannot slip past the storm).
 */
export async function startFakePlatform(options: { perSecond: number; perChatMs: number }) {
  const accepted: Accepted[] = [];
  let tooMany = 0;
  let storm = { left: 0, retryAfterMs: 0 };
  const lastByChat = new Map<string, number>();
  const recent: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { chat, text } = JSON.parse(body) as { chat: string; text: string };
      const now = performance.now();
      while (recent.length && recent[0]! <= now - 1000) recent.shift();
      const chatWait = (lastByChat.get(chat) ?? -Infinity) + options.perChatMs - now;
      const globalWait = recent.length >= options.perSecond ? recent[0]! + 1000 - now : 0;
      let stormWait = 0;
      if (storm.left > 0) {
        storm.left--;
        stormWait = storm.retryAfterMs;
      }
      const wait = Math.max(stormWait, chatWait, globalWait);
      if (wait > 0) {
        tooMany++;
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, retry_after_ms: Math.ceil(wait) }));
        return;
      }
      recent.push(now);
      lastByChat.set(chat, now);
      accepted.push({ chat, text, at: now });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  return {
    url,
    accepted,
    tooMany: () => tooMany,
    storm(requests: number, retryAfterMs: number) {
      storm = { left: requests, retryAfterMs };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A DeliveryPort that posts to the fake platform and maps its 429s to retry-after. */
export function fakePlatformPort(url: string, platform = 'test'): DeliveryPort {
  return {
    platform,
    async send(target, answer): Promise<SendResult> {
      try {
        const res = await fetch(url, { method: 'POST', body: JSON.stringify({ chat: target.externalId, text: answer.title }) });
        const json = (await res.json()) as { retry_after_ms?: number };
        if (res.status === 429) return { status: 'retry-after', retryAfterMs: json.retry_after_ms ?? 1000 };
        if (!res.ok) return { status: 'failed', reason: `HTTP ${res.status}`, retryable: res.status >= 500 };
        return { status: 'ok' };
      } catch (error) {
        return { status: 'failed', reason: String(error), retryable: true };
      }
    },
  };
}
