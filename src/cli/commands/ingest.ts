import cliProgress from 'cli-progress';
import { z } from 'zod';
import { utcDate } from '../../core/clock.ts';
import { ingestArxivCategory } from '../../core/ingest/arxiv.ts';
import { ingestHfDay } from '../../core/ingest/hf-daily.ts';
import { UpstreamError } from '../../core/ingest/http-client.ts';
import { allInvalid, type IngestReport, type OnIngestProgress, storedCount } from '../../core/ingest/ingest-report.ts';
import { type CliCommand, type CliRuntime, UsageError } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';

const USAGE = [
  'paperboy ingest hf [--date YYYY-MM-DD]                the day to fetch; default today (UTC)',
  '       paperboy ingest arxiv --category CAT [--days N]  e.g. cs.LG; submitted in the last N days (1-30, default 3:',
  '                                                        arXiv announces papers one to three days after submission)',
].join('\n');

/** Default look-back: arXiv announces a submission one to three days later, so one day finds few papers. */
const DEFAULT_DAYS = 3;

/** Highest `--days` accepted: a month of a busy category is already many slow arXiv pages. */
const MAX_DAYS = 30;

const dayArg = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { abort: true, error: (issue) => `--date must be a day as YYYY-MM-DD, got "${String(issue.input)}"` })
  .refine(isCalendarDay, { error: (issue) => `--date ${String(issue.input)} is not a calendar day` });

/** '2026-02-30' matches the pattern but is no day: Date rolls it over to March. */
function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && utcDate(date) === day;
}

const hfArgs = z.object({ date: dayArg.optional() });

const arxivArgs = z.object({
  category: z
    .string({ error: '--category is required, e.g. --category cs.LG' })
    .regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, { error: (issue) => `--category must look like cs.LG or stat.ML, got "${String(issue.input)}"` }),
  days: z
    .string()
    .refine((days) => /^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_DAYS, {
      error: (issue) => `--days must be a whole number from 1 to ${MAX_DAYS}, got "${String(issue.input)}"`,
    })
    .transform(Number)
    .optional(),
});

/** `paperboy ingest hf|arxiv`: fetch papers now, outside the bot's polling schedule. */
export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'fetch papers now from Hugging Face daily papers or an arXiv category',
  usage: USAGE,
  async run(argv, runtime) {
    const [source, ...rest] = argv;
    if (source === 'hf') return ingestHf(rest, runtime);
    if (source === 'arxiv') return ingestArxiv(rest, runtime);
    throw new UsageError(source ? `unknown source "${source}": use hf or arxiv` : 'say which source: hf or arxiv');
  },
};

async function ingestHf(argv: string[], runtime: CliRuntime): Promise<number> {
  const args = parseFlags(argv, { date: { type: 'string' } }, hfArgs);
  const today = utcDate(runtime.now());
  const date = args.date ?? today;
  if (date > today) throw new UsageError(`--date ${date} is in the future (today is ${today} UTC)`);
  const store = await runtime.openStorage();
  const progress = progressBar(runtime, `Hugging Face ${date}`);
  return reportOutcome(runtime, `paperboy ingest hf`, progress, async () => {
    const report = await ingestHfDay({
      store,
      root: runtime.config.HF_API_ROOT,
      date,
      timeoutMs: runtime.config.HTTP_TIMEOUT_MS,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    if (report.truncated) runtime.stderr.write(`Stopped paging early; Hugging Face may list more papers for ${date}.\n`);
    return { report, scope: `for ${date}`, empty: `Hugging Face lists no papers for ${date} yet.` };
  });
}

async function ingestArxiv(argv: string[], runtime: CliRuntime): Promise<number> {
  const args = parseFlags(argv, { category: { type: 'string' }, days: { type: 'string' } }, arxivArgs);
  const days = args.days ?? DEFAULT_DAYS;
  const store = await runtime.openStorage();
  const span = `${days} day${days === 1 ? '' : 's'}`;
  const progress = progressBar(runtime, `arXiv ${args.category}`);
  return reportOutcome(runtime, 'paperboy ingest arxiv', progress, async () => {
    const report = await ingestArxivCategory({
      store,
      root: runtime.config.ARXIV_API_ROOT,
      category: args.category,
      days,
      now: runtime.now(),
      timeoutMs: runtime.config.HTTP_TIMEOUT_MS,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    return {
      report,
      scope: `from arXiv ${args.category} submitted in the last ${span}`,
      empty: `arXiv lists no ${args.category} papers submitted in the last ${span}.`,
    };
  });
}

/** What an ingest produced, and how to describe it. */
export interface IngestOutcome {
  report: IngestReport;
  /** Completes "Stored N papers …": 'for 2026-11-26', 'from papers.jsonl'. */
  scope: string;
  /** The whole summary when the upstream listed nothing. */
  empty: string;
}

/**
 * Runs an ingest and prints its summary on stdout, and its skipped items and merged duplicates
 * on stderr. Returns 0, also when some items were skipped; 1 when every item was invalid
 * (nothing was stored) or the upstream failed, with the reason on stderr.
 */
export async function reportOutcome(runtime: CliRuntime, commandName: string, progress: ProgressBar, work: () => Promise<IngestOutcome>): Promise<number> {
  let outcome: IngestOutcome;
  try {
    outcome = await work();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    runtime.stderr.write(`${commandName}: ${error.message}\nNothing was stored; papers stored earlier are unchanged.\n`);
    return 1;
  } finally {
    progress.stop();
  }
  const { invalid, duplicates = [] } = outcome.report;
  const listed = invalid.map((item) => `  ${item.where}: ${item.field ? `${item.field}: ` : ''}${item.message}\n`).join('');
  if (allInvalid(outcome.report)) {
    const items = invalid.length === 1 ? 'its 1 item was invalid' : `all its ${invalid.length} items were invalid`;
    runtime.stderr.write(`${commandName}: nothing was stored ${outcome.scope}: ${items}:\n${listed}`);
    return 1;
  }
  runtime.stdout.write(`${summaryLine(outcome)}\n`);
  if (invalid.length) runtime.stderr.write(`Skipped ${plural(invalid.length, 'invalid item')}:\n${listed}`);
  if (duplicates.length) {
    runtime.stderr.write(
      `Merged the copies of ${plural(duplicates.length, 'paper')} listed more than once (keeping every field one of them fills in):\n${duplicates
        .map((duplicate) => `  ${duplicate.id}: ${duplicate.where.join(', ')}\n`)
        .join('')}`,
    );
  }
  return 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "Stored 37 papers for 2026-11-26 (12 new, 25 updated, 0 unchanged); skipped 2 invalid items (listed on stderr)." and any merged duplicates. */
export function summaryLine({ report, scope, empty }: IngestOutcome): string {
  if (report.fetched === 0) return empty;
  const stored = storedCount(report);
  const counts = `(${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged)`;
  const skipped = report.invalid.length ? `; skipped ${plural(report.invalid.length, 'invalid item')} (listed on stderr)` : '';
  const merged = report.duplicates?.length ? `; merged ${plural(report.duplicates.length, 'paper')} listed more than once (listed on stderr)` : '';
  return `Stored ${plural(stored, 'paper')} ${scope} ${counts}${skipped}${merged}.`;
}

/** A page counter on stderr, shown only on a terminal and only once a second page is coming. */
export interface ProgressBar {
  onProgress: OnIngestProgress | undefined;
  stop(): void;
}

/** A {@link ProgressBar} for `label`, or an inert one when stderr is not a TTY. */
export function progressBar(runtime: CliRuntime, label: string): ProgressBar {
  if (!runtime.stderr.isTTY) return { onProgress: undefined, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress({ pages, items, more }) {
      if (!bar) {
        if (!more) return;
        bar = new cliProgress.SingleBar({
          stream: runtime.stderr,
          format: `${label} {bar} page {pages}, {value} items`,
          clearOnComplete: true,
          hideCursor: true,
        });
        bar.start(items + 1, items, { pages });
      }
      bar.setTotal(more ? items + 1 : items);
      bar.update(items, { pages });
    },
    stop() {
      bar?.stop();
    },
  };
}
