import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { ImportFileError, importFile } from '../../core/ingest/import-file.ts';
import type { ReindexProgress } from '../../core/ports/content-index.ts';
import type { CliCommand, CliRuntime } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';
import { indexProgressBar } from './index-progress-bar.ts';
import { reportOutcome } from './ingest.ts';

const importArgs = z.object({
  positionals: z
    .array(z.string())
    .min(1, 'say which file to import')
    .max(1, { error: (issue) => `import takes one file, got ${(issue.input as unknown[]).length}` })
    .transform((files) => files[0]!),
});

/** `paperboy import FILE`: store papers from a JSON array or JSON-lines file of HF daily-papers items. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'store papers from a JSON or JSON-lines file of Hugging Face daily-papers items',
  usage: 'paperboy import FILE   (a JSON array or JSON lines, one daily-papers item each)',
  async run(argv, runtime) {
    const { positionals: path } = parseFlags(argv, {}, importArgs, { positionals: true });
    const store = await runtime.openStorage();
    const bar = storingBar(runtime);
    // After the last batch, a large import indexes what it stored (for `similar`): a bar per phase.
    const indexing = indexProgressBar(runtime);
    const onIndexProgress = indexing.onProgress;
    const stop = () => {
      bar.stop();
      indexing.stop();
    };
    try {
      return await reportOutcome(runtime, 'paperboy import', { onProgress: undefined, stop }, async () => ({
        report: await importFile({
          store,
          path,
          ...(bar.onProgress ? { onProgress: bar.onProgress } : {}),
          ...(onIndexProgress
            ? {
                onIndexProgress: (progress: ReindexProgress) => {
                  bar.stop();
                  onIndexProgress(progress);
                },
              }
            : {}),
        }),
        scope: `from ${basename(path)}`,
        empty: `${basename(path)} holds no items.`,
      }));
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      runtime.stderr.write(`paperboy import: ${error.message}\nNothing was stored.\n`);
      return 1;
    }
  },
};

/** "Storing ████░░░░ 3000/12000 papers" on stderr, only on a terminal and only for a file of more than one batch. */
function storingBar(runtime: CliRuntime): { onProgress: ((stored: number, total: number) => void) | undefined; stop(): void } {
  if (!runtime.stderr.isTTY) return { onProgress: undefined, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(stored, total) {
      if (!bar) {
        if (stored >= total) return;
        bar = new cliProgress.SingleBar({ stream: runtime.stderr, format: 'Storing {bar} {value}/{total} papers', clearOnComplete: true, hideCursor: true });
        bar.start(total, 0);
      }
      bar.update(stored);
    },
    stop() {
      bar?.stop();
    },
  };
}
