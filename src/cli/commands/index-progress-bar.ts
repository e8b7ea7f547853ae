import cliProgress from 'cli-progress';
import type { ReindexProgress } from '../../core/ports/content-index.ts';
import type { CliRuntime } from '../cli-command.ts';

const PHASES: Record<ReindexProgress['phase'], string> = { counting: 'Counting terms ', vectors: 'Building vectors' };

/**
 * One bar per phase of content indexing on stderr ("Counting terms ████░░ 5000/100000 papers"),
 * only on a terminal: `paperboy reindex`, and the end of a large `paperboy import`.
 */
export function indexProgressBar(runtime: CliRuntime): { onProgress: ((progress: ReindexProgress) => void) | undefined; stop(): void } {
  if (!runtime.stderr.isTTY) return { onProgress: undefined, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  let phase: ReindexProgress['phase'] | undefined;
  return {
    onProgress(progress) {
      if (progress.phase !== phase) {
        bar?.stop();
        phase = progress.phase;
        bar = new cliProgress.SingleBar({
          stream: runtime.stderr,
          format: `${PHASES[progress.phase]} {bar} {value}/{total} papers`,
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
