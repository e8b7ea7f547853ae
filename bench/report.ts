/** Timing, percentiles, the result rows and the table `npm run bench` prints. */

export type EngineName = 'PGlite' | 'Postgres';

/** One line of the table. */
export interface BenchResult {
  measure: string;
  engine: EngineName;
  /** Papers stored while measuring. */
  papers: number;
  /** Samples behind p50/p95/max (0 when the measure is a single figure). */
  samples: number;
  /** Latency percentiles in milliseconds, when the measure has samples. */
  p50?: number;
  p95?: number;
  max?: number;
  /** The headline figure compared with the target, formatted with its unit. */
  result: string;
  /** The baseline measured in the same run, formatted. */
  baseline: string;
  /** How the result compares with the baseline ("63× faster", "0.97 of allowed"). */
  ratio: string;
  /** The target from issue 6, or 'info' when the row has none. */
  target: string;
  /** true/false against the target; undefined for info rows. */
  pass?: boolean;
  /** Anything a reader should know (what was sampled, why skipped). */
  note?: string;
}

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Quantile q (0–1) of the samples, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Summary {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarise(samples: readonly number[]): Summary {
  return { samples: samples.length, p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), max: Math.max(...samples) };
}

/** Runs `work` for each item, timing each call in ms; `warmup` untimed calls first. */
export async function timeEach<T>(items: readonly T[], work: (item: T) => Promise<unknown>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < Math.min(warmup, items.length); i++) await work(items[i]!);
  const samples: number[] = [];
  for (const item of items) {
    const started = performance.now();
    await work(item);
    samples.push(performance.now() - started);
  }
  return samples;
}

export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function count(value: number): string {
  if (value >= 1_000_000 && value % 1_000_000 === 0) return `${value / 1_000_000}M`;
  if (value >= 1000 && value % 1000 === 0) return `${value / 1000}k`;
  return value.toLocaleString('en-US');
}

export function rate(perSecond: number, unit: string): string {
  return `${Math.round(perSecond).toLocaleString('en-US')} ${unit}/s`;
}

export function times(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return ratio >= 10 ? `${Math.round(ratio)}×` : `${ratio.toFixed(2)}×`;
}

/** The results as a Markdown table (readable in a terminal, pasteable into docs/benchmarks.md). */
export function renderTable(results: readonly BenchResult[]): string {
  const header = ['measure', 'engine', 'papers', 'n', 'p50', 'p95', 'max', 'result', 'baseline (same run)', 'ratio', 'target', ''];
  const rows = results.map((r) => [
    r.measure,
    r.engine,
    count(r.papers),
    r.samples ? String(r.samples) : '–',
    ms(r.p50),
    ms(r.p95),
    ms(r.max),
    r.result,
    r.baseline,
    r.ratio,
    r.target,
    r.pass === undefined ? '' : r.pass ? '✓' : '✗',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const notes = results.filter((r) => r.note).map((r) => `- ${r.measure} (${r.engine}, ${count(r.papers)}): ${r.note}`);
  return [...out, ...(notes.length ? ['', ...notes] : [])].join('\n');
}
