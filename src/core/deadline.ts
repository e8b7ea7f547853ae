/** What {@link raceDeadline} resolves to when the work was not done in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * `work`'s result, or TIMED_OUT when it takes longer than `ms`. The work keeps running
 * (await it again to get its late result); a rejection after the deadline is not reported
 * as unhandled, and one before it rejects this promise.
 */
export async function raceDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  work.catch(() => {}); // a loser rejecting after the deadline must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
