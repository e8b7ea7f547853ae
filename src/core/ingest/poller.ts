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

/** How a polling pass went; the pass has logged all of it already. */
export interface PassOutcome {
  /** Papers stored (new, updated or unchanged) by the fetches that succeeded. */
  stored: number;
  /** The upstream could not be reached at all (network error or timeout): the error that said so. */
  unreachable?: UpstreamError;
  /** Fetches that failed otherwise (HTTP errors, rate limits, bad payloads), with their messages. */
  failed: { what: string; message: string }[];
}

/** One pass over each upstream; a pass logs its failures instead of throwing. */
export interface IngestPasses {
  /** Ingests Hugging Face daily papers for today and yesterday (UTC). */
  pollHf(): Promise<PassOutcome>;
  /** Ingests the last {@link ARXIV_POLL_DAYS} days of every `ARXIV_CATEGORIES` category. */
  pollArxiv(): Promise<PassOutcome>;
}

/**
 * The polling passes with their shared offline state. While upstreams are unreachable
 * (network errors or timeouts) the first failure logs one warning, "offline: <upstream> cannot
 * be reached; serving the N stored papers", and later ones only log at debug level, until a
 * request succeeds and recovery is logged. Other failures (HTTP errors, rate limits, bad
 * payloads) are warned about every time. A pass already running is not started again (it
 * then reports nothing).
 */
export function createIngestPasses(deps: PollingDeps): IngestPasses {
  const { store, config, log, clock, limiter } = deps;
  let offline = false;
  const running = new Set<string>();

  function succeeded(outcome: PassOutcome, what: string, report: IngestReport): void {
    if (offline) {
      offline = false;
      log.info('back online: ingesting again');
    }
    outcome.stored += storedCount(report);
    log.info(
      { fetched: report.fetched, inserted: report.inserted, updated: report.updated, invalid: report.invalid.length },
      `ingested ${what}: ${storedCount(report)} papers`,
    );
    if (report.invalid.length) log.warn({ invalid: report.invalid }, `skipped ${report.invalid.length} invalid items from ${what}`);
  }

  /** Logs a failure; returns false when upstreams are unreachable, so the pass stops early. */
  async function failed(outcome: PassOutcome, what: string, error: unknown): Promise<boolean> {
    if (error instanceof UpstreamError && error.isUnreachable) {
      outcome.unreachable = error;
      if (!offline) {
        offline = true;
        const stored = await store.papers.count().catch(() => undefined);
        const serving = stored === undefined ? 'serving the stored papers' : `serving the ${stored} stored paper${stored === 1 ? '' : 's'}`;
        log.warn({ err: error }, `offline: ${error.upstream} cannot be reached; ${serving}`);
      } else {
        log.debug(`still offline (${what}): ${error.message}`);
      }
      return false;
    }
    const message = error instanceof Error ? error.message : String(error);
    outcome.failed.push({ what, message });
    log.warn({ err: error }, `ingesting ${what} failed: ${message}`);
    return true;
  }

  async function exclusive(name: string, pass: (outcome: PassOutcome) => Promise<void>): Promise<PassOutcome> {
    const outcome: PassOutcome = { stored: 0, failed: [] };
    if (running.has(name)) return outcome;
    running.add(name);
    try {
      await pass(outcome);
    } finally {
      running.delete(name);
    }
    return outcome;
  }

  return {
    pollHf: () =>
      exclusive('hf', async (outcome) => {
        const today = utcDate(clock());
        for (const date of [today, previousDay(today)]) {
          const what = `Hugging Face ${date}`;
          try {
            succeeded(outcome, what, await ingestHfDay({ store, root: config.hfApiRoot, date, timeoutMs: config.timeoutMs }));
          } catch (error) {
            if (!(await failed(outcome, what, error))) return;
          }
        }
      }),
    pollArxiv: () =>
      exclusive('arxiv', async (outcome) => {
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
            succeeded(outcome, what, report);
          } catch (error) {
            if (!(await failed(outcome, what, error))) return;
          }
        }
      }),
  };
}

/** Running polling; `stop` ends the schedules and waits for a pass in flight. */
export interface IngestPolling {
  /**
   * How the pass made at start went (Hugging Face, then arXiv), once it is over; undefined at
   * once without `INGEST_ON_START`. Never rejects.
   */
  firstPass: Promise<PassOutcome | undefined>;
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
  const inFlight = new Set<Promise<PassOutcome>>();
  let stopped = false;
  const track = (pass: () => Promise<PassOutcome>) => (): Promise<PassOutcome> => {
    if (stopped) return Promise.resolve({ stored: 0, failed: [] });
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
  const firstPass = config.ingestOnStart ? firstPassOf(pollHf, pollArxiv) : Promise.resolve(undefined);
  return {
    firstPass,
    async stop() {
      stopped = true;
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.all([...inFlight]);
    },
  };
}

/** Hugging Face, then arXiv, as one outcome. */
async function firstPassOf(pollHf: () => Promise<PassOutcome>, pollArxiv: () => Promise<PassOutcome>): Promise<PassOutcome> {
  const hf = await pollHf();
  const arxiv = await pollArxiv();
  const unreachable = hf.unreachable ?? arxiv.unreachable;
  return { stored: hf.stored + arxiv.stored, failed: [...hf.failed, ...arxiv.failed], ...(unreachable ? { unreachable } : {}) };
}
