import type { Clock } from '../core/clock.ts';
import { raceDeadline, TIMED_OUT } from '../core/deadline.ts';
import type { Storage } from '../core/ports/storage.ts';

/** Whether each chat adapter is connected, by platform: `{ telegram: true, discord: false }`. */
export type AdapterHealth = Record<string, boolean>;

/**
 * The gateway shards this instance holds, by platform (Discord): how many the bot has over all
 * instances, and each shard held here with whether its session is ready.
 * `{ discord: { count: 2, held: [{ id: 0, connected: true }] } }`.
 */
export type ShardHealth = Record<string, { count: number; held: { id: number; connected: boolean }[] }>;

/** What /healthz answers. */
export interface HealthReport {
  /** ok: all good; degraded: serving, but nothing was fetched from an upstream lately; down: database unreachable or an adapter disconnected. */
  status: 'ok' | 'degraded' | 'down';
  database: { ok: boolean; latencyMs?: number; error?: string };
  adapters: AdapterHealth;
  /** The gateway shards this instance holds (only platforms with shards: Discord). */
  shards: ShardHealth;
  /**
   * The last successful fetch from an upstream (Hugging Face or arXiv): what keeps the library
   * fresh. Stale when there is none within `maxIngestAgeMs`.
   */
  ingest: { lastSuccessAt: string | null; source: string | null; ageSeconds: number | null; stale: boolean };
  /** The last successful `paperboy import` of a file: shown apart, since a file says nothing about the upstreams. */
  import: { lastSuccessAt: string | null };
}

/** The sources whose runs fetch from an upstream. */
const UPSTREAM_SOURCES = ['hf', 'arxiv'] as const;

export interface HealthOptions {
  storage: Pick<Storage, 'ping' | 'ingestLog'>;
  /** The adapters' connection states (an adapter that is missing from the map is not configured). */
  adapters: () => AdapterHealth | Promise<AdapterHealth>;
  /** The shards each sharded adapter holds (default none). */
  shards?: () => ShardHealth;
  clock: Clock;
  /** A database check slower than this counts as unreachable (default 2 s). */
  timeoutMs?: number;
  /** An upstream fetch older than this makes the status 'degraded' (default 36 h: a missed day). */
  maxIngestAgeMs?: number;
}

/**
 * Checks the database (a `select 1` within the timeout), the adapters and the last
 * successful fetch from an upstream (imports are reported apart). Never throws.
 */
export async function checkHealth(options: HealthOptions): Promise<HealthReport> {
  const started = performance.now();
  let database: HealthReport['database'];
  let last: { source: string; finishedAt: Date } | undefined;
  let lastImport: { finishedAt: Date } | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? 2000;
    const answer = await raceDeadline(
      (async () => {
        await options.storage.ping();
        const { ingestLog } = options.storage;
        return Promise.all([ingestLog.lastSuccess(UPSTREAM_SOURCES), ingestLog.lastSuccess(['import'])]);
      })(),
      timeoutMs,
    );
    if (answer === TIMED_OUT) throw new Error(`no answer within ${timeoutMs} ms`);
    [last, lastImport] = answer;
    database = { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    database = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  let adapters: AdapterHealth;
  try {
    adapters = await options.adapters();
  } catch {
    adapters = { adapters: false };
  }
  let shards: ShardHealth = {};
  try {
    shards = options.shards?.() ?? {};
  } catch {
    shards = {};
  }
  const ageSeconds = last ? Math.max(0, Math.round((options.clock().getTime() - last.finishedAt.getTime()) / 1000)) : null;
  const stale = ageSeconds === null || ageSeconds * 1000 > (options.maxIngestAgeMs ?? 36 * 3_600_000);
  const down = !database.ok || Object.values(adapters).some((connected) => !connected);
  return {
    status: down ? 'down' : stale ? 'degraded' : 'ok',
    database,
    adapters,
    shards,
    ingest: { lastSuccessAt: last?.finishedAt.toISOString() ?? null, source: last?.source ?? null, ageSeconds, stale },
    import: { lastSuccessAt: lastImport?.finishedAt.toISOString() ?? null },
  };
}
