import { fileURLToPath } from 'node:url';
import type { Env } from './config.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { type Core, createCore } from './core/core.ts';
import { raceDeadline, TIMED_OUT } from './core/deadline.ts';
import type { DeliveryPort } from './core/delivery-port.ts';
import { importFile } from './core/ingest/import-file.ts';
import { storedCount } from './core/ingest/ingest-report.ts';
import { type PassOutcome, type PollingConfig, startIngestPolling } from './core/ingest/poller.ts';
import type { Storage } from './core/ports/storage.ts';
import { startScheduler } from './core/schedule/scheduler.ts';
import { createDb, type DbHandle } from './db/create-db.ts';
import { createStorage } from './db/storage.ts';
import type { Logger } from './logger.ts';
import { commandNamesOf, createMetrics, instrumentCore, type ShardHealth, startOpsServer } from './ops/index.ts';

/** A demo set of well-known papers, loaded when the library is empty and nothing can be fetched. */
export const demoPapersFile = fileURLToPath(new URL('../examples/demo-papers.json', import.meta.url));

/** Something `startApp` started and must stop on shutdown, newest first. */
interface Service {
  name: string;
  stop(): Promise<void>;
}

/** The running bot: database, core, and whatever adapters and loops the config enabled. */
export interface App {
  db: DbHandle;
  /** The storage ports over `db`. */
  storage: Storage;
  core: Core;
  /** Delivery ports of the chat adapters that started, by platform name. */
  ports: Map<string, DeliveryPort>;
  /** Names of the chat adapters that started ('telegram', 'discord', 'slack'). */
  adapters: string[];
  /** How the ingest pass made at start went, once it is over (undefined without INGEST_ON_START); never rejects. */
  firstIngest: Promise<PassOutcome | undefined>;
  /** The port serving /healthz and /metrics, when HTTP_PORT is set (0 picks a free one). */
  opsPort: number | undefined;
  /**
   * Stops everything, newest first, within SHUTDOWN_TIMEOUT_MS: the scheduler starts no more
   * sends and hands back the posts it had not started; posts already handed to a platform finish
   * and are recorded; then the adapters (gateways, polling) and the database close. Calling it
   * again (a signal while stopping) waits for the same stop.
   */
  stop(): Promise<StopOutcome>;
}

/** How a stop went. */
export interface StopOutcome {
  /**
   * Something did not stop within SHUTDOWN_TIMEOUT_MS and was left behind (the database was
   * still closed): a post under way then may be sent again after a restart. Exit non-zero.
   */
  forced: boolean;
}

/** The database closes last however long the rest took, given at least this long. */
const DATABASE_CLOSE_GRACE_MS = 2000;

export interface StartOptions {
  config: Env;
  log: Logger;
  clock?: Clock;
  /** Who holds the embedded data directory, shown to a second process (default 'paperboy start'). */
  command?: string;
  /** Delivery ports besides the chat adapters' (the terminal's, when a terminal chat runs). */
  extraPorts?: DeliveryPort[];
  /** Who claims deliveries, as recorded in the ledger's claimed_by (default hostname:pid:random). */
  workerId?: string;
}

/**
 * Starts paperboy as configured: opens (and migrates) the database, builds the core,
 * starts every chat adapter that has a token, keeps papers fresh, runs the daily-picks
 * scheduler and, with HTTP_PORT, the health/metrics server. Stops everything it started
 * if any part fails to start.
 */
export async function startApp(options: StartOptions): Promise<App> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const services: Service[] = [];
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.PAPERBOY_DATA_DIR, command: options.command ?? 'paperboy start' });
  services.push({ name: 'database', stop: () => db.close() });
  log.info({ engine: db.engine, location: db.location }, 'database ready');

  const stopAll = async (): Promise<StopOutcome> => {
    const timeoutMs = config.SHUTDOWN_TIMEOUT_MS;
    const deadline = performance.now() + timeoutMs;
    let forced = false;
    for (const service of services.reverse()) {
      const left = Math.max(deadline - performance.now(), service.name === 'database' ? DATABASE_CLOSE_GRACE_MS : 0);
      try {
        if ((await raceDeadline(service.stop(), left)) === TIMED_OUT) {
          forced = true;
          log.error({ service: service.name, timeoutMs }, 'did not stop within SHUTDOWN_TIMEOUT_MS; leaving it behind');
        }
      } catch (error) {
        log.warn({ err: error, service: service.name }, 'stopping failed');
      }
    }
    services.length = 0;
    return { forced };
  };

  const storage = createStorage(db.db);

  try {
    if ((await storage.content.stats()).stale) {
      log.warn('the content model behind `similar` was built by an older version: run `paperboy reindex` once (similar answers meanwhile, ranked as before)');
    }
    const core = createCore({ storage, log, clock });
    // Gateway shards held here, by platform (Discord), once its adapter has started.
    const shardsOf = new Map<string, () => ShardHealth[string]>();
    const shards = (): ShardHealth => Object.fromEntries([...shardsOf].map(([platform, read]) => [platform, read()]));
    const metrics = createMetrics({ storage, clock, commandNames: commandNamesOf(core), shards });
    const ports = new Map<string, DeliveryPort>((options.extraPorts ?? []).map((port) => [port.platform, port]));
    const adapters: string[] = [];
    const connected: Record<string, () => boolean> = {};
    const addAdapter = (name: string, adapter: { stop(): Promise<void>; connected: () => boolean; port: DeliveryPort }) => {
      services.push({ name, stop: () => adapter.stop() });
      connected[name] = adapter.connected;
      ports.set(adapter.port.platform, adapter.port);
      adapters.push(name);
    };
    const adapterDeps = (name: string) => ({ config, core: instrumentCore(core, metrics, name), log: log.child({ part: name }) });

    if (config.TELEGRAM_BOT_TOKEN) {
      // Adapters load only when configured, so discord.js and grammY add nothing to a process that does not use them.
      const { startTelegram } = await import('./bots/telegram/start.ts');
      addAdapter('telegram', await startTelegram(adapterDeps('telegram')));
    }

    if (config.DISCORD_TOKEN && config.DISCORD_APPLICATION_ID) {
      const { startDiscord } = await import('./bots/discord/start.ts');
      const discord = await startDiscord(adapterDeps('discord'));
      addAdapter('discord', discord);
      shardsOf.set('discord', () => discord.shards());
    }

    if (config.SLACK_BOT_TOKEN) {
      const { startSlack } = await import('./bots/slack/start.ts');
      addAdapter('slack', await startSlack(adapterDeps('slack')));
    }

    const polling = startIngestPolling({ store: storage, config: pollingConfig(config), log: log.child({ part: 'ingest' }), clock });
    services.push({ name: 'ingest polling', stop: () => polling.stop() });

    // Stopped before the adapters (services stop newest first): sends in flight finish, unsent claims are handed back.
    const scheduler = startScheduler({
      storage,
      ports,
      clock,
      catchUpHours: config.DELIVERY_CATCH_UP_HOURS,
      log: log.child({ part: 'delivery' }),
      observer: metrics.deliveryObserver,
      // After a restart, what is due (and what a stopped instance handed back) goes out at once.
      passAtStart: true,
      ...(options.workerId ? { workerId: options.workerId } : {}),
    });
    services.push({ name: 'scheduler', stop: () => scheduler.stop() });

    let opsPort: number | undefined;
    if (config.HTTP_PORT !== undefined) {
      const ops = await startOpsServer({
        port: config.HTTP_PORT,
        storage,
        registry: metrics.registry,
        clock,
        log,
        health: () => Object.fromEntries(Object.entries(connected).map(([name, isConnected]) => [name, isConnected()])),
        shards,
      });
      services.push({ name: 'ops server', stop: () => ops.close() });
      opsPort = ops.port;
    }
    let stopping: Promise<StopOutcome> | undefined;
    const stop = () => (stopping ??= stopAll());
    return { db, storage, core, ports, adapters, firstIngest: polling.firstPass, opsPort, stop };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Loads the demo papers when the library is empty (call it after the first ingest pass), so a
 * fresh clone with no network still has something to show. Returns how many were loaded.
 */
export async function loadDemoPapersIfEmpty(storage: Storage, log: Logger): Promise<number> {
  if (!(await storage.papers.isEmpty())) return 0;
  const report = await importFile({ store: storage, path: demoPapersFile });
  const loaded = storedCount(report);
  log.info({ loaded, file: demoPapersFile }, 'library was empty: loaded the demo papers so the commands have something to show');
  return loaded;
}

/** The polling settings of the environment. */
export function pollingConfig(config: Env): PollingConfig {
  return {
    hfApiRoot: config.HF_API_ROOT,
    arxivApiRoot: config.ARXIV_API_ROOT,
    arxivCategories: config.ARXIV_CATEGORIES,
    timeoutMs: config.HTTP_TIMEOUT_MS,
    hfCron: config.HF_POLL_CRON,
    arxivCron: config.ARXIV_POLL_CRON,
    ingestOnStart: config.INGEST_ON_START,
  };
}
