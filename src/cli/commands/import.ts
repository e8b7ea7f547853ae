import { basename } from 'node:path';
import { ImportFileError, importFile } from '../../core/ingest/import-file.ts';
import { type CliCommand, UsageError } from '../cli-command.ts';
import { parseOptions, reportOutcome } from './ingest.ts';

/** `paperboy import FILE`: store papers from a JSON array or JSON-lines file of HF daily-papers items. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'store papers from a JSON or JSON-lines file of Hugging Face daily-papers items',
  usage: 'paperboy import FILE   (a JSON array or JSON lines, one daily-papers item each)',
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, true);
    const [path, ...extra] = positionals;
    if (!path) throw new UsageError('say which file to import');
    if (extra.length) throw new UsageError(`import takes one file, got ${positionals.length}`);
    const { db } = await runtime.openDb();
    try {
      return await reportOutcome(runtime, 'paperboy import', { onProgress: undefined, stop() {} }, async () => ({
        report: await importFile({ db, path }),
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
