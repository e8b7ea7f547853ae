import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bot, webhookCallback } from 'grammy';
import type { Logger } from '../../logger.ts';
import { describeError } from './telegram-errors.ts';

export interface WebhookServerOptions {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** Interface to bind. Default: all. */
  host?: string;
  /** Checked against the X-Telegram-Bot-Api-Secret-Token header; wrong or missing → 401. */
  secretToken: string;
  log: Logger;
  secrets: readonly string[];
}

/** A running webhook endpoint. */
export interface WebhookServer {
  /** The port it listens on (useful when 0 was asked for). */
  port: number;
  /** Stops accepting updates and waits for the ones in flight. */
  close(): Promise<void>;
}

/**
 * Serves grammY's `webhookCallback(bot, 'http')` on a node:http server. POST (any path)
 * delivers an update; GET answers 200 "ok" for load-balancer health checks. An update
 * that takes longer than 9 s is acknowledged anyway and finishes in the background, so
 * Telegram does not deliver it a second time.
 */
export async function startWebhookServer(bot: Bot, options: WebhookServerOptions): Promise<WebhookServer> {
  const { log, secrets } = options;
  const handle = webhookCallback(bot, 'http', { secretToken: options.secretToken, onTimeout: 'return', timeoutMilliseconds: 9_000 });
  const server = createServer((req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      log.error({ error: describeError(error, secrets) }, 'telegram webhook update failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
