/** Waits `ms` milliseconds (injectable so tests can run 429 storms without real waits). */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Holds sends to a platform back while it has asked us to slow down: after a 429 with
 * retry_after, no send to that platform leaves this pass until the wait is over, so the
 * queue keeps its order and the platform is not hammered by the other concurrent sends.
 * Time here is real (monotonic), not the injected schedule clock.
 */
export class PlatformGate {
  readonly #until = new Map<string, number>();

  constructor(private readonly sleep: Sleep = realSleep) {}

  /** Resolves once `platform` may be sent to. */
  async wait(platform: string): Promise<void> {
    let until = this.#until.get(platform) ?? 0;
    for (;;) {
      const left = until - performance.now();
      if (left <= 0) return;
      await this.sleep(left);
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
