/** Waits `ms` milliseconds, or less when `signal` aborts (injectable so tests can run 429 storms without real waits). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep; an abort clears its timer, so a stopping process is not kept alive by a long wait. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

/** `wait`, cut short when `signal` aborts (the wait itself is left to run out on its own). */
export function untilAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    wait.then(done, done);
  });
}

/**
 * Holds sends to a platform back while it has asked us to slow down: after a 429 with
 * retry_after, no send to that platform leaves this pass until the wait is over, so the
 * queue keeps its order and the platform is not hammered by the other concurrent sends.
 * Time here is real (monotonic), not the injected schedule clock.
 */
export class PlatformGate {
  readonly #until = new Map<string, number>();

  constructor(private readonly sleep: Sleep = realSleep) {}

  /** Resolves once `platform` may be sent to, or as soon as `signal` aborts (the process is stopping). */
  async wait(platform: string, signal?: AbortSignal): Promise<void> {
    let until = this.#until.get(platform) ?? 0;
    for (;;) {
      const left = until - performance.now();
      if (left <= 0 || signal?.aborted) return;
      await untilAborted(this.sleep(left, signal), signal);
      // Waited it out, unless another 429 pushed the gate further meanwhile.
      const next = this.#until.get(platform) ?? 0;
      if (next === until) return;
      until = next;
    }
  }

  /** No sends to `platform` for the next `ms` milliseconds. */
  pause(platform: string, ms: number): void {
    const until = performance.now() + Math.max(0, ms);
    if (until > (this.#until.get(platform) ?? 0)) this.#until.set(platform, until);
  }
}
