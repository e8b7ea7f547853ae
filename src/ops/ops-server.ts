import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Storage } from '../core/ports/storage.ts';
import type { Logger } from '../logger.ts';
import { type AdapterHealth, checkHealth, type ShardHealth } from './health.ts';

export interface OpsServerOptions {
  /** HTTP_PORT; 0 picks a free port (tests). */
  port: number;
  /** Default 0.0.0.0 (reachable by a container's health check and Prometheus). */
  host?: string;
  storage: Pick<Storage, 'ping' | 'ingestLog'>;
  /** The adapters' connection states, e.g. `() => ({ telegram: telegram.connected() })`. */
  health: () => AdapterHealth | Promise<AdapterHealth>;
  /** The gateway shards this instance holds, by platform (see ShardHealth). */
  shards?: () => ShardHealth;
  /** The registry of `createMetrics()`. */
  registry: Registry;
  clock?: Clock;
  /** See HealthOptions.maxIngestAgeMs. */
  maxIngestAgeMs?: number;
  log?: Logger;
}

/** A running ops server. */
export interface OpsServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves operators:
 * - `GET /healthz`: JSON `HealthReport` (health.ts); 200 when the database answers and every adapter is
 *   connected (also when ingestion is stale: status 'degraded'), 503 otherwise.
 * - `GET /metrics`: Prometheus text format from `registry`.
 *
 * ```ts
 * const metrics = createMetrics({ storage, clock, commandNames: commandNamesOf(core) });
 * const ops = await startOpsServer({ port: config.HTTP_PORT, storage, registry: metrics.registry, health: () => adapterStates() });
 * // on shutdown: await ops.close();
 * ```
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const clock = options.clock ?? systemClock;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      void checkHealth({
        storage: options.storage,
        adapters: options.health,
        ...(options.shards ? { shards: options.shards } : {}),
        clock,
        ...(options.maxIngestAgeMs ? { maxIngestAgeMs: options.maxIngestAgeMs } : {}),
      }).then((report) => {
        res.writeHead(report.status === 'down' ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(report));
      });
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => {
          options.log?.warn({ err: error }, 'collecting metrics failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log?.info({ port }, `serving /healthz and /metrics on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
