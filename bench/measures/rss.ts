/**
 * Resident memory of the real `paperboy start` process (bin/paperboy.js, tsx and all) with
 * the corpus stored: no chat tokens, stdin a pipe (so no terminal chat), no ingestion on
 * start. VmRSS is sampled from /proc/<pid>/status once the process has logged that it is
 * running and had time to settle. Baseline: the same process on an empty database.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchResult, type EngineName, progress, summarise, times } from '../report.ts';

const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

export interface RssTarget {
  /** DATABASE_URL, or undefined for PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory. */
  dataDir?: string | undefined;
}

function vmRssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts paperboy, waits until it is up, samples VmRSS for `settleMs`, stops it. Returns the samples (MB). */
export async function measureStartRss(target: RssTarget, settleMs: number): Promise<number[]> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    INGEST_ON_START: 'false',
    LOG_LEVEL: 'info',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...(target.dataDir ? { PAPERBOY_DATA_DIR: target.dataDir } : {}),
  };
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      // The last line main() logs before it waits for a signal when no adapter is configured.
      if (/no chat platform configured|scheduler started|"msg":"started"/.test(log)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`paperboy start exited early (${code}):\n${log.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`paperboy start did not come up in 60 s:\n${log.slice(-2000)}`)), 60_000).unref();
  });
  try {
    await ready;
    const samples: number[] = [];
    const until = performance.now() + settleMs;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const mb = vmRssMb(child.pid!);
      if (mb !== undefined) samples.push(mb);
    }
    return samples;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function benchRss(
  engine: EngineName,
  papers: number,
  stored: RssTarget,
  empty: RssTarget,
  options: { settleMs: number; targetMb?: number },
): Promise<BenchResult[]> {
  progress(`${engine} ${papers}: RSS of paperboy start (empty database, then ${papers} papers)`);
  const base = await measureStartRss(empty, options.settleMs);
  const full = await measureStartRss(stored, options.settleMs);
  const last = full.at(-1)!;
  const peak = Math.max(...full);
  const baseLast = base.at(-1)!;
  const target = options.targetMb;
  return [
    {
      measure: 'RSS of paperboy start',
      engine,
      papers,
      samples: 0,
      result: `${last.toFixed(0)} MB (peak ${peak.toFixed(0)})`,
      baseline: `empty db ${baseLast.toFixed(0)} MB`,
      ratio: `${times(last / baseLast)} empty`,
      target: target === undefined ? 'info' : `≤ ${target} MB`,
      ...(target === undefined ? {} : { pass: peak <= target }),
      note: `VmRSS sampled every 250 ms for ${(options.settleMs / 1000).toFixed(0)} s after start-up (${summarise(full).samples} samples); no tokens, INGEST_ON_START=false, stdin a pipe.`,
    },
  ];
}
