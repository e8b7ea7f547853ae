import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runTerminalChat, TerminalScreen } from '../../../src/bots/terminal/chat.ts';
import { createTerminalDeliveryPort } from '../../../src/bots/terminal/delivery.ts';
import { asUser, samplePapers, testCore } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';

/** A terminal-like output (80 columns) that keeps everything written to it. */
function terminalOutput() {
  const output = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        output.written += String(chunk);
        done();
      },
    }),
    { written: '', columns: 80, isTTY: true },
  );
  return output;
}

/** What the terminal shows, without the cursor movements. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('the terminal chat', () => {
  const t = useTestDb('pglite');

  it('prints a digest that arrives while you type above the prompt, and redraws the prompt with what you had typed', async () => {
    await t.storage.papers.store(samplePapers);
    const core = testCore(t.db);
    const digest = await core.run('today', asUser('me', 'terminal'));
    const input = new PassThrough();
    const output = terminalOutput();
    const screen = new TerminalScreen(output);
    const port = createTerminalDeliveryPort({ print: (text) => screen.print(text), reaches: ['me'] });
    expect(port.reaches).toEqual(['me']);
    const chat = runTerminalChat({ core, user: 'me', input, screen, terminal: true });

    input.write('sea');
    await until(() => plain(output.written).endsWith('paperboy> sea'));
    const before = output.written.length;
    expect(await port.send({ platform: 'terminal', externalId: 'me', kind: 'user' }, digest)).toEqual({ status: 'ok' });
    const printed = output.written.slice(before);
    // The prompt line is cleared, the digest printed in its place, and the prompt redrawn with "sea".
    expect(printed.startsWith('\r\x1b[J── to me (terminal) ──\n')).toBe(true);
    expect(printed).toContain(digest.title);
    expect(plain(printed.slice(printed.indexOf(digest.title)))).toMatch(/\n\npaperboy> sea$/);

    // Typing goes on where it was.
    input.write('rch grokking\r');
    await until(() => output.written.includes('Search: grokking'));
    expect(output.written.slice(output.written.indexOf('Search: grokking'))).toMatch(/Grokked Transformers/);
    input.end();
    await chat;
  });

  it('prints text that arrives while a command runs before its answer, without a prompt in between', async () => {
    const output = terminalOutput();
    const screen = new TerminalScreen(output);
    const input = new PassThrough();
    const core = testCore(t.db);
    const slowCore = {
      ...core,
      run: async (...args: Parameters<typeof core.run>) => {
        screen.print('── a digest ──\n');
        return core.run(...args);
      },
    };
    const chat = runTerminalChat({ core: slowCore, user: 'me', input, screen, terminal: true });
    input.write('help\r');
    await until(() => output.written.includes('── a digest ──'));
    input.end();
    await chat;
    const after = output.written.slice(output.written.indexOf('── a digest ──'));
    expect(after.startsWith('── a digest ──\n')).toBe(true);
    expect(after.indexOf('paperboy>')).toBeGreaterThan(after.indexOf('help'));
  });
});
