import { describe, expect, it } from 'vitest';
import { parseTimeOfDay, parseWeekdays } from '../../src/core/commands/subscribe.ts';
import { asChannel, asUser, testCore } from '../support/core.ts';
import { useTestDb } from '../support/db.ts';

describe('subscribe, unsubscribe and settings', () => {
  const t = useTestDb('pglite');

  it('subscribes a user at 09:00 UTC by default and says when the next post comes', async () => {
    const answer = await testCore(t.db, '2026-11-27T10:00:00Z').run('/papers subscribe', asUser());
    expect(answer.notice).toMatchObject({ tone: 'success' });
    expect(answer.notice?.text).toContain('09:00 (UTC)');
    expect(answer.lines).toContain('Next post: 2026-11-28 09:00 (UTC)');
  });

  it('takes a local time and an IANA timezone, in any case', async () => {
    const answer = await testCore(t.db, '2026-11-27T10:00:00Z').run('subscribe 7:30 asia/kolkata', asUser());
    expect(answer.lines).toContain('Time: 07:30 Asia/Kolkata, every day');
  });

  it('keeps the timezone given once when only the time changes', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    await core.run('subscribe 08:00 Europe/Berlin', asUser());
    const answer = await core.run('subscribe 18:00', asUser());
    expect(answer.lines).toContain('Time: 18:00 Europe/Berlin, every day');
  });

  it('rejects bogus times and timezones with a specific message', async () => {
    const core = testCore(t.db);
    expect((await core.run('subscribe 25:00', asUser())).notice?.text).toContain('not a time of day');
    expect((await core.run('subscribe 09:00 Europe/Berln', asUser())).notice?.text).toContain('Did you mean Europe/Berlin');
    expect((await core.run('subscribe 09:00 +05:30', asUser())).notice?.text).toContain('not an IANA timezone');
  });

  it('lets only managers change a channel subscription', async () => {
    const core = testCore(t.db);
    const refused = await core.run('subscribe', asChannel('c1', false));
    expect(refused.notice?.text).toContain('Only people who can manage this channel');
    expect(await t.db.selectFrom('subscriptions').selectAll().execute()).toEqual([]);
    expect((await core.run('subscribe', asChannel('c1', true))).notice?.tone).toBe('success');
    expect((await core.run('unsubscribe', asChannel('c1', false))).notice?.text).toContain('Only people');
    expect((await core.run('unsubscribe', asChannel('c1', true))).notice?.tone).toBe('success');
  });

  it('changes settings and shows them', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    expect((await core.run('settings', asUser())).notice?.text).toContain('no daily digest');
    await core.run('subscribe', asUser());
    await core.run('settings days mon-fri', asUser());
    await core.run('settings papers 8', asUser());
    await core.run('settings empty on', asUser());
    const shown = await core.run('settings', asUser());
    expect(shown.lines).toEqual([
      'Time: 09:00 UTC, on weekdays',
      'Papers per post: 8',
      'Post when nothing new matched: yes',
      'Next post: 2026-11-30 09:00 (UTC)',
    ]);
    expect((await core.run('settings papers 11', asUser())).notice?.text).toBe('At most 10 papers per post.');
    expect((await core.run('settings colour blue', asUser())).notice?.text).toContain('Settings:');
  });

  it('says so when unsubscribing without a subscription', async () => {
    expect((await testCore(t.db).run('unsubscribe', asUser())).notice?.text).toContain('no daily digest');
  });
});

describe('parsing times and days', () => {
  it.each([
    ['09:00', '09:00'],
    ['9:05', '09:05'],
    ['9am', '09:00'],
    ['12am', '00:00'],
    ['6:30pm', '18:30'],
    ['9', undefined],
    ['24:00', undefined],
    ['13pm', undefined],
  ])('%s → %s', (text, expected) => expect(parseTimeOfDay(text)).toBe(expected));

  it('reads day lists', () => {
    expect(parseWeekdays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays('sun, wed')).toEqual([3, 7]);
    expect(parseWeekdays('someday')).toBeUndefined();
  });
});
