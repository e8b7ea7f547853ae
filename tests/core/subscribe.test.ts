import { describe, expect, it } from 'vitest';
import { parseCadence, parseTimeOfDay, parseWeekdays, settingsCommand } from '../../src/core/commands/subscribe.ts';
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

  it('remembers the timezone given once, across unsubscribe and subscribe', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    await core.run('subscribe 08:00 Europe/Berlin', asUser());
    await core.run('unsubscribe', asUser());
    expect((await core.run('subscribe', asUser())).lines).toContain('Time: 09:00 Europe/Berlin, every day');
    // A timezone given in settings is remembered as well.
    await core.run('settings timezone Asia/Tokyo', asUser());
    await core.run('unsubscribe', asUser());
    expect((await core.run('subscribe 7:00', asUser())).lines).toContain('Time: 07:00 Asia/Tokyo, every day');
    // Someone else still starts from UTC.
    expect((await core.run('subscribe', asUser('u2'))).lines).toContain('Time: 09:00 UTC, every day');
  });

  it('keeps IANA’s spelling of zone names', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    expect((await core.run('subscribe 08:00 etc/gmt-2', asUser())).lines).toContain('Time: 08:00 Etc/GMT-2, every day');
    // Node 20 names the zone behind the US/Eastern link; newer runtimes keep the link's own name.
    expect((await core.run('subscribe 08:00 us/eastern', asUser())).lines[0]).toMatch(/^Time: 08:00 (US\/Eastern|America\/New_York), every day$/);
  });

  it('suggests the zone for a UTC offset rather than UTC itself', async () => {
    const core = testCore(t.db);
    const plusTwo = (await core.run('subscribe 08:00 UTC+2', asUser())).notice?.text ?? '';
    expect(plusTwo).toContain('Etc/GMT-2');
    expect(plusTwo).not.toMatch(/Did you mean UTC/);
    expect((await core.run('subscribe 08:00 GMT-5', asUser())).notice?.text).toContain('Etc/GMT+5');
    expect((await core.run('subscribe 08:00 +05:30', asUser())).notice?.text).toContain('Asia/Kolkata');
    expect(await t.db.selectFrom('subscriptions').selectAll().execute()).toEqual([]);
  });

  it('takes a bare hour', async () => {
    const answer = await testCore(t.db, '2026-11-27T10:00:00Z').run('subscribe 9', asUser());
    expect(answer.lines).toContain('Time: 09:00 UTC, every day');
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
    expect(refused.notice?.text).toContain('Only people who can manage this chat can change');
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
    expect((await core.run('settings papers 11', asUser())).notice?.text).toContain('At most 10 papers per post.');
    expect((await core.run('settings colour blue', asUser())).notice?.text).toContain('“colour”');
  });

  it('changes several settings in one command, as the README shows', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    await core.run('subscribe', asUser());
    const saved = await core.run('settings time 18:30, timezone Europe/Berlin', asUser());
    expect(saved.notice).toMatchObject({ tone: 'success' });
    expect(saved.lines[0]).toBe('Time: 18:30 Europe/Berlin, every day');
    // Day lists keep their own commas.
    const more = await core.run('settings days mon, wed, fri, papers 3, empty on', asUser());
    expect(more.lines.slice(0, 3)).toEqual(['Time: 18:30 Europe/Berlin, on mon, wed, fri', 'Papers per post: 3', 'Post when nothing new matched: yes']);
    // Structured input still sends one setting.
    const one = await core.execute('settings', { setting: 'time', value: '07:15' }, asUser());
    expect(one.lines[0]).toBe('Time: 07:15 Europe/Berlin, on mon, wed, fri');
  });

  it('checks every part of a settings command, names the one that is wrong, and then changes nothing', async () => {
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    await core.run('subscribe', asUser());
    const cases: [string, string][] = [
      ['time 18:30, timezone Europe/Berln', 'timezone'],
      ['time 25:00, papers 3', 'time'],
      ['time 18:30, papers 30', 'papers'],
      ['time 18:30, days someday', 'days'],
      ['papers 3, empty maybe', 'empty'],
      ['time 18:30, colour blue', 'colour'],
    ];
    for (const [text, named] of cases) {
      const answer = await core.run(`settings ${text}`, asUser());
      expect(answer.notice?.tone, text).toBe('error');
      expect(answer.notice?.text, text).toContain(named);
    }
    expect((await core.run('settings time 9:00, time 10:00', asUser())).notice?.text).toContain('twice');
    expect((await core.run('settings', asUser())).lines[0]).toBe('Time: 09:00 UTC, every day');
  });

  it('switches to a weekly digest on one day and back, keeping the daily weekdays', async () => {
    // Friday 2026-11-27, 10:00 UTC.
    const core = testCore(t.db, '2026-11-27T10:00:00Z');
    await core.run('subscribe', asUser());
    await core.run('settings days mon-fri', asUser());
    const weekly = await core.run('settings cadence weekly mon, time 08:00', asUser());
    expect(weekly.notice).toMatchObject({ tone: 'success' });
    expect(weekly.lines[0]).toBe('Time: 08:00 UTC, weekly on mon (the best of the week)');
    expect(weekly.lines).toContain('Next post: 2026-11-30 08:00 (UTC)');
    expect((await core.run('subscribe 07:00', asUser())).notice?.text).toBe('Updated: weekly picks (weekly on mon) for you at 07:00 (UTC).');
    // Structured input (Discord) sends the same words.
    expect((await core.execute('settings', { setting: 'cadence', value: 'Weekly on Sunday' }, asUser())).lines[0]).toBe(
      'Time: 07:00 UTC, weekly on sun (the best of the week)',
    );
    expect((await core.run('settings cadence weekly', asUser())).notice).toMatchObject({ tone: 'error', text: expect.stringContaining('`weekly mon`') });
    expect((await core.run('settings cadence daily', asUser())).lines[0]).toBe('Time: 07:00 UTC, on weekdays');
  });

  it('says when a weekly digest comes next when its week already had a digest', async () => {
    const core = testCore(t.db, '2026-11-25T10:00:00Z');
    await core.run('subscribe 09:00', asUser());
    // Wednesday's daily digest went out; weekly on Friday from now on: the first one is next week's.
    await t.db.updateTable('subscriptions').set({ claimed_through: '2026-11-25' }).execute();
    expect((await core.run('settings cadence weekly fri', asUser())).lines).toContain('Next post: 2026-12-04 09:00 (UTC)');
    expect((await core.run('settings cadence weekly sat', asUser())).lines).toContain('Next post: 2026-12-05 09:00 (UTC)');
    expect((await core.run('settings cadence daily', asUser())).lines).toContain('Next post: 2026-11-26 09:00 (UTC)');
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
    ['9', '09:00'],
    ['0', '00:00'],
    ['23', '23:00'],
    ['24', undefined],
    ['24:00', undefined],
    ['13pm', undefined],
  ])('%s → %s', (text, expected) => expect(parseTimeOfDay(text)).toBe(expected));

  it('reads a cadence: daily, or weekly and its day', () => {
    expect(parseCadence('daily')).toEqual({ kind: 'daily' });
    expect(parseCadence('weekly mon')).toEqual({ kind: 'weekly', day: 1 });
    expect(parseCadence('Weekly on Fri')).toEqual({ kind: 'weekly', day: 5 });
    expect(parseCadence('weekly thurs')).toEqual({ kind: 'weekly', day: 4 });
    expect(parseCadence('weekly sunday')).toEqual({ kind: 'weekly', day: 7 });
    for (const text of ['weekly', 'weekly mo', 'weekly mon fri', 'monthly', 'daily mon', 'weekly someday']) expect(parseCadence(text), text).toBeUndefined();
  });

  it('offers the cadence among the settings structured input chooses from', () => {
    const setting = settingsCommand.options.find((o) => o.name === 'setting');
    expect(setting?.type === 'string' && setting.choices?.map((c) => c.value)).toEqual(['time', 'timezone', 'days', 'cadence', 'papers', 'empty']);
  });

  it('reads day lists', () => {
    expect(parseWeekdays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays('sun, wed')).toEqual([3, 7]);
    expect(parseWeekdays('someday')).toBeUndefined();
  });
});
