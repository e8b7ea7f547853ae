import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/answer.ts';
import { asChannel, asUser, seedPapers, testCore } from '../support/core.ts';
import { openTestDb } from '../support/db.ts';

/** Arguments a hostile or careless user might type. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    "'; drop table papers; --",
    '<script>alert(1)</script>&amp;',
    '"unterminated phrase',
    '-only -negations',
    'OR OR OR',
    '!!!',
    '\u0000\u0007\u001b[31m',
    '2401.01234v99',
    'https://arxiv.org/abs/../../etc/passwd',
    'author:',
    'cat:',
    '25:99',
    'Mars/Olympus_Mons',
    '2024-13-45',
    '9999-99-99',
    '-1',
    '1e309',
  ),
  fc.integer({ min: 1, max: 10_000 }).map((n) => 'x'.repeat(n)),
);

const readOnly = ['today', 'search', 'paper', 'follows', 'help', 'settings', 'frobnicate', '/papers', ''];
const writing = ['follow', 'unfollow', 'vote', 'subscribe', 'unsubscribe', 'settings time', 'settings papers', 'settings timezone'];

function expectWellFormed(answer: Answer): void {
  expect(typeof answer.title).toBe('string');
  expect(Array.isArray(answer.cards)).toBe(true);
  // A result or a notice, never an internal error (those carry a reference id).
  expect(answer.notice?.reference).toBeUndefined();
  expect(answer.cards.length > 0 || answer.lines.length > 0 || answer.notice !== undefined).toBe(true);
}

async function fingerprint(db: Parameters<typeof seedPapers>[0]): Promise<string> {
  const { rows } = await sql<{ f: string }>`
    select (select count(*) from papers) || '/' || (select count(*) from recipients) || '/' ||
           (select count(*) from follows) || '/' || (select count(*) from feedback) || '/' ||
           (select count(*) from subscriptions) || '/' || (select coalesce(sum(upvotes), 0) from papers) as f`.execute(db);
  return rows[0]!.f;
}

describe('the command layer under generated input', () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    handle = await openTestDb('pglite');
    await seedPapers(handle.db);
    return () => handle.close();
  });

  it('answers 1,000 read-only commands with a result or a clear notice and changes nothing', async () => {
    const core = testCore(handle.db);
    const before = await fingerprint(handle.db);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...readOnly), nastyText, fc.boolean(), async (command, argument, inChannel) => {
        const ctx = inChannel ? asChannel('c1', false) : asUser('u1');
        expectWellFormed(await core.run(`${command} ${argument}`, ctx));
      }),
      { numRuns: 1000 },
    );
    expect(await fingerprint(handle.db)).toBe(before);
  });

  it('answers 500 state-changing commands without throwing or leaking an internal error', async () => {
    const core = testCore(handle.db);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writing), nastyText, fc.boolean(), async (command, argument, allowed) => {
        expectWellFormed(await core.run(`${command} ${argument}`, asChannel('c2', allowed)));
      }),
      { numRuns: 500 },
    );
    expect(await handle.db.selectFrom('papers').select('id').execute()).toHaveLength(4);
  });

  it('validates structured (Discord-style) arguments the same way', async () => {
    const core = testCore(handle.db);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('today', 'search', 'paper', 'follow', 'vote', 'subscribe'), fc.anything(), async (name, args) => {
        expectWellFormed(await core.execute(name, args, asUser('u9')));
      }),
      { numRuns: 300 },
    );
  });
});
