import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A throwaway copy of the migrated PGlite template, for CLI runs; `remove()` deletes it. */
export function templateDataDir(): { dataDir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-'));
  const dataDir = join(dir, 'data');
  cpSync(inject('pgliteTemplateDir'), dataDir, { recursive: true });
  return { dataDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `paperboy …` in this process with the given environment and captures what it printed. */
export async function runPaperboy(argv: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const out = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    const code = await runCli(argv, { LOG_LEVEL: 'silent', INGEST_ON_START: 'false', ...env });
    return { code, ...out };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The real `paperboy` bin. */
export const bin = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `paperboy` bin as a child process with `input` piped to its stdin (undefined:
 * stdin is /dev/null) and waits for it to exit; a child still running after `timeoutMs` is
 * killed and reported with its signal, so a hang fails the test instead of stalling it.
 */
export function runBin(args: string[], env: Record<string, string>, input: string | undefined, timeoutMs = 25_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', INGEST_ON_START: 'false', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out = { stdout: '', stderr: '' };
    child.stdout!.on('data', (chunk) => (out.stdout += String(chunk)));
    child.stderr!.on('data', (chunk) => (out.stderr += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
