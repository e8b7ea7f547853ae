import type { Logger } from './logger.ts';

/** The signals that stop a paperboy process; both mean the same. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopSignals {
  /** Aborted, with the signal's name as reason, on the first SIGTERM or SIGINT. */
  readonly signal: AbortSignal;
  /** Stops listening (when the process is done). */
  dispose(): void;
}

/**
 * Listens for SIGTERM and SIGINT for as long as the process works, not just once: the same
 * signal often arrives several times (Ctrl-C or a supervisor signals the whole process group,
 * and npm forwards it to its child again), and a Node process left with no listener dies on the
 * next one at once, in the middle of sends whose outcome then goes unrecorded. The first signal
 * aborts `signal`; later ones are only logged (SHUTDOWN_TIMEOUT_MS bounds the stop instead).
 */
export function listenForStop(log: Logger): StopSignals {
  const controller = new AbortController();
  const onSignal = (name: StopSignal) => {
    if (controller.signal.aborted) {
      log.info({ signal: name }, 'already stopping: posts under way finish first (at most SHUTDOWN_TIMEOUT_MS)');
      return;
    }
    log.info({ signal: name }, 'shutting down');
    controller.abort(name);
  };
  const handlers = STOP_SIGNALS.map((name) => [name, () => onSignal(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return {
    signal: controller.signal,
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * After a forced stop something may still hold the event loop (a request that never ends):
 * exit with `code` shortly after the caller returned it, unless the process ends by itself first.
 */
export function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 1000).unref();
}
