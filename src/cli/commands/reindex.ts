import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { ReindexProgress } from '../../core/ports/content-index.ts';
import { type CliCommand, type CliRuntime, UsageError } from '../cli-command.ts';

const USAGE = [
  'paperboy reindex [--json]',
  '',
  'Recounts how many papers hold each word and phrase, and rebuilds every paper’s content vector',
  '(what `similar` compares). Ingestion keeps them up to date as papers arrive; reindex after a',
  'large change of the library, or to make the counts exact again. `similar` keeps answering',
  'meanwhile. --json prints the result as JSON.',
].join('\n');

const reindexArgs = z.object({ json: z.boolean().optional() });

const PHASES: Record<ReindexProgress['phase'], string> = { counting: 'Counting terms ', vectors: 'Building vectors' };

/** `paperboy reindex`: rebuild the content model (document frequencies and every paper's vector). */
export const reindexCommand: CliCommand = {
  name: 'reindex',
  summary: 'rebuild the content model behind `similar` (term counts and every paper’s vector)',
  usage: USAGE,
  async run(argv, runtime) {
    let values: Record<string, unknown>;
    try {
      ({ values } = parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean' } } }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const parsed = reindexArgs.safeParse(values);
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
    const storage = await runtime.openStorage();
    const bar = phaseBar(runtime);
    let result: Awaited<ReturnType<typeof storage.content.reindex>>;
    try {
      result = await storage.content.reindex(bar.onProgress ? { onProgress: bar.onProgress } : {});
    } finally {
      bar.stop();
    }
    if (parsed.data.json) {
      runtime.stdout.write(`${JSON.stringify({ ...result, ms: Math.round(result.ms) })}\n`);
      return 0;
    }
    const n = (value: number) => value.toLocaleString('en-US');
    runtime.stdout.write(
      result.papers === 0
        ? 'No papers are stored, so there is nothing to index.\n'
        : `Reindexed ${n(result.papers)} papers in ${(result.ms / 1000).toFixed(1)} s: ${n(result.terms)} distinct words and phrases, ` +
            `${n(result.usableTerms)} of them in at least two papers and not too common to compare papers on.\n`,
    );
    return 0;
  },
};

/** One bar per phase on stderr ("Counting terms ████░░ 5000/100000 papers"), only on a terminal. */
function phaseBar(runtime: CliRuntime): { onProgress: ((progress: ReindexProgress) => void) | undefined; stop(): void } {
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
