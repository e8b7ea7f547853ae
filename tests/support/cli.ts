import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
