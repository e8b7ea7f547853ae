import cliProgress from 'cli-progress';
import type { ReindexProgress } from '../../core/ports/content-index.ts';
import type { CliRuntime } from '../cli-command.ts';

/** A phase of content indexing, or the profiles rebuilt after a reindex. */
export interface IndexProgress {
  phase: ReindexProgress['phase'] | 'profiles';
  done: number;
  total: number;
}

const PHASES: Record<IndexProgress['phase'], string> = {
  counting: 'Counting terms    {bar} {value}/{total} papers',
  vectors: 'Building vectors  {bar} {value}/{total} papers',
  profiles: 'Updating profiles {bar} {value}/{total} people and channels',
};

/**
 * One bar per phase of content indexing on stderr ("Counting terms ████░░ 5000/100000 papers"),
 * only on a terminal: `paperboy reindex`, and the end of a large `paperboy import`.
 */
export function indexProgressBar(runtime: CliRuntime): { onProgress: ((progress: IndexProgress) => void) | undefined; stop(): void } {
  if (!runtime.stderr.isTTY) return { onProgress: undefined, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  let phase: IndexProgress['phase'] | undefined;
  return {
    onProgress(progress) {
      if (progress.phase !== phase) {
        bar?.stop();
        phase = progress.phase;
        bar = new cliProgress.SingleBar({
          stream: runtime.stderr,
          format: PHASES[progress.phase],
          clearOnComplete: true,
          hideCursor: true,
        });
        bar.start(progress.total, progress.done);
      }
      bar?.update(progress.done);
    },
    stop() {
      bar?.stop();
    },
  };
}
