import { describe, expect, it } from 'vitest';
import { dueSlots } from '../../../src/core/schedule/due-slots.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, addSubscription, paper, pass, recordingPort } from '../../support/schedule.ts';

const MINUTE = 60_000;

describe('due slots', () => {
  const due = (sendTime: string, timezone: string, at: string, hours = 6) =>
    dueSlots([{ sendTime, timezone }], new Date(at), hours * 3_600_000).map((s) => [s.localDate, s.dueAt.toISOString()]);

  it('is due from the local send time on, up to the cut-off', () => {
    expect(due('09:00', 'Europe/Berlin', '2026-11-28T07:59:59Z')).toEqual([]);
    expect(due('09:00', 'Europe/Berlin', '2026-11-28T08:00:00Z')).toEqual([['2026-11-28', '2026-11-28T08:00:00.000Z']]);
    expect(due('09:00', 'Europe/Berlin', '2026-11-28T14:00:00Z')).toEqual([['2026-11-28', '2026-11-28T08:00:00.000Z']]);
    expect(due('09:00', 'Europe/Berlin', '2026-11-28T14:00:01Z')).toEqual([]);
  });

  it('finds a 23:50 post missed across midnight under yesterday’s local date', () => {
    expect(due('23:50', 'America/Los_Angeles', '2026-11-29T08:20:00Z')).toEqual([['2026-11-28', '2026-11-29T07:50:00.000Z']]);
  });

  it('handles a +05:30 zone', () => {
    expect(due('07:30', 'Asia/Kolkata', '2026-11-28T02:00:00Z')).toEqual([['2026-11-28', '2026-11-28T02:00:00.000Z']]);
    expect(due('07:30', 'Asia/Kolkata', '2026-11-28T01:59:00Z')).toEqual([]);
  });
});

/**
 * Runs a delivery pass every `step` minutes from `from` to `to` and returns when each post went
 * out (UTC) and for which local date.
 */
async function simulate(db: Parameters<typeof pass>[0], from: string, to: string, step = 10) {
  const port = recordingPort();
  const log: string[] = [];
  for (let at = Date.parse(from); at <= Date.parse(to); at += step * MINUTE) {
    const before = port.sent.length;
    await pass(db, new Date(at).toISOString(), [port], { catchUpHours: 0 });
    for (const post of port.sent.slice(before)) {
      log.push(`${new Date(at).toISOString().slice(0, 16)} ${post.target.externalId} ${post.answer.title.replace('Daily picks for ', '')}`);
    }
  }
  return log;
}

describe('one post per local day at the local send time, across DST', () => {
  const t = useTestDb('pglite');

  it('Europe/Berlin spring forward: 09:00 moves from 08:00 to 07:00 UTC, 02:30 (skipped) is sent at 03:30', async () => {
    await addPapers(t.db, [paper('2603.00001', '2026-03-27', { upvotes: 5 })]);
    await addSubscription(t.db, { externalId: 'nine', sendTime: '09:00', timezone: 'Europe/Berlin', postWhenEmpty: true });
    await addSubscription(t.db, { externalId: 'gap', sendTime: '02:30', timezone: 'Europe/Berlin', postWhenEmpty: true });
    expect(await simulate(t.db, '2026-03-28T00:00:00Z', '2026-03-30T08:00:00Z', 30)).toEqual([
      '2026-03-28T01:30 gap 2026-03-28',
      '2026-03-28T08:00 nine 2026-03-28',
      '2026-03-29T01:30 gap 2026-03-29', // 02:30 does not exist that night: 03:30 CEST
      '2026-03-29T07:00 nine 2026-03-29',
      '2026-03-30T00:30 gap 2026-03-30',
      '2026-03-30T07:00 nine 2026-03-30',
    ]);
  });

  it('Europe/Berlin fall back: 02:30 happens twice and is sent once, at the first', async () => {
    await addSubscription(t.db, { externalId: 'twice', sendTime: '02:30', timezone: 'Europe/Berlin', postWhenEmpty: true });
    expect(await simulate(t.db, '2026-10-24T23:00:00Z', '2026-10-26T03:00:00Z', 30)).toEqual([
      '2026-10-25T00:30 twice 2026-10-25', // 02:30 CEST; 02:30 CET an hour later is the same local date
      '2026-10-26T01:30 twice 2026-10-26',
    ]);
  });

  it('America/New_York across both changes', async () => {
    await addSubscription(t.db, { externalId: 'ny', sendTime: '09:00', timezone: 'America/New_York', postWhenEmpty: true });
    expect(await simulate(t.db, '2026-03-07T12:00:00Z', '2026-03-08T15:00:00Z', 30)).toEqual([
      '2026-03-07T14:00 ny 2026-03-07',
      '2026-03-08T13:00 ny 2026-03-08',
    ]);
    expect(await simulate(t.db, '2026-10-31T12:00:00Z', '2026-11-01T15:00:00Z', 30)).toEqual([
      '2026-10-31T13:00 ny 2026-10-31',
      '2026-11-01T14:00 ny 2026-11-01',
    ]);
  });

  it('Asia/Kolkata (+05:30) and a send time near midnight', async () => {
    await addSubscription(t.db, { externalId: 'kolkata', sendTime: '07:30', timezone: 'Asia/Kolkata', postWhenEmpty: true });
    await addSubscription(t.db, { externalId: 'late', sendTime: '23:50', timezone: 'Asia/Kolkata', postWhenEmpty: true });
    await addSubscription(t.db, { externalId: 'early', sendTime: '00:00', timezone: 'Asia/Kolkata', postWhenEmpty: true });
    expect(await simulate(t.db, '2026-11-27T18:00:00Z', '2026-11-28T18:30:00Z')).toEqual([
      '2026-11-27T18:20 late 2026-11-27',
      '2026-11-27T18:30 early 2026-11-28',
      '2026-11-28T02:00 kolkata 2026-11-28',
      '2026-11-28T18:20 late 2026-11-28',
      '2026-11-28T18:30 early 2026-11-29',
    ]);
  });

  it('posts only on the chosen weekdays', async () => {
    await addSubscription(t.db, { externalId: 'weekdays', sendTime: '09:00', timezone: 'UTC', weekdays: [1, 2, 3, 4, 5], postWhenEmpty: true });
    // 2026-11-27 is a Friday.
    expect(await simulate(t.db, '2026-11-27T08:00:00Z', '2026-11-30T10:00:00Z', 60)).toEqual([
      '2026-11-27T09:00 weekdays 2026-11-27',
      '2026-11-30T09:00 weekdays 2026-11-30',
    ]);
  });
});

describe.each(engines)('one weekly digest per local week, on its day at its local time, across DST, on %s', (engine) => {
  const t = useTestDb(engine);

  /** Passes every hour at half past, from `from` to `to`: when each post went out, to whom, titled how. */
  async function weeks(from: string, to: string) {
    const port = recordingPort();
    const log: string[] = [];
    for (let at = Date.parse(from); at <= Date.parse(to); at += 60 * MINUTE) {
      const before = port.sent.length;
      await pass(t.db, new Date(at).toISOString(), [port], { catchUpHours: 0 });
      for (const post of port.sent.slice(before)) log.push(`${new Date(at).toISOString().slice(0, 16)} ${post.target.externalId} ${post.answer.title}`);
    }
    return log;
  }

  it('Europe/Berlin spring forward: Sunday 02:30 (skipped that night) goes out at 03:30, Monday 09:30 an hour earlier in UTC', async () => {
    await addSubscription(t.db, { externalId: 'sunday', sendTime: '02:30', timezone: 'Europe/Berlin', weeklyDay: 7, postWhenEmpty: true });
    await addSubscription(t.db, { externalId: 'monday', sendTime: '09:30', timezone: 'Europe/Berlin', weeklyDay: 1, postWhenEmpty: true });
    expect(await weeks('2026-03-21T00:30:00Z', '2026-04-05T23:30:00Z')).toEqual([
      '2026-03-22T01:30 sunday Weekly picks for the week to 2026-03-22',
      '2026-03-23T08:30 monday Weekly picks for the week to 2026-03-23',
      '2026-03-29T01:30 sunday Weekly picks for the week to 2026-03-29', // 02:30 does not exist that night: 03:30 CEST
      '2026-03-30T07:30 monday Weekly picks for the week to 2026-03-30',
      '2026-04-05T00:30 sunday Weekly picks for the week to 2026-04-05',
    ]);
  });

  it('Europe/Berlin fall back: Sunday 02:30 happens twice and is sent once, at the first; America/New_York across the change', async () => {
    await addSubscription(t.db, { externalId: 'twice', sendTime: '02:30', timezone: 'Europe/Berlin', weeklyDay: 7, postWhenEmpty: true });
    await addSubscription(t.db, { externalId: 'ny', sendTime: '08:30', timezone: 'America/New_York', weeklyDay: 1, postWhenEmpty: true });
    expect(await weeks('2026-10-24T00:30:00Z', '2026-11-09T23:30:00Z')).toEqual([
      '2026-10-25T00:30 twice Weekly picks for the week to 2026-10-25', // 02:30 CEST; 02:30 CET an hour later is the same week
      '2026-10-26T12:30 ny Weekly picks for the week to 2026-10-26',
      '2026-11-01T01:30 twice Weekly picks for the week to 2026-11-01',
      '2026-11-02T13:30 ny Weekly picks for the week to 2026-11-02', // New York left summer time on 2026-11-01
      '2026-11-08T01:30 twice Weekly picks for the week to 2026-11-08',
      '2026-11-09T13:30 ny Weekly picks for the week to 2026-11-09',
    ]);
  });
});
