import { z } from 'zod';
import { rebuildStaleProfiles } from '../../core/ranking/profiles.ts';
import type { CliCommand } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';
import { indexProgressBar } from './index-progress-bar.ts';

const USAGE = [
  'paperboy reindex [--json]',
  '',
  'Recounts how many papers hold each word and phrase, rebuilds every paper’s content vector',
  '(what `similar` compares) and then the profiles built on them (what each person or channel',
  'likes). Ingestion keeps them up to date as papers arrive; reindex after a large change of the',
  'library, to make the counts exact again, or once after an upgrade that changed the model',
  '(`paperboy start` warns until then). `similar` keeps answering meanwhile.',
  '--json prints the result as JSON.',
].join('\n');

const reindexArgs = z.object({ json: z.boolean().optional() });

/** `paperboy reindex`: rebuild the content model (document frequencies and every paper's vector). */
export const reindexCommand: CliCommand = {
  name: 'reindex',
  summary: 'rebuild the content model behind `similar` (term counts and every paper’s vector)',
  usage: USAGE,
  async run(argv, runtime) {
    const args = parseFlags(argv, { json: { type: 'boolean' } }, reindexArgs);
    const storage = await runtime.openStorage();
    const bar = indexProgressBar(runtime);
    let result: Awaited<ReturnType<typeof storage.content.reindex>>;
    let profiles: number;
    try {
      result = await storage.content.reindex(bar.onProgress ? { onProgress: bar.onProgress } : {});
      // The reindex made every profile stale (they sum the vectors it rebuilt): rebuilt here
      // rather than by the next rankings and digests that read them.
      const onProgress = bar.onProgress;
      profiles = await rebuildStaleProfiles(storage, onProgress ? { onProgress: (done, total) => onProgress({ phase: 'profiles', done, total }) } : {});
    } finally {
      bar.stop();
    }
    if (args.json) {
      runtime.stdout.write(`${JSON.stringify({ ...result, ms: Math.round(result.ms), profiles })}\n`);
      return 0;
    }
    const n = (value: number) => value.toLocaleString('en-US');
    runtime.stdout.write(
      result.papers === 0
        ? 'No papers are stored, so there is nothing to index.\n'
        : `Reindexed ${n(result.papers)} papers in ${(result.ms / 1000).toFixed(1)} s: ${n(result.terms)} distinct words and phrases, ` +
            `${n(result.usableTerms)} of them in at least two papers and not too common to compare papers on.` +
            (profiles > 0 ? ` Updated ${n(profiles)} ${profiles === 1 ? 'profile' : 'profiles'} (what each person or channel likes) to match.` : '') +
            '\n',
    );
    return 0;
  },
};
