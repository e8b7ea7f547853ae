import cron from 'node-cron';
import { type DeliveryPassOptions, type DeliveryPassResult, defaultWorkerId, runDeliveryPass } from './delivery-pass.ts';

/** Options of {@link startScheduler}: those of a delivery pass, plus when to tick. */
export interface SchedulerOptions extends Omit<DeliveryPassOptions, 'dryRun' | 'signal'> {
  /** Cron expression of the ticks (default every minute: `* * * * *`). */
  cron?: string;
  /** Also run a pass right away, so what is due (after a restart, say) goes out without waiting for the first tick. */
  passAtStart?: boolean;
  /** Called after each pass (metrics, tests). */
  onPass?: (result: DeliveryPassResult) => void;
}

/** A running scheduler. */
export interface Scheduler {
  /** Runs a pass now (after the running one, if any) and returns its result; undefined once stopped. */
  runNow(): Promise<DeliveryPassResult | undefined>;
  /**
   * Stops ticking, lets the running pass finish the sends in flight, hands its unsent claims
   * to the next pass (another instance, or this one after a restart) and resolves when done.
   */
  stop(): Promise<void>;
}

/**
 * Starts the daily-picks scheduler: a node-cron task ticking every minute (`noOverlap`, and
 * a pass never starts while another of this scheduler runs) that runs a delivery pass as of
 * `clock()`. A failing pass (database down) is logged; the next tick tries again.
 *
 * ```ts
 * const scheduler = startScheduler({ db, ports, clock, catchUpHours: config.DELIVERY_CATCH_UP_HOURS, log });
 * // on shutdown, before closing the adapters and the database:
 * await scheduler.stop();
 * ```
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const workerId = options.workerId ?? defaultWorkerId();
  const controller = new AbortController();
  let running: Promise<DeliveryPassResult | undefined> = Promise.resolve(undefined);
  let busy = false;
  let stopped = false;

  const runPass = async (): Promise<DeliveryPassResult | undefined> => {
    if (stopped) return undefined;
    busy = true;
    try {
      const result = await runDeliveryPass({ ...options, workerId, signal: controller.signal });
      options.onPass?.(result);
      return result;
    } catch (error) {
      options.log.error({ err: error }, 'delivery pass failed; the next tick retries');
      return undefined;
    } finally {
      busy = false;
    }
  };

  const task = cron.schedule(
    options.cron ?? '* * * * *',
    () => {
      if (busy || stopped) return;
      running = runPass();
      return running;
    },
    { name: 'paperboy-deliveries', noOverlap: true },
  );

  if (options.passAtStart) running = runPass();

  return {
    runNow() {
      running = running.then(runPass);
      return running;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controller.abort();
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
