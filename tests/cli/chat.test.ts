import { execFileSync, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPapersFile } from '../../src/app.ts';
import { bin, type Finished, runBin, runPaperboy, templateDataDir } from '../support/cli.ts';

describe('paperboy chat with piped input', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  beforeAll(async () => {
    expect((await runPaperboy(['import', demoPapersFile], env)).code).toBe(0);
  });
  afterAll(() => data.remove());

  it('answers every line in order, stops at quit, and exits 0', async () => {
    // All three lines arrive in one chunk, and the second arrives while the first is answered.
    const result = await runBin(['chat', '--user', 'piper'], env, 'today\nsearch grokking\nquit\nfollows\n');
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    const today = result.stdout.indexOf('Papers for ');
    const search = result.stdout.indexOf('Search: grokking');
    expect(today).toBeGreaterThan(0);
    expect(search).toBeGreaterThan(today);
    expect(result.stdout).toContain('Grokking: Generalization Beyond Overfitting');
    // Nothing after quit runs; and no prompt is printed for input that is not typed at a terminal.
    expect(result.stdout).not.toContain('You follow nothing yet');
    expect(result.stdout).not.toContain('paperboy>');
  });

  it('skips blank lines and ends the chat with exit 0 at the end of input', async () => {
    const result = await runBin(['chat', '--user', 'piper'], env, '\n   \nsearch "latent diffusion"\n');
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(result.stdout).toContain('High-Resolution Image Synthesis with Latent Diffusion Models');
  });

  it('answers a last line without a newline, then exits 0', async () => {
    const result = await runBin(['chat', '--user', 'piper'], env, 'follows');
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(result.stdout).toContain('You follow nothing yet');
  });

  it('exits 0 at once when there is no input at all', async () => {
    const result = await runBin(['chat'], env, undefined);
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return process.platform === 'linux';
  } catch {
    return false;
  }
})();

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Single-quotes `text` for sh. */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

// `npm start` opens the chat only on a terminal: util-linux `script` gives the child one (a
// pseudo-terminal) and turns the end of our input into Ctrl-D there.
describe.skipIf(!hasScript)('npm start with no tokens, in a terminal', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  beforeAll(async () => {
    expect((await runPaperboy(['import', demoPapersFile], env)).code).toBe(0);
  });
  afterAll(() => data.remove());

  it('says once that Hugging Face is unreachable and what it serves, opens the chat, answers, and exits 0 on Ctrl-D', async () => {
    const command = `${shellQuote(process.execPath)} ${shellQuote(bin)} start`;
    const hfRoot = `http://127.0.0.1:${await closedPort()}`;
    const result = await new Promise<Finished>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { ...process.env, PAPERBOY_DATA_DIR: data.dataDir, HF_API_ROOT: hfRoot, TERM: 'dumb', LOG_LEVEL: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', (chunk) => {
        out.stdout += String(chunk);
        // Type once the chat is listening (the pty would otherwise echo our typing early).
        if (out.stdout.includes('paperboy>') && child.stdin.writable && !child.stdin.writableEnded) child.stdin.end('search grokking\n');
      });
      child.stderr.on('data', (chunk) => (out.stderr += String(chunk)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, ...out });
      });
    });
    expect(result.stdout).toContain('Fetching the latest papers…');
    expect(result.stdout).toContain(`Could not fetch new papers: Hugging Face is unreachable at ${hfRoot}/api/daily_papers`);
    expect(result.stdout).toMatch(/ECONNREFUSED[^\n]*\.\r?\nServing the/);
    expect(result.stdout).toContain('Serving the 15 papers already stored; new ones arrive once Hugging Face answers again.');
    expect(result.stdout.match(/unreachable/g)).toHaveLength(1);
    expect(result.stdout).toContain('Grokking: Generalization Beyond Overfitting');
    expect(result).toMatchObject({ code: 0, signal: null });
  }, 60_000);
});
