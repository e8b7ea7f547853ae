import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPapersFile } from '../../src/app.ts';
import { reasonText } from '../../src/core/actions/action-label.ts';
import type { Reason } from '../../src/core/answer.ts';
import { createDb } from '../../src/db/create-db.ts';
import { runBin, runPaperboy, templateDataDir } from '../support/cli.ts';

const bin = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

describe('paperboy ask', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  beforeAll(async () => {
    expect((await runPaperboy(['import', demoPapersFile], env)).code).toBe(0);
  });
  afterAll(() => data.remove());

  it('prints the answer as text', async () => {
    const result = await runPaperboy(['ask', 'search grokking'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Search: grokking\n\n1\. Grokking: Generalization Beyond Overfitting/);
  });

  it('prints the Answer as JSON with card ids and titles', async () => {
    const result = await runPaperboy(['ask', '/papers search "latent diffusion"', '--json'], env);
    const answer = JSON.parse(result.stdout);
    expect(answer.cards.map((c: { id: string }) => c.id)).toEqual(['2112.10752']);
    expect(answer.cards[0].title).toBe('High-Resolution Image Synthesis with Latent Diffusion Models');
  });

  it('keeps follows per --user', async () => {
    await runPaperboy(['ask', 'follow grokking', '--user', 'alice'], env);
    const alice = JSON.parse((await runPaperboy(['ask', 'today', '--user', 'alice', '--json'], env)).stdout);
    const bob = JSON.parse((await runPaperboy(['ask', 'today', '--user', 'bob', '--json'], env)).stdout);
    expect(alice.cards[0].reasons).toEqual([{ kind: 'follow', follow: 'grokking' }]);
    expect(alice.cards[0].reasons.map((r: Reason) => reasonText(r))).toEqual(['matches your follow: grokking']);
    expect(bob.cards[0].reasons).toEqual([]);
  });

  it('exits 0 with a notice for a bad chat command, and 2 for bad CLI usage', async () => {
    const bad = await runPaperboy(['ask', 'frobnicate'], env);
    expect(bad).toMatchObject({ code: 0 });
    expect(bad.stdout).toContain("I don't know “frobnicate”");
    const usage = await runPaperboy(['ask'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give the command text');
    expect((await runPaperboy(['ask', 'today', '--user', 'a b'], env)).stderr).toContain('--user must be 1 to 100 letters, digits or . _ @ : -, got "a b"');
  });
});

describe('paperboy ask: ranked search and trending', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  beforeAll(async () => {
    // The demo papers, featured today (trending looks at the last 7 days of the real clock).
    const today = new Date().toISOString().slice(0, 10);
    const items = (JSON.parse(readFileSync(demoPapersFile, 'utf8')) as { publishedAt: string }[]).map((item) => ({
      ...item,
      publishedAt: `${today}T00:00:00.000Z`,
    }));
    const file = join(data.dataDir, '..', 'demo-today.json');
    writeFileSync(file, JSON.stringify(items));
    expect((await runPaperboy(['import', file], env)).code).toBe(0);
  });
  afterAll(() => data.remove());

  it('finds the paper a question in plain words describes', async () => {
    const result = await runPaperboy(['ask', 'search how do I make attention fast on a GPU', '--json'], env);
    const answer = JSON.parse(result.stdout) as { cards: { id: string; title: string }[] };
    expect(answer.cards[0]?.title).toBe('FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness');
    // As text, each card says which of the words it has.
    const text = await runPaperboy(['ask', 'search how do I make attention fast on a GPU'], env);
    expect(text.stdout).toMatch(/^1\. FlashAttention: [^\n]*\n[\s\S]*?★ has attention, fast, GPU; not make\n/m);
  });

  it('lists the week’s most upvoted papers, five a page', async () => {
    const first = JSON.parse((await runPaperboy(['ask', 'trending', '--json'], env)).stdout) as { title: string; cards: { upvotes: number }[] };
    expect(first.title).toBe('Trending: the last 7 days');
    expect(first.cards).toHaveLength(5);
    const upvotes = first.cards.map((card) => card.upvotes);
    expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));
    const text = await runPaperboy(['ask', 'trending week 2'], env);
    expect(text.stdout).toMatch(/^Trending: the last 7 days\n/);
    expect(text.stdout).toContain('6. ');
  });
});

describe('the embedded database shared by two processes', () => {
  const data = templateDataDir();
  afterAll(() => data.remove());

  it('refuses the second process with a message naming the holder and suggesting DATABASE_URL', async () => {
    const holder = await createDb({ dataDir: data.dataDir, migrate: false, command: 'paperboy start' });
    try {
      const child = await promisify(execFile)(process.execPath, [bin, 'ask', 'today'], {
        env: { ...process.env, PAPERBOY_DATA_DIR: data.dataDir, LOG_LEVEL: 'silent' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(child.code).toBe(1);
      expect(child.stderr).toContain(`is in use by "paperboy start" (pid ${process.pid}`);
      expect(child.stderr).toContain('DATABASE_URL');
    } finally {
      await holder.close();
    }
    // Once released, the next process gets in, and nothing was corrupted.
    const after = await runPaperboy(['ask', 'today'], { PAPERBOY_DATA_DIR: data.dataDir });
    expect(after.code).toBe(0);
  });
});

describe('paperboy ask - (batch mode)', () => {
  const data = templateDataDir();
  const env = { PAPERBOY_DATA_DIR: data.dataDir };

  beforeAll(async () => {
    expect((await runPaperboy(['import', demoPapersFile], env)).code).toBe(0);
  });
  afterAll(() => data.remove());

  it('answers one command a line from standard input, in order, one JSON answer a line', async () => {
    const input = 'search grokking\n\nfollow grokking\nfollows\nfrobnicate\nsearch "latent diffusion"';
    const result = await runBin(['ask', '-', '--json', '--user', 'batch'], env, input);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const answers = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; notice?: { text: string }; cards: { id: string }[]; lines: string[] });
    expect(answers.map((answer) => answer.title)).toEqual(['Search: grokking', 'Following', 'Follows', 'Unknown command', 'Search: "latent diffusion"']);
    expect(answers[2]!.lines).toEqual(['• grokking']);
    expect(answers[4]!.cards.map((card) => card.id)).toEqual(['2112.10752']);
  });

  it('learns from 👍: foryou asks first, then names the 👍 paper; mute hides a topic from today', async () => {
    const days = ['today', 'today 2', 'today 3'];
    const input = ['foryou', 'vote 2201.02177 up', 'foryou month', ...days, 'mute diffusion', ...days, 'follows'].join('\n');
    const result = await runBin(['ask', '-', '--json', '--user', 'learner'], env, input);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const answers = result.stdout
      .trimEnd()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { title: string; notice?: { text: string }; cards: { id: string; title: string; reasons: Reason[] }[]; lines: string[] },
      );
    const [before, , month] = answers;
    expect(before!.notice?.text).toBe("I don't know what you like yet.");
    const grokked = month!.cards.find((card) => card.id === '2405.15071');
    expect(grokked?.reasons.map(reasonText)).toEqual(['like “Grokking” that you 👍']);
    const titlesOf = (from: number) => answers.slice(from, from + 3).flatMap((answer) => answer.cards.map((card) => card.title));
    expect(titlesOf(3).filter((title) => /Diffusion/.test(title))).toHaveLength(2);
    expect(titlesOf(7).filter((title) => /Diffusion/.test(title))).toEqual([]);
    expect(titlesOf(7)).toHaveLength(13);
    expect(answers[10]!.lines).toContain('• diffusion');
  });

  it('prints the liked paper in plain text', async () => {
    const text = await runBin(['ask', '-', '--user', 'plain'], env, 'vote 2201.02177 up\nforyou month\n');
    expect(text.stdout).toContain('   ★ like “Grokking” that you 👍');
  });

  it('prints each answer as text followed by a blank line, and ends quietly on empty input', async () => {
    const text = await runBin(['ask', '-'], env, 'help\ntoday\n');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^paperboy: research papers, delivered\n[\s\S]*\n\nPapers for /);
    expect(await runBin(['ask', '-', '--json'], env, '')).toMatchObject({ code: 0, stdout: '' });
  });
});
