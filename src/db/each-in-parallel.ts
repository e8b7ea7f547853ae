/**
 * Runs `work` on each task, `workers` at a time (at least one): a worker takes the next task
 * when its last is done, so tasks start in order. After a failure no worker takes another
 * task; every worker finishes the one in flight, then the first failure is thrown. Imports
 * and content indexing use it to keep one connection per worker busy (PGlite has one, so its
 * tasks simply queue).
 */
export async function eachInParallel<T>(tasks: readonly T[], workers: number, work: (task: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await work(task);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, workers) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

/** `items` in consecutive slices of `size` (the last one shorter). */
export function slicesOf<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < items.length; start += size) slices.push(items.slice(start, start + size));
  return slices;
}
