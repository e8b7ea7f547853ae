import { describe, expect, it } from 'vitest';
import { slotOf } from '../../src/core/schedule/due-slots.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of Storage itself: transactions and ping. */

const ref = (externalId: string) => ({ platform: 'test', externalId, kind: 'user' as const });
const slot = slotOf('UTC', '09:00', '2024-01-04');

describe.each(engines)('storage on %s', (engine) => {
  const t = useTestDb(engine);

  it('answers a ping', async () => {
    await expect(t.storage.ping()).resolves.toBeUndefined();
  });

  it('commits a transaction that resolves, with what it returned', async () => {
    const id = await t.storage.transaction(async (tx) => {
      const recipient = await tx.recipients.ensure(ref('ann'));
      await tx.recipients.follow(recipient, { kind: 'topic', value: 'grokking', label: 'grokking' });
      return recipient;
    });
    expect(await t.storage.recipients.find(ref('ann'))).toBe(id);
    expect(await t.storage.recipients.countFollows(id)).toBe(1);
  });

  it('rolls back every port of a transaction that throws, and rethrows', async () => {
    const kept = await t.storage.recipients.ensure(ref('kept'));
    const failure = new Error('something broke');
    await expect(
      t.storage.transaction(async (tx) => {
        const ann = await tx.recipients.ensure(ref('ann'));
        await tx.recipients.follow(kept, { kind: 'topic', value: 'grokking', label: 'grokking' });
        await tx.subscriptions.subscribe(ann, {}, new Date());
        await tx.actionTokens.put('~token', 'vote 2401.00001 up');
        expect(await tx.recipients.find(ref('ann'))).toBe(ann);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await t.storage.recipients.find(ref('ann'))).toBeUndefined();
    expect(await t.storage.recipients.countFollows(kept)).toBe(0);
    expect(await t.storage.actionTokens.get('~token')).toBeUndefined();
  });

  it('joins the outer transaction when nested: the outer one commits or rolls back everything', async () => {
    await expect(
      t.storage.transaction(async (tx) => {
        const inner = await tx.transaction(async (nested) => {
          expect(nested).toBe(tx);
          return nested.recipients.ensure(ref('inner'));
        });
        expect(await tx.recipients.find(ref('inner'))).toBe(inner);
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await t.storage.recipients.find(ref('inner'))).toBeUndefined();

    await t.storage.transaction((tx) => tx.transaction((nested) => nested.recipients.ensure(ref('both'))));
    expect(await t.storage.recipients.find(ref('both'))).toBeDefined();
  });

  it('refuses to lock or insert ledger claims outside a transaction', async () => {
    const ann = await t.storage.recipients.ensure(ref('ann'));
    const { subscription } = await t.storage.subscriptions.subscribe(ann, {}, new Date('2024-01-01T00:00:00Z'));
    await expect(t.storage.ledger.lockDue({ slots: [slot], platforms: undefined, limit: 10 })).rejects.toThrow(/lockDue must run inside Storage\.transaction/);
    const choice = {
      subscriptionId: subscription.id,
      recipientId: ann,
      localDate: slot.localDate,
      period: slot.localDate,
      cadence: 'daily' as const,
      dueAt: slot.dueAt,
      paperIds: [],
      reasons: [],
      empty: true,
    };
    const stamp = { workerId: 'w1', now: slot.dueAt, leaseUntil: slot.dueAt };
    await expect(t.storage.ledger.insert([choice], stamp)).rejects.toThrow(/insert must run inside Storage\.transaction/);
    // Nothing was claimed: inside a transaction the same calls work.
    const inserted = await t.storage.transaction(async (tx) => {
      const due = await tx.ledger.lockDue({ slots: [slot], platforms: undefined, limit: 10 });
      expect(due.map((d) => d.subscriptionId)).toEqual([subscription.id]);
      return tx.ledger.insert([choice], stamp);
    });
    expect(inserted).toEqual([{ id: expect.any(Number), subscriptionId: subscription.id, localDate: slot.localDate, status: 'empty' }]);
  });
});
