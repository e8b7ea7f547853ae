import { setTimeout as sleep } from 'node:timers/promises';

/** arXiv's terms: at most one request every 3 seconds. */
export const ARXIV_REQUEST_INTERVAL_MS = 3_000;

/** Runs requests one at a time, each starting at least `intervalMs` after the previous one ended. */
export interface RequestLimiter {
  readonly intervalMs: number;
  /**
   * Runs `request` once every earlier request has finished and `intervalMs` has passed since
   * the previous one ended (counting from the end keeps the gap even when answers are slow).
   * Returns (or throws) what `request` does.
   */
  schedule<T>(request: () => Promise<T>): Promise<T>;
}

/** A limiter with its own queue; share one instance for everything that talks to one upstream. */
export function createRequestLimiter(options: { intervalMs: number }): RequestLimiter {
  const { intervalMs } = options;
  let queue: Promise<unknown> = Promise.resolve();
  let lastEnd = Number.NEGATIVE_INFINITY;
  return {
    intervalMs,
    schedule<T>(request: () => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const wait = lastEnd + intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
        try {
          return await request();
        } finally {
          lastEnd = performance.now();
        }
      });
      queue = run.catch(() => {});
      return run;
    },
  };
}

/**
 * The process-wide arXiv limiter: every arXiv request in this process goes through it, so
 * the CLI, the poller and any concurrent pass together keep to one connection and one
 * request per 3 seconds.
 */
export const arxivLimiter: RequestLimiter = createRequestLimiter({ intervalMs: ARXIV_REQUEST_INTERVAL_MS });
