import { describe, expect, it } from 'vitest';
import type { Reason } from '../../src/core/answer.ts';
import type { DueSlot, PlatformFilter, ResumePoints } from '../../src/core/ports/delivery-ledger.ts';
import type { Storage } from '../../src/core/ports/storage.ts';
import { slotOf } from '../../src/core/schedule/due-slots.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of DeliveryLedger (and of the ledger side of SubscriptionStore.overview). */

const at = (iso: string) => new Date(iso);
const slot = (localDate: string, sendTime = '09:00'): DueSlot => slotOf('UTC', sendTime, localDate);
const papers = ['2401.00001', '2401.00002', '2401.00003'].map((id) => ({ id, title: `Paper ${id}`, source: 'hf' as const, featuredOn: '2024-01-04' }));
const reasons: Reason[][] = [
  [{ kind: 'follow', follow: 'author:Ann Lee' }, { kind: 'liked' }],
  [{ kind: 'top', day: null }],
  [{ kind: 'top', day: '2024-01-03' }],
];

/** A subscriber on `platform` (daily at `sendTime` UTC, settings from 2024-01-01). */
async function subscriber(storage: Storage, externalId: string, platform = 'test', sendTime = '09:00') {
  const recipient = await storage.recipients.ensure({ platform, externalId, kind: 'user' });
  const { subscription } = await storage.subscriptions.subscribe(recipient, { sendTime }, at('2024-01-01T00:00:00Z'));
  return { recipient, subscription };
}

/** Locks what is due in `slots` and claims it with the three papers, as worker `workerId`. */
async function claim(storage: Storage, slots: DueSlot[], workerId = 'w1', options: { platforms?: PlatformFilter; limit?: number; resume?: ResumePoints } = {}) {
  return storage.transaction(async (tx) => {
    const due = await tx.ledger.lockDue({
      slots,
      platforms: options.platforms,
      limit: options.limit ?? 10,
      ...(options.resume ? { resume: options.resume } : {}),
    });
    const inserted = await tx.ledger.insert(
      due.map((d) => ({
        subscriptionId: d.subscriptionId,
        recipientId: d.recipientId,
        localDate: d.localDate,
        period: d.period,
        cadence: d.cadence,
        dueAt: d.dueAt,
        paperIds: papers.map((p) => p.id),
        reasons,
        empty: false,
      })),
      { workerId, now: due[0]?.dueAt ?? at('2024-01-04T09:00:00Z'), leaseUntil: at('2024-01-04T09:10:00Z') },
    );
    return { due, inserted };
  });
}

describe.each(engines)('delivery ledger on %s', (engine) => {
  const t = useTestDb(engine);
  const ledger = () => t.storage.ledger;

  it('claims a due subscription once, with its recipient, papers and structured reasons', async () => {
    await t.storage.papers.store(papers);
    const ann = await subscriber(t.storage, 'ann');
    expect(await ledger().activeSchedules()).toEqual([{ timezone: 'UTC', sendTime: '09:00' }]);
    expect(await ledger().countDueByPlatform([slot('2024-01-04')])).toEqual(new Map([['test', 1]]));

    const { due, inserted } = await claim(t.storage, [slot('2024-01-03'), slot('2024-01-04')]);
    // Due in two slots, claimed for the later date.
    expect(due).toEqual([
      {
        subscriptionId: ann.subscription.id,
        recipientId: ann.recipient,
        recipient: { platform: 'test', externalId: 'ann', kind: 'user' },
        localDate: '2024-01-04',
        period: '2024-01-04',
        cadence: 'daily',
        dueAt: at('2024-01-04T09:00:00Z'),
        papersPerPost: 5,
        postWhenEmpty: false,
      },
    ]);
    expect(inserted).toEqual([{ id: expect.any(Number), subscriptionId: ann.subscription.id, localDate: '2024-01-04', status: 'claimed' }]);
    expect(await ledger().countDueByPlatform([slot('2024-01-04')])).toEqual(new Map());
    expect((await claim(t.storage, [slot('2024-01-04')])).due).toEqual([]);
    // A second insert of the same (subscription, date) inserts nothing.
    const again = await t.storage.transaction((tx) =>
      tx.ledger.insert(
        [
          {
            subscriptionId: ann.subscription.id,
            recipientId: ann.recipient,
            localDate: '2024-01-04',
            period: '2024-01-04',
            cadence: 'daily',
            dueAt: at('2024-01-04T09:00:00Z'),
            paperIds: [],
            reasons: [],
            empty: true,
          },
        ],
        {
          workerId: 'w2',
          now: at('2024-01-04T09:01:00Z'),
          leaseUntil: at('2024-01-04T09:11:00Z'),
        },
      ),
    );
    expect(again).toEqual([]);

    const [loaded] = await ledger().load([inserted[0]!.id]);
    expect(loaded).toEqual({
      id: inserted[0]!.id,
      subscriptionId: ann.subscription.id,
      recipientId: ann.recipient,
      recipient: { platform: 'test', externalId: 'ann', kind: 'user' },
      localDate: '2024-01-04',
      cadence: 'daily',
      dueAt: at('2024-01-04T09:00:00Z'),
      paperIds: papers.map((p) => p.id),
      reasons,
      attempts: 0,
      lastError: null,
    });
    expect(await ledger().countOpen()).toEqual({ claimed: 1, sending: 0, retrying: 0 });
  });

  it('moves a row through sending to sent, only for the worker that owns it', async () => {
    const ann = await subscriber(t.storage, 'ann');
    const [row] = (await claim(t.storage, [slot('2024-01-04')])).inserted;
    const id = row!.id;
    expect(await ledger().markSending(id, 'w2', at('2024-01-04T09:20:00Z'))).toBe(false);
    expect(await ledger().markSending(id, 'w1', at('2024-01-04T09:20:00Z'))).toBe(true);
    expect(await ledger().countOpen()).toEqual({ claimed: 0, sending: 1, retrying: 0 });
    expect(await ledger().recordSent(id, 'w2', at('2024-01-04T09:01:00Z'))).toBe(false);
    expect(await ledger().recordSent(id, 'w1', at('2024-01-04T09:01:00Z'))).toBe(true);
    expect(await ledger().countOpen()).toEqual({ claimed: 0, sending: 0, retrying: 0 });

    const [overview] = await t.storage.subscriptions.overview();
    expect(overview).toMatchObject({
      id: ann.subscription.id,
      updatedAt: at('2024-01-01T00:00:00Z'),
      claimedThrough: '2024-01-04',
      last: { localDate: '2024-01-04', status: 'sent', sentAt: at('2024-01-04T09:01:00Z'), attempts: 1, papers: 3 },
    });
  });

  it('returns the papers of a gone recipient to the pool and pauses its subscription', async () => {
    await t.storage.papers.store(papers);
    const ann = await subscriber(t.storage, 'ann');
    const [row] = (await claim(t.storage, [slot('2024-01-04')])).inserted;
    const pairs = papers.map((p) => ({ recipient: ann.recipient, paperId: p.id }));
    expect((await t.storage.ranking.deliveredAmong(pairs)).size).toBe(3);
    await ledger().markSending(row!.id, 'w1', at('2024-01-04T09:20:00Z'));
    expect(await ledger().recordGone(row!.id, 'w1', 'bot was blocked', at('2024-01-04T09:02:00Z'))).toBe(true);
    expect(await t.storage.ranking.deliveredAmong(pairs)).toEqual(new Set());
    expect(await t.storage.subscriptions.find(ann.recipient)).toMatchObject({ status: 'paused', pausedReason: 'bot was blocked' });
    expect(await ledger().activeSchedules()).toEqual([]);
  });

  it('forgets what was sent to a recipient that is deleted (a group that migrated onto a chat it already knew)', async () => {
    await t.storage.papers.store(papers);
    const old = await subscriber(t.storage, 'group');
    const clash = await subscriber(t.storage, 'supergroup');
    await claim(t.storage, [slot('2024-01-04')]);
    const sent = (recipient: number) => t.db.selectFrom('delivered_papers').select('paper_id').where('recipient_id', '=', recipient).execute();
    expect(await sent(clash.recipient)).toHaveLength(3);

    expect(await t.storage.recipients.move('test', 'group', 'supergroup')).toBe(true);
    expect(await sent(clash.recipient)).toEqual([]);
    expect(await sent(old.recipient)).toHaveLength(3);
  });

  it('retries a failed row, takes over an abandoned one, and gives up past the cut-off', async () => {
    const ann = await subscriber(t.storage, 'ann');
    const bob = await subscriber(t.storage, 'bob', 'other');
    const { inserted } = await claim(t.storage, [slot('2024-01-04')]);
    const [annRow, bobRow] = [ann, bob].map((s) => inserted.find((row) => row.subscriptionId === s.subscription.id)?.id);
    await ledger().markSending(annRow!, 'w1', at('2024-01-04T09:20:00Z'));
    expect(await ledger().recordFailed(annRow!, 'w1', { reason: 'timeout', retryAt: at('2024-01-04T09:05:00Z') })).toBe(true);
    expect(await ledger().countOpen()).toEqual({ claimed: 1, sending: 0, retrying: 1 });

    const stamp = { workerId: 'w2', now: at('2024-01-04T09:15:00Z'), leaseUntil: at('2024-01-04T09:25:00Z') };
    const options = { ...stamp, cutoffMs: 3_600_000, limit: 10, maxAttempts: 3 };
    // Only the platforms asked for.
    expect(await ledger().takeOver({ ...options, platforms: ['test'] })).toEqual([{ id: annRow, previous: 'failed' }]);
    expect(await ledger().takeOver({ ...options, platforms: undefined })).toEqual([{ id: bobRow, previous: 'claimed' }]);
    expect(await ledger().takeOver({ ...options, platforms: undefined })).toEqual([]);
    await ledger().renewLeases('w2', [annRow!, bobRow!], at('2024-01-04T09:40:00Z'));
    await ledger().releaseClaims('w2', [bobRow!], at('2024-01-04T09:16:00Z'));

    const expired = await ledger().expireStale({ now: at('2024-01-04T11:00:00Z'), cutoffMs: 3_600_000 });
    expect(expired.sort((a, b) => a.id - b.id)).toEqual([
      { id: annRow, platform: 'test' },
      { id: bobRow, platform: 'other' },
    ]);
    expect(await ledger().countOpen()).toEqual({ claimed: 0, sending: 0, retrying: 0 });
    const loaded = await ledger().load([annRow!, bobRow!]);
    expect(loaded.map((row) => row.lastError)).toEqual(['timeout; gave up past the catch-up cut-off', 'gave up past the catch-up cut-off']);
  });

  it('claims in batches that resume where the last one stopped, and only for the platforms asked', async () => {
    for (const name of ['a', 'b', 'c']) await subscriber(t.storage, name);
    await subscriber(t.storage, 'd', 'other');
    const resume: ResumePoints = new Map();
    const first = await claim(t.storage, [slot('2024-01-04')], 'w1', { platforms: ['test'], limit: 2, resume });
    const second = await claim(t.storage, [slot('2024-01-04')], 'w1', { platforms: ['test'], limit: 2, resume });
    expect(first.due.map((d) => d.recipient.externalId)).toEqual(['a', 'b']);
    expect(second.due.map((d) => d.recipient.externalId)).toEqual(['c']);
    expect(await ledger().countDueByPlatform([slot('2024-01-04')])).toEqual(new Map([['other', 1]]));
  });

  it('one rule says what is due: lockDue, countDueByPlatform and dueSubscriptions agree', async () => {
    const due = await subscriber(t.storage, 'due');
    // Settings changed at 09:30, after the 09:00 post was due: today's post is not owed.
    const changed = await subscriber(t.storage, 'changed');
    await t.storage.subscriptions.update(changed.recipient, { papersPerPost: 3 }, at('2024-01-04T09:30:00Z'));
    // Not on Thursdays (2024-01-04).
    const weekend = await subscriber(t.storage, 'weekend');
    await t.storage.subscriptions.update(weekend.recipient, { weekdays: [6, 7] }, at('2024-01-01T00:00:00Z'));
    // Paused.
    const paused = await subscriber(t.storage, 'paused');
    await t.db.updateTable('subscriptions').set({ status: 'paused' }).where('id', '=', paused.subscription.id).execute();
    const slots = [slot('2024-01-03'), slot('2024-01-04')];

    expect(await ledger().dueSubscriptions(slots)).toEqual(new Map([[due.subscription.id, '2024-01-04']]));
    expect(await ledger().dueSubscriptions(slots, [changed.subscription.id, weekend.subscription.id])).toEqual(new Map());
    expect(await ledger().countDueByPlatform(slots)).toEqual(new Map([['test', 1]]));
    expect((await claim(t.storage, slots)).due.map((d) => d.recipient.externalId)).toEqual(['due']);
    expect(await ledger().dueSubscriptions(slots)).toEqual(new Map());
    expect(await ledger().dueSubscriptions([])).toEqual(new Map());
  });

  it('claims a weekly digest on its day, once per week (its period is the week’s Monday), whatever day or cadence it had before', async () => {
    // Thursday 2024-01-04 is in the week of Monday 2024-01-01.
    const weekly = await subscriber(t.storage, 'weekly');
    await t.storage.subscriptions.update(weekly.recipient, { cadence: { kind: 'weekly', day: 4 } }, at('2024-01-01T00:00:00Z'));
    // Daily through Wednesday, then weekly on Friday from Wednesday evening: its first weekly digest comes the week after.
    const switched = await subscriber(t.storage, 'switched');
    expect(await ledger().dueSubscriptions([slot('2024-01-02')])).toEqual(new Map([[switched.subscription.id, '2024-01-02']]));
    expect((await claim(t.storage, [slot('2024-01-03')])).due.map((d) => [d.recipient.externalId, d.period, d.cadence])).toEqual([
      ['switched', '2024-01-03', 'daily'],
    ]);
    await t.storage.subscriptions.update(switched.recipient, { cadence: { kind: 'weekly', day: 5 } }, at('2024-01-03T20:00:00Z'));

    const thursday = await claim(t.storage, [slot('2024-01-03'), slot('2024-01-04')]);
    expect(thursday.due.map((d) => [d.recipient.externalId, d.localDate, d.period, d.cadence])).toEqual([['weekly', '2024-01-04', '2024-01-01', 'weekly']]);
    expect(thursday.inserted).toHaveLength(1);
    // Moved to Friday after Thursday's digest: nothing more this week, for either of them.
    await t.storage.subscriptions.update(weekly.recipient, { cadence: { kind: 'weekly', day: 5 } }, at('2024-01-04T10:00:00Z'));
    expect(await ledger().dueSubscriptions([slot('2024-01-05')])).toEqual(new Map());
    expect((await claim(t.storage, [slot('2024-01-05')])).due).toEqual([]);
    // Not on the other days of the next week; both on its Friday, for the week of 2024-01-08.
    expect(await ledger().dueSubscriptions(['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-13', '2024-01-14'].map((d) => slot(d)))).toEqual(
      new Map(),
    );
    expect(await ledger().countDueByPlatform([slot('2024-01-12')])).toEqual(new Map([['test', 2]]));
    const friday = await claim(t.storage, [slot('2024-01-11'), slot('2024-01-12')]);
    expect(friday.due.map((d) => [d.recipient.externalId, d.localDate, d.period])).toEqual([
      ['weekly', '2024-01-12', '2024-01-08'],
      ['switched', '2024-01-12', '2024-01-08'],
    ]);
    // A second claim of the same week inserts nothing, even for another day of it.
    const again = await t.storage.transaction((tx) =>
      tx.ledger.insert([{ ...friday.due[0]!, localDate: '2024-01-13', paperIds: [], reasons: [], empty: true }], {
        workerId: 'w2',
        now: at('2024-01-13T09:00:00Z'),
        leaseUntil: at('2024-01-13T09:10:00Z'),
      }),
    );
    expect(again).toEqual([]);
    const [loaded] = await ledger().load([friday.inserted[0]!.id]);
    expect(loaded).toMatchObject({ localDate: '2024-01-12', cadence: 'weekly' });
  });

  it('a filter may name some recipients of a platform: lockDue, takeOver and countDueByPlatform touch only those', async () => {
    const alice = await subscriber(t.storage, 'alice', 'terminal');
    await subscriber(t.storage, 'eve', 'terminal');
    await subscriber(t.storage, 'ann', 'test');
    const onlyAlice: PlatformFilter = [{ platform: 'terminal', externalIds: ['alice'] }];
    const slots = [slot('2024-01-04')];
    expect(await ledger().countDueByPlatform(slots, onlyAlice)).toEqual(new Map([['terminal', 1]]));
    expect(await ledger().countDueByPlatform(slots, [...onlyAlice, 'test'])).toEqual(
      new Map([
        ['terminal', 1],
        ['test', 1],
      ]),
    );
    expect(await ledger().countDueByPlatform(slots)).toEqual(
      new Map([
        ['terminal', 2],
        ['test', 1],
      ]),
    );

    const { due, inserted } = await claim(t.storage, slots, 'w1', { platforms: onlyAlice });
    expect(due.map((d) => d.recipient.externalId)).toEqual(['alice']);
    expect(await ledger().countDueByPlatform(slots)).toEqual(
      new Map([
        ['terminal', 1],
        ['test', 1],
      ]),
    );
    // Eve's row, claimed by a worker that reaches everyone and then stopped: alice's worker leaves it.
    const eveRow = (await claim(t.storage, slots, 'w2', { platforms: ['terminal'] })).inserted[0]!.id;
    const stamp = { workerId: 'w3', now: at('2024-01-04T09:15:00Z'), leaseUntil: at('2024-01-04T09:25:00Z') };
    const options = { ...stamp, cutoffMs: 3_600_000, limit: 10, maxAttempts: 3 };
    expect(await ledger().takeOver({ ...options, platforms: onlyAlice })).toEqual([{ id: inserted[0]!.id, previous: 'claimed' }]);
    expect(await ledger().takeOver({ ...options, platforms: [{ platform: 'terminal', externalIds: ['eve'] }] })).toEqual([{ id: eveRow, previous: 'claimed' }]);
    expect(alice.subscription.status).toBe('active');
  });
});
