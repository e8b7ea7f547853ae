import { describe, expect, it } from 'vitest';
import { startScheduler } from '../../../src/core/schedule/scheduler.ts';
import { createStorage } from '../../../src/db/storage.ts';
import { useTestDb } from '../../support/db.ts';
import { silentLog } from '../../support/log.ts';
import { addPapers, addSubscription, ledger, paper, pass, recordingPort } from '../../support/schedule.ts';

async function waitFor(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the scheduler', () => {
  const t = useTestDb('pglite');

  it('ticks with node-cron and posts a due digest once, however many ticks follow', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27')]);
    await addSubscription(t.db, { externalId: 'u1' });
    const port = recordingPort();
    let passes = 0;
    const scheduler = startScheduler({
      storage: createStorage(t.db),
      ports: new Map([['test', port]]),
      clock: () => new Date('2026-11-27T09:00:00Z'), // the clock is injected: no waiting for a real 09:00
      catchUpHours: 6,
      log: silentLog,
      cron: '* * * * * *', // every second, so the test sees a few ticks
      onPass: () => passes++,
    });
    try {
      await waitFor(() => passes >= 3);
    } finally {
      await scheduler.stop();
    }
    expect(port.sent).toHaveLength(1);
    expect(await scheduler.runNow()).toBeUndefined();
  });

  it('stops gracefully: the send in flight is recorded, unsent claims go straight to the next pass', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27')]);
    for (const id of ['a', 'b', 'c', 'd']) await addSubscription(t.db, { externalId: id });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = recordingPort('test', async () => {
      await gate;
      return undefined;
    });
    const scheduler = startScheduler({
      storage: createStorage(t.db),
      ports: new Map([['test', slow]]),
      clock: () => new Date('2026-11-27T09:00:00Z'),
      catchUpHours: 6,
      log: silentLog,
      cron: '0 0 1 1 *', // never during the test: passes run through runNow
      concurrency: 1,
      workerId: 'stopping',
    });
    const running = scheduler.runNow();
    await waitFor(() => slow.calls() === 1);
    const stopped = scheduler.stop();
    release();
    await stopped;
    expect((await running)?.sent).toBe(1);
    const rows = await ledger(t.db);
    expect(rows.map((r) => r.status).sort()).toEqual(['claimed', 'claimed', 'claimed', 'sent']);
    // Another worker picks the three up at once, without waiting for a lease to run out.
    const next = recordingPort();
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [next])).toMatchObject({ tookOver: { claimed: 3 }, sent: 3 });
    expect([...slow.sent, ...next.sent].map((s) => s.target.externalId).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
