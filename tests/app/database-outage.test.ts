import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { engines, useTestDb } from '../support/db.ts';
import { adminQuery } from '../support/global-setup.ts';
import { addPapers, addSubscription, ledger, paper, pass, recordingPort } from '../support/schedule.ts';

const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a database that is down at start', () => {
  it('gives one clear error naming the database and exits non-zero', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: `postgres://paperboy:s3cret-pw@127.0.0.1:${port}/paperboy`,
        INGEST_ON_START: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach the database at 127.0.0.1:${port}/paperboy`);
    expect(lines[0]).toMatch(/ECONNREFUSED/);
    expect(stderr).not.toContain('s3cret-pw');
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe.skipIf(!engines.includes('postgres'))('a database that drops mid-run', () => {
  const t = useTestDb('postgres');

  it('reconnects, and every claimed delivery is still sent (a post in flight at the drop may come twice)', async () => {
    await addPapers(
      t.db,
      Array.from({ length: 8 }, (_, i) => paper(`2611.${String(i + 1).padStart(5, '0')}`, '2026-11-27', { upvotes: 10 + i })),
    );
    for (let i = 1; i <= 12; i++) await addSubscription(t.db, { externalId: `u${i}`, papersPerPost: 3 });

    const adminUrl = inject('postgresTemplate')!.adminUrl;
    const database = t.handle.location.slice(t.handle.location.indexOf('/') + 1);
    let dropped = false;
    const port = recordingPort('test', async (_target, _answer, call) => {
      if (call === 4 && !dropped) {
        dropped = true;
        // The server loses every connection of this database while digests are going out.
        await adminQuery(adminUrl, `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}' and pid <> pg_backend_pid()`);
      }
      return undefined;
    });

    // The first pass runs into the drop.
    // Depending on timing the pool reconnects before the pass's next statement, or a statement
    // fails: then its delivery stays 'claimed' or 'sending' with a lease, and a later pass
    // takes it over. Either way nothing claimed may be lost.
    await pass(t.db, '2026-11-27T09:00:30Z', [port], { concurrency: 2 }).catch(() => undefined);
    expect(dropped).toBe(true);

    // Later passes (after the 60 s lease) on the same pool reconnect and finish the job.
    await pass(t.db, '2026-11-27T09:02:00Z', [port]);
    await pass(t.db, '2026-11-27T09:04:00Z', [port]);

    const rows = await ledger(t.db);
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.status)).toEqual(Array(12).fill('sent'));
    const postsPer = new Map<string, number>();
    for (const sent of port.sent) postsPer.set(sent.target.externalId, (postsPer.get(sent.target.externalId) ?? 0) + 1);
    expect([...postsPer.keys()].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `u${i + 1}`).sort());
    // At-least-once only for posts that were in the platform call when the connection went.
    const twice = [...postsPer.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(2);
    expect(Math.max(...postsPer.values())).toBeLessThanOrEqual(2);
  });
});
