import { describe, expect, it } from 'vitest';
import { engines, useTestDb } from '../support/db.ts';

/** Contracts of the smaller ports: RecipientStore, FeedbackStore, SubscriptionStore, ActionTokenStore, IngestLog. */

const at = (iso: string) => new Date(iso);
const ref = (externalId: string, platform = 'test') => ({ platform, externalId, kind: 'user' as const });
const grokking = { kind: 'topic' as const, value: 'grokking', label: 'Grokking' };

describe.each(engines)('small stores on %s', (engine) => {
  const t = useTestDb(engine);

  describe('recipients', () => {
    it('creates a recipient on first contact only, and never on a read', async () => {
      expect(await t.storage.recipients.find(ref('ann'))).toBeUndefined();
      const ann = await t.storage.recipients.ensure(ref('ann'));
      expect(await t.storage.recipients.ensure(ref('ann'))).toBe(ann);
      expect(await t.storage.recipients.find(ref('ann'))).toBe(ann);
      expect(await t.storage.recipients.find(ref('ann', 'other'))).toBeUndefined();
    });

    it('adds, lists (oldest first), counts and removes follows', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      const author = { kind: 'author' as const, value: 'ann lee', label: 'Ann Lee' };
      expect(await t.storage.recipients.follow(ann, grokking)).toBe(true);
      expect(await t.storage.recipients.follow(ann, { ...grokking, label: 'grokking again' })).toBe(false);
      expect(await t.storage.recipients.follow(ann, author)).toBe(true);
      expect(await t.storage.recipients.follows(ann)).toEqual([grokking, author]);
      expect(await t.storage.recipients.countFollows(ann)).toBe(2);
      expect(await t.storage.recipients.unfollow(ann, 'topic', 'grokking')).toEqual(grokking);
      expect(await t.storage.recipients.unfollow(ann, 'topic', 'grokking')).toBeUndefined();
      expect(await t.storage.recipients.follows(ann)).toEqual([author]);
    });

    it('remembers a recipient’s timezone', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      const bob = await t.storage.recipients.ensure(ref('bob'));
      expect(await t.storage.recipients.timezone(ann)).toBeUndefined();
      await t.storage.recipients.rememberTimezone(ann, 'Europe/Paris');
      await t.storage.recipients.rememberTimezone(ann, 'Asia/Tokyo');
      expect(await t.storage.recipients.timezone(ann)).toBe('Asia/Tokyo');
      expect(await t.storage.recipients.timezone(bob)).toBeUndefined();
      // It stays with the recipient when the chat moves.
      expect(await t.storage.recipients.move('test', 'ann', 'ann2')).toBe(true);
      expect(await t.storage.recipients.timezone(ann)).toBe('Asia/Tokyo');
    });

    it('moves a recipient to a new id with everything it has, merging away an empty newcomer', async () => {
      const group = await t.storage.recipients.ensure(ref('-100'));
      await t.storage.recipients.follow(group, grokking);
      await t.storage.subscriptions.subscribe(group, { sendTime: '08:00' }, at('2024-01-01T00:00:00Z'));
      const newcomer = await t.storage.recipients.ensure(ref('-200'));
      expect(await t.storage.recipients.move('test', '-100', '-200')).toBe(true);
      expect(await t.storage.recipients.find(ref('-200'))).toBe(group);
      expect(await t.storage.recipients.find(ref('-100'))).toBeUndefined();
      expect(newcomer).not.toBe(group);
      expect(await t.storage.recipients.follows(group)).toEqual([grokking]);
      expect(await t.storage.subscriptions.find(group)).toMatchObject({ sendTime: '08:00' });
      expect(await t.storage.recipients.move('test', '-100', '-300')).toBe(false);
    });
  });

  describe('feedback', () => {
    it('stores, replaces and clears votes', async () => {
      await t.storage.papers.store([
        { id: '2401.00001', title: 'One', source: 'hf' },
        { id: '2401.00002', title: 'Two', source: 'hf' },
      ]);
      const ann = await t.storage.recipients.ensure(ref('ann'));
      const bob = await t.storage.recipients.ensure(ref('bob'));
      await t.storage.feedback.setVote(ann, '2401.00001', 'up', at('2024-01-01T00:00:00Z'));
      await t.storage.feedback.setVote(ann, '2401.00002', 'up', at('2024-01-01T00:00:00Z'));
      await t.storage.feedback.setVote(ann, '2401.00002', 'down', at('2024-01-01T00:01:00Z'));
      await t.storage.feedback.setVote(bob, '2401.00001', 'down', at('2024-01-01T00:00:00Z'));
      expect(await t.storage.feedback.votesOn(ann, ['2401.00001', '2401.00002', '2401.00003'])).toEqual(
        new Map([
          ['2401.00001', 'up'],
          ['2401.00002', 'down'],
        ]),
      );
      await t.storage.feedback.setVote(ann, '2401.00001', null, at('2024-01-01T00:02:00Z'));
      expect(await t.storage.feedback.votesOn(ann, ['2401.00001', '2401.00002'])).toEqual(new Map([['2401.00002', 'down']]));
      expect(await t.storage.feedback.votesOn(ann, [])).toEqual(new Map());
    });
  });

  describe('subscriptions', () => {
    it('creates, changes, resumes and removes a subscription', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      expect(await t.storage.subscriptions.find(ann)).toBeUndefined();
      expect(await t.storage.subscriptions.update(ann, { sendTime: '07:00' }, at('2024-01-01T00:00:00Z'))).toBeUndefined();
      const { subscription, created } = await t.storage.subscriptions.subscribe(ann, { timezone: 'Europe/Paris' }, at('2024-01-01T00:00:00Z'));
      expect(created).toBe(true);
      expect(subscription).toEqual({
        id: expect.any(Number),
        recipientId: ann,
        sendTime: '09:00',
        timezone: 'Europe/Paris',
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        cadence: { kind: 'daily' },
        papersPerPost: 5,
        postWhenEmpty: false,
        status: 'active',
        pausedReason: null,
        claimedThrough: undefined,
      });
      expect(await t.storage.subscriptions.update(ann, { weekdays: [1, 3], papersPerPost: 3 }, at('2024-01-02T00:00:00Z'))).toMatchObject({
        weekdays: [1, 3],
        papersPerPost: 3,
        timezone: 'Europe/Paris',
      });
      const again = await t.storage.subscriptions.subscribe(ann, { postWhenEmpty: true }, at('2024-01-03T00:00:00Z'));
      expect(again).toEqual({ subscription: { ...subscription, weekdays: [1, 3], papersPerPost: 3, postWhenEmpty: true }, created: false });
      expect(await t.storage.subscriptions.unsubscribe(ann)).toBe(true);
      expect(await t.storage.subscriptions.unsubscribe(ann)).toBe(false);
    });

    it('switches between a daily and a weekly cadence, keeping the weekdays for daily', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      await t.storage.subscriptions.subscribe(ann, { weekdays: [1, 2, 3, 4, 5] }, at('2024-01-01T00:00:00Z'));
      expect(await t.storage.subscriptions.update(ann, { cadence: { kind: 'weekly', day: 5 } }, at('2024-01-02T00:00:00Z'))).toMatchObject({
        cadence: { kind: 'weekly', day: 5 },
        weekdays: [1, 2, 3, 4, 5],
      });
      expect((await t.storage.subscriptions.overview())[0]!.cadence).toEqual({ kind: 'weekly', day: 5 });
      expect(await t.storage.subscriptions.update(ann, { cadence: { kind: 'daily' } }, at('2024-01-03T00:00:00Z'))).toMatchObject({
        cadence: { kind: 'daily' },
        weekdays: [1, 2, 3, 4, 5],
      });
      const row = await t.db.selectFrom('subscriptions').select(['cadence', 'weekly_day']).executeTakeFirstOrThrow();
      expect(row).toEqual({ cadence: 'daily', weekly_day: null });
    });

    it('pauses an active subscription with a reason and resumes a paused one, each only once', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      expect(await t.storage.subscriptions.pause(ann, 'blocked the bot', at('2024-01-02T00:00:00Z'))).toBe(false);
      await t.storage.subscriptions.subscribe(ann, {}, at('2024-01-01T00:00:00Z'));
      expect(await t.storage.subscriptions.resume(ann, at('2024-01-02T00:00:00Z'))).toBe(false);
      expect(await t.storage.subscriptions.pause(ann, 'blocked the bot', at('2024-01-02T00:00:00Z'))).toBe(true);
      expect(await t.storage.subscriptions.pause(ann, 'again', at('2024-01-02T00:01:00Z'))).toBe(false);
      expect(await t.storage.subscriptions.find(ann)).toMatchObject({ status: 'paused', pausedReason: 'blocked the bot' });
      expect(await t.storage.subscriptions.resume(ann, at('2024-01-03T00:00:00Z'))).toBe(true);
      expect(await t.storage.subscriptions.resume(ann, at('2024-01-03T00:01:00Z'))).toBe(false);
      expect(await t.storage.subscriptions.find(ann)).toMatchObject({ status: 'active', pausedReason: null });
      // Both count as a change of settings: a post due before is not owed.
      expect((await t.storage.subscriptions.overview())[0]!.updatedAt).toEqual(at('2024-01-03T00:00:00Z'));
    });

    it('gives operators an overview by id, optionally by status', async () => {
      const ann = await t.storage.recipients.ensure(ref('ann'));
      const bob = await t.storage.recipients.ensure({ platform: 'other', externalId: 'c1', kind: 'channel' });
      await t.storage.subscriptions.subscribe(ann, {}, at('2024-01-01T00:00:00Z'));
      await t.storage.subscriptions.subscribe(bob, { sendTime: '18:30' }, at('2024-01-02T00:00:00Z'));
      const all = await t.storage.subscriptions.overview();
      expect(all).toEqual([
        {
          id: expect.any(Number),
          recipient: ref('ann'),
          sendTime: '09:00',
          timezone: 'UTC',
          weekdays: [1, 2, 3, 4, 5, 6, 7],
          cadence: { kind: 'daily' },
          status: 'active',
          pausedReason: null,
          updatedAt: at('2024-01-01T00:00:00Z'),
          claimedThrough: undefined,
        },
        expect.objectContaining({
          recipient: { platform: 'other', externalId: 'c1', kind: 'channel' },
          sendTime: '18:30',
          updatedAt: at('2024-01-02T00:00:00Z'),
        }),
      ]);
      expect(await t.storage.subscriptions.overview({ status: 'paused' })).toEqual([]);
      expect(await t.storage.subscriptions.overview({ status: 'active' })).toEqual(all);
    });
  });

  describe('action tokens', () => {
    it('keeps a payload under its token, the first one stored winning', async () => {
      expect(await t.storage.actionTokens.get('~abc')).toBeUndefined();
      await t.storage.actionTokens.put('~abc', 'page next search {"query":"grokking","page":2}');
      await t.storage.actionTokens.put('~abc', 'something else');
      expect(await t.storage.actionTokens.get('~abc')).toBe('page next search {"query":"grokking","page":2}');
    });
  });

  describe('ingest log', () => {
    it('records runs and reports the latest success and the totals of successful runs by source', async () => {
      expect(await t.storage.ingestLog.lastSuccess()).toBeUndefined();
      expect(await t.storage.ingestLog.totals()).toEqual([]);
      const run = { target: '2024-01-01', ok: true, skipped: 0, message: '' };
      await t.storage.ingestLog.record({ ...run, source: 'hf', stored: 10 });
      await t.storage.ingestLog.record({ ...run, source: 'arxiv', stored: 5 });
      await t.storage.ingestLog.record({ ...run, source: 'hf', stored: 7 });
      await t.storage.ingestLog.record({ ...run, source: 'import', ok: false, stored: 99, message: 'bad file' });

      const last = await t.storage.ingestLog.lastSuccess();
      expect(last).toMatchObject({ source: 'hf', finishedAt: expect.any(Date) });
      expect((await t.storage.ingestLog.lastSuccess(['arxiv']))?.source).toBe('arxiv');
      expect(await t.storage.ingestLog.lastSuccess(['import'])).toBeUndefined();
      expect(await t.storage.ingestLog.lastSuccess([])).toBeUndefined();

      const totals = await t.storage.ingestLog.totals();
      expect(totals.map(({ source, stored }) => ({ source, stored }))).toEqual([
        { source: 'arxiv', stored: 5 },
        { source: 'hf', stored: 17 },
      ]);
      expect(totals.every((row) => row.lastSuccessAt instanceof Date)).toBe(true);
    });
  });
});
