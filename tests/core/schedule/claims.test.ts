import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { claimDueDeliveries } from '../../../src/core/schedule/claim-deliveries.ts';
import type { Database } from '../../../src/db/schema.ts';
import { createStorage } from '../../../src/db/storage.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, addSubscription, paper, secondHandle } from '../../support/schedule.ts';

const HOUR = 3_600_000;

function claimAt(db: Kysely<Database>, at: string, limit: number) {
  const now = new Date(at);
  return claimDueDeliveries(createStorage(db), {
    platforms: ['test'],
    workerId: 'w',
    now,
    leaseUntil: new Date(now.getTime() + 60_000),
    cutoffMs: 6 * HOUR,
    limit,
  });
}

describe.each(engines)('claiming in batches on %s', (engine) => {
  const t = useTestDb(engine);

  it('claims every due subscription once, batch after batch, including one that subscribed mid-pass', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27'), paper('2611.00002', '2026-11-28')]);
    for (const id of ['a', 'b', 'c']) await addSubscription(t.db, { externalId: id });
    expect((await claimAt(t.db, '2026-11-27T09:00:00Z', 10)).claims).toHaveLength(3);
    // Next day, one at a time; a fourth subscriber (never claimed, so first in the index) joins midway.
    const claimed: number[] = [];
    claimed.push(...(await claimAt(t.db, '2026-11-28T09:00:00Z', 1)).claims.map((c) => c.subscriptionId));
    await addSubscription(t.db, { externalId: 'd', at: '2026-11-28T08:00:00Z' });
    for (let i = 0; i < 5; i++) claimed.push(...(await claimAt(t.db, '2026-11-28T09:00:00Z', 1)).claims.map((c) => c.subscriptionId));
    expect(claimed.sort()).toEqual([1, 2, 3, 4]);
    const rows = await t.db.selectFrom('subscriptions').select(['id', 'claimed_through']).orderBy('id').execute();
    expect(rows.map((r) => r.claimed_through)).toEqual(['2026-11-28', '2026-11-28', '2026-11-28', '2026-11-28']);
  });

  it.runIf(engine === 'postgres')('does not miss a subscription another transaction held while it scanned past it', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27')]);
    for (const id of ['a', 'b', 'c']) await addSubscription(t.db, { externalId: id });
    const other = await secondHandle(t.handle);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      // Another instance locks subscription 1 and then rolls back (it crashed mid-claim).
      const holder = other.db
        .transaction()
        .execute(async (trx) => {
          await sql`select id from subscriptions where id = 1 for update`.execute(trx);
          locked();
          await held;
          throw new Error('rolled back');
        })
        .catch(() => {});
      await isLocked;
      const first = await claimAt(t.db, '2026-11-27T09:00:00Z', 10);
      expect(first.claims.map((c) => c.subscriptionId).sort()).toEqual([2, 3]);
      release();
      await holder;
      const second = await claimAt(t.db, '2026-11-27T09:01:00Z', 10);
      expect(second.claims.map((c) => c.subscriptionId)).toEqual([1]);
    } finally {
      await other.close();
    }
  });
});
