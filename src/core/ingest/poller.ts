import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { type Clock, previousDay, utcDate } from '../clock.ts';
import { ingestArxivCategory } from './arxiv.ts';
import type { RequestLimiter } from './arxiv-limiter.ts';
import { ingestHfDay } from './hf-daily.ts';
import { UpstreamError } from './http-client.ts';
import { type IngestReport, type IngestStore, storedCount } from './ingest-report.ts';

/**
 * How far back each scheduled arXiv pass looks. A paper's `published` is its submission time
 * and it is announced one to three days later (more over a weekend), so one day would miss most.
 */
export const ARXIV_POLL_DAYS = 4;

/** The settings polling reads (from the environment: HF_API_ROOT, ARXIV_API_ROOT, …). */
export interface PollingConfig {
  /** Hugging Face root, e.g. https://huggingface.co (no trailing slash). */
  hfApiRoot: string;
  /** arXiv API root, e.g. https://export.arxiv.org. */
  arxivApiRoot: string;
  /** arXiv categories to poll; none means arXiv is not polled. */
  arxivCategories: readonly string[];
  /** Per-request timeout. */
  timeoutMs: number;
  /** Cron expressions (UTC) of the Hugging Face and arXiv passes. */
  hfCron: string;
  arxivCron: string;
  /** Whether to make one pass of each right away. */
  ingestOnStart: boolean;
}

/** What polling needs. */
export interface PollingDeps {
  store: IngestStore;
  config: PollingConfig;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  clock: Clock;
  /** arXiv request spacing (default: the process-wide limiter). */
  limiter?: RequestLimiter;
}

/** One pass over each upstream; a pass logs its failures instead of throwing. */
export interface IngestPasses {
  /** Ingests Hugging Face daily papers for today and yesterday (UTC). */
  pollHf(): Promise<void>;
  /** Ingests the last {@link ARXIV_POLL_DAYS} days of every `ARXIV_CATEGORIES` category. */
  pollArxiv(): Promise<void>;
}

/**
 * The polling passes with their shared offline state. While upstreams are unreachable
 * (network errors or timeouts) the first failure logs one warning, "offline: serving stored
 * papers", and later ones only log at debug level, until a request succeeds and recovery is
 * logged. Other failures (HTTP errors, rate limits, bad payloads) are warned about every time.
 * A pass already running is not started again.
 */
export function createIngestPasses(deps: PollingDeps): IngestPasses {
  const { store, config, log, clock, limiter } = deps;
  let offline = false;
  const running = new Set<string>();

  function succeeded(what: string, report: IngestReport): void {
    if (offline) {
      offline = false;
      log.info('back online: ingesting again');
    }
    log.info(
      { fetched: report.fetched, inserted: report.inserted, updated: report.updated, invalid: report.invalid.length },
      `ingested ${what}: ${storedCount(report)} papers`,
    );
    if (report.invalid.length) log.warn({ invalid: report.invalid }, `skipped ${report.invalid.length} invalid items from ${what}`);
  }

  /** Logs a failure; returns false when upstreams are unreachable, so the pass stops early. */
  function failed(what: string, error: unknown): boolean {
    if (error instanceof UpstreamError && error.isUnreachable) {
      if (!offline) {
        offline = true;
        log.warn({ err: error }, 'offline: serving stored papers');
      } else {
        log.debug(`still offline (${what}): ${error.message}`);
      }
      return false;
    }
    log.warn({ err: error }, `ingesting ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return true;
  }

  async function exclusive(name: string, pass: () => Promise<void>): Promise<void> {
    if (running.has(name)) return;
    running.add(name);
    try {
      await pass();
    } finally {
      running.delete(name);
    }
  }

  return {
    pollHf: () =>
      exclusive('hf', async () => {
        const today = utcDate(clock());
        for (const date of [today, previousDay(today)]) {
          const what = `Hugging Face ${date}`;
          try {
            succeeded(what, await ingestHfDay({ store, root: config.hfApiRoot, date, timeoutMs: config.timeoutMs }));
          } catch (error) {
            if (!failed(what, error)) return;
          }
        }
      }),
    pollArxiv: () =>
      exclusive('arxiv', async () => {
        for (const category of config.arxivCategories) {
          const what = `arXiv ${category}`;
          try {
            const report = await ingestArxivCategory({
              store,
              root: config.arxivApiRoot,
              category,
              days: ARXIV_POLL_DAYS,
              now: clock(),
              timeoutMs: config.timeoutMs,
              ...(limiter ? { limiter } : {}),
            });
            succeeded(what, report);
          } catch (error) {
            if (!failed(what, error)) return;
          }
        }
      }),
  };
}

/** Running polling; `stop` ends the schedules and waits for a pass in flight. */
export interface IngestPolling {
  /** Settles when the pass made at start is over (at once without `INGEST_ON_START`); never rejects. */
  firstPass: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts polling: Hugging Face on `HF_POLL_CRON`, arXiv on `ARXIV_POLL_CRON` (both UTC, never
 * overlapping themselves), plus one pass of each right away when `INGEST_ON_START`. Throws at
 * once on an invalid cron expression. The immediate pass runs in the background.
 */
export function startIngestPolling(deps: PollingDeps): IngestPolling {
  const { config } = deps;
  for (const [name, expression] of [
    ['HF_POLL_CRON', config.hfCron],
    ['ARXIV_POLL_CRON', config.arxivCron],
  ] as const) {
    if (!cron.validate(expression)) throw new Error(`${name} is not a valid cron expression: "${expression}"`);
  }
  const passes = createIngestPasses(deps);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const track = (pass: () => Promise<void>) => () => {
    if (stopped) return Promise.resolve();
    const run = pass().finally(() => inFlight.delete(run));
    inFlight.add(run);
    return run;
  };
  const pollHf = track(passes.pollHf);
  const pollArxiv = track(passes.pollArxiv);
  const tasks: ScheduledTask[] = [cron.schedule(config.hfCron, pollHf, { name: 'ingest-hf', noOverlap: true, timezone: 'Etc/UTC' })];
  if (config.arxivCategories.length) {
    tasks.push(cron.schedule(config.arxivCron, pollArxiv, { name: 'ingest-arxiv', noOverlap: true, timezone: 'Etc/UTC' }));
  }
  const firstPass = config.ingestOnStart ? pollHf().then(pollArxiv) : Promise.resolve();
  return {
    firstPass,
    async stop() {
      stopped = true;
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.all([...inFlight]);
    },
  };
}
