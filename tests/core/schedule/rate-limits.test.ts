import { describe, expect, it } from 'vitest';
import { realSleep } from '../../../src/core/schedule/platform-gate.ts';
import { useTestDb } from '../../support/db.ts';
import { fakePlatformPort, startFakePlatform } from '../../support/fakes/rate-limited-platform.ts';
import { addPapers, addSubscription, ledger, paper, pass } from '../../support/schedule.ts';

describe('a 429 storm from the platform', () => {
  const t = useTestDb('pglite');

  it('is waited out: every digest arrives once, none is lost or failed', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27')]);
    for (let i = 0; i < 60; i++) await addSubscription(t.db, { externalId: `chat${i}` });
    const platform = await startFakePlatform({ perSecond: 40, perChatMs: 1000 });
    let waited = 0;
    try {
      platform.storm(20, 300); // the first 20 sends are refused, each told to wait 300 ms
      const result = await pass(t.db, '2026-11-27T09:00:00Z', [fakePlatformPort(platform.url)], {
        sleep: realSleep,
        concurrency: 8,
        observer: { rateLimited: (_p, ms) => (waited += ms) },
      });
      expect(result).toMatchObject({ claimed: 60, sent: 60, failed: 0, retrying: 0 });
    } finally {
      await platform.close();
    }
    expect(platform.tooMany()).toBeGreaterThanOrEqual(20);
    expect(waited).toBeGreaterThan(0);
    expect(platform.accepted).toHaveLength(60);
    expect(new Set(platform.accepted.map((m) => m.chat)).size).toBe(60);
    expect((await ledger(t.db)).every((row) => row.status === 'sent')).toBe(true);
  });
});
