import { describe, expect, it } from 'vitest';
import type { DbHandle } from '../../../src/db/create-db.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, addSubscription, ledger, paper, pass, recordingPort, secondHandle } from '../../support/schedule.ts';

const SUBSCRIBERS = 80;

describe.each(engines)('two delivery passes at once on %s', (engine) => {
  const t = useTestDb(engine);

  it('share the work and post every digest exactly once', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27'), paper('2611.00002', '2026-11-28'), paper('2611.00003', '2026-11-29')]);
    const zones = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      await addSubscription(t.db, { externalId: `u${i}`, sendTime: '09:00', timezone: zones[i % zones.length]! });
    }
    // On Postgres the second pass is another instance with its own pool; on PGlite both share the one handle.
    let other: DbHandle | undefined;
    const otherDb = engine === 'postgres' ? (other = await secondHandle(t.handle)).db : t.db;
    const jitter = async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
      return undefined;
    };
    const a = recordingPort('test', jitter);
    const b = recordingPort('test', jitter);
    try {
      // Three days; each day one pass per instance, started together, after every zone's 09:00 (Kolkata's was 11 h earlier).
      for (const day of ['2026-11-27', '2026-11-28', '2026-11-29']) {
        const at = `${day}T14:30:00Z`;
        const [ra, rb] = await Promise.all([
          pass(t.db, at, [a], { workerId: 'instance-a', batchSize: 5, concurrency: 3, catchUpHours: 12 }),
          pass(otherDb, at, [b], { workerId: 'instance-b', batchSize: 5, concurrency: 3, catchUpHours: 12 }),
        ]);
        expect(ra.claimed + rb.claimed).toBe(SUBSCRIBERS);
        expect(ra.skipped + rb.skipped).toBe(0);
      }
    } finally {
      await other?.close();
    }
    const posts = [...a.sent, ...b.sent].map((s) => `${s.target.externalId} ${s.answer.title}`);
    expect(new Set(posts).size).toBe(posts.length);
    expect(posts).toHaveLength(SUBSCRIBERS * 3);
    const rows = await ledger(t.db);
    expect(rows).toHaveLength(SUBSCRIBERS * 3);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    // Each day brought one new paper, and each subscriber got each paper once.
    const delivered = await t.db.selectFrom('delivered_papers').select(['recipient_id', 'paper_id']).execute();
    expect(delivered).toHaveLength(SUBSCRIBERS * 3);
    // Both instances did part of the work.
    expect(a.sent.length).toBeGreaterThan(0);
    expect(b.sent.length).toBeGreaterThan(0);
  });
});
