import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Action } from '../core/answer.ts';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { splitCommandText } from '../core/commands/text.ts';
import type { Core } from '../core/core.ts';
import type { Storage } from '../core/ports/storage.ts';
import type { DeliveryObserver } from '../core/schedule/delivery-observer.ts';
import type { ShardHealth } from './health.ts';

/** The metrics paperboy exports, and the hooks that feed them. */
export interface Metrics {
  /** Serve this on /metrics (startOpsServer does). */
  readonly registry: Registry;
  /** Pass to `startScheduler({ observer })`: counts deliveries, take-overs and 429 waits. */
  readonly deliveryObserver: DeliveryObserver;
  /** Times one chat command: `metrics.observeCommand('telegram', text, () => core.run(text, ctx))`. */
  observeCommand<T>(platform: string, commandText: string, work: () => Promise<T>): Promise<T>;
  /** For adapters that wait out a 429 themselves (grammY auto-retry, discord.js buckets). */
  rateLimited(platform: string, waitMs: number): void;
}

export interface MetricsOptions {
  /** Gauges read from it at scrape time (pending deliveries, papers ingested, newest paper). */
  storage?: Pick<Storage, 'ledger' | 'ingestLog' | 'papers'>;
  /** Injected clock, for the age of the newest paper (default: system). */
  clock?: Clock;
  /** Default: a fresh Registry (so tests and several apps in one process do not collide). */
  registry?: Registry;
  /** Include Node's process metrics (memory, CPU, event loop lag). Default true. */
  processMetrics?: boolean;
  /** Command names to label latency with (the core's commands and aliases); others are 'other'. Default: any name. */
  commandNames?: Iterable<string>;
  /** The gateway shards this instance holds, read at scrape time (default none). */
  shards?: () => ShardHealth;
}

/**
 * Creates the Prometheus metrics (prom-client):
 *
 * | metric | type | labels |
 * |---|---|---|
 * | paperboy_deliveries_total | counter | platform, outcome (sent, empty, failed, retrying, gone, expired) |
 * | paperboy_deliveries_taken_over_total | counter | previous (claimed, sending, failed) |
 * | paperboy_deliveries_pending | gauge | state (claimed, sending, retrying) — from the ledger at scrape |
 * | paperboy_rate_limit_waits_total | counter | platform — 429s waited out |
 * | paperboy_rate_limit_wait_seconds_total | counter | platform |
 * | paperboy_command_duration_seconds | histogram | platform, command |
 * | paperboy_papers_ingested | gauge | source — papers stored by successful ingest runs |
 * | paperboy_last_successful_ingest_timestamp_seconds | gauge | source |
 * | paperboy_newest_paper_age_seconds | gauge | — since the newest paper was first stored |
 * | paperboy_gateway_shards | gauge | platform — shards of the bot over all instances |
 * | paperboy_gateway_shard_connected | gauge | platform, shard — 1 per shard held here while its session is ready, else 0 |
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const clock = options.clock ?? systemClock;
  const storage = options.storage;
  const names = options.commandNames ? new Set(options.commandNames) : undefined;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'paperboy_' });

  const deliveries = new Counter({
    name: 'paperboy_deliveries_total',
    help: 'Scheduled digests by outcome.',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const takenOver = new Counter({
    name: 'paperboy_deliveries_taken_over_total',
    help: 'Ledger rows taken over from a stopped worker (claimed: resumed, sending: resent) or retried after a failure.',
    labelNames: ['previous'] as const,
    registers: [registry],
  });
  const waits = new Counter({
    name: 'paperboy_rate_limit_waits_total',
    help: '429 answers waited out.',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const waitSeconds = new Counter({
    name: 'paperboy_rate_limit_wait_seconds_total',
    help: 'Time spent waiting out 429s.',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const commandDuration = new Histogram({
    name: 'paperboy_command_duration_seconds',
    help: 'Chat command latency, from the text to the answer.',
    labelNames: ['platform', 'command'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  if (storage) {
    new Gauge({
      name: 'paperboy_deliveries_pending',
      help: 'Open ledger rows: claimed (queued), sending (in a platform call), retrying (failed, retried later).',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const open = await storage.ledger.countOpen();
        this.set({ state: 'claimed' }, open.claimed);
        this.set({ state: 'sending' }, open.sending);
        this.set({ state: 'retrying' }, open.retrying);
      },
    });
    new Gauge({
      name: 'paperboy_papers_ingested',
      help: 'Papers stored (new or updated) by successful ingest runs, by source.',
      labelNames: ['source'] as const,
      registers: [registry],
      async collect() {
        for (const row of await storage.ingestLog.totals()) this.set({ source: row.source }, row.stored);
      },
    });
    new Gauge({
      name: 'paperboy_last_successful_ingest_timestamp_seconds',
      help: 'When the last successful ingest run of each source finished (Unix time).',
      labelNames: ['source'] as const,
      registers: [registry],
      async collect() {
        for (const row of await storage.ingestLog.totals()) this.set({ source: row.source }, row.lastSuccessAt.getTime() / 1000);
      },
    });
    new Gauge({
      name: 'paperboy_newest_paper_age_seconds',
      help: 'Seconds since the newest paper (of the latest listed days) was first stored; grows when ingestion stalls.',
      registers: [registry],
      async collect() {
        const newest = await storage.papers.lastAddedAt();
        if (newest) this.set(Math.max(0, (clock().getTime() - newest.getTime()) / 1000));
      },
    });
  }

  const shards = options.shards;
  if (shards) {
    new Gauge({
      name: 'paperboy_gateway_shards',
      help: 'Gateway shards of the bot over all instances, by platform.',
      labelNames: ['platform'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [platform, held] of Object.entries(shards())) this.set({ platform }, held.count);
      },
    });
    new Gauge({
      name: 'paperboy_gateway_shard_connected',
      help: 'The gateway shards this instance holds: 1 while the shard is connected and ready, 0 otherwise.',
      labelNames: ['platform', 'shard'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [platform, held] of Object.entries(shards())) {
          for (const shard of held.held) this.set({ platform, shard: String(shard.id) }, shard.connected ? 1 : 0);
        }
      },
    });
  }

  const rateLimited = (platform: string, waitMs: number) => {
    waits.inc({ platform });
    waitSeconds.inc({ platform }, waitMs / 1000);
  };

  return {
    registry,
    deliveryObserver: {
      outcome: (platform, outcome) => deliveries.inc({ platform, outcome }),
      tookOver: (previous) => takenOver.inc({ previous }),
      rateLimited,
    },
    rateLimited,
    async observeCommand(platform, commandText, work) {
      const name = splitCommandText(commandText).name || 'none';
      const end = commandDuration.startTimer({ platform, command: !names || names.has(name) ? name.slice(0, 32) : 'other' });
      try {
        return await work();
      } finally {
        end();
      }
    },
  };
}

/**
 * A Core whose `run`, `execute` and `click` record their latency under `platform` (a click
 * under the command it runs); everything else is the wrapped core. Hand it to an adapter
 * instead of the core.
 */
export function instrumentCore(core: Core, metrics: Metrics, platform: string): Core {
  return {
    ...core,
    run: (text, ctx) => metrics.observeCommand(platform, text, () => core.run(text, ctx)),
    execute: (name, args, ctx) => metrics.observeCommand(platform, name, () => core.execute(name, args, ctx)),
    click: (action, ctx) => metrics.observeCommand(platform, clickedCommand(action), () => core.click(action, ctx)),
  };
}

function clickedCommand(action: Action): string {
  switch (action.kind) {
    case 'page':
      return action.call.command;
    case 'vote':
      return 'vote';
    case 'similar':
      return 'similar';
    case 'follow':
      return action.follow ? 'follow' : 'unfollow';
  }
}

/** The names `createMetrics({ commandNames })` should accept: every command and alias of the core. */
export function commandNamesOf(core: Core): string[] {
  return core.commands.flatMap((spec) => [spec.name, ...(spec.aliases ?? [])]);
}
