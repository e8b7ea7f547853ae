import { describe, expect, it } from 'vitest';
import { UNREACHABLE } from '../../src/core/reachability.ts';
import type { RecipientRef } from '../../src/core/recipient.ts';
import { asChannel, seedPapers, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';
import { pass, recordingPort } from '../support/schedule.ts';

const channel: RecipientRef = { platform: 'test', externalId: '-100777', kind: 'channel' };

describe.each(engines)('a recipient the bot can or can no longer post to, on %s', (engine) => {
  const t = useTestDb(engine);

  it('records a recipient that became reachable, and never creates one that became unreachable', async () => {
    const core = testCore(t.db);
    expect(await core.recipientReachable({ ...channel, externalId: '-100555' }, false, 'the bot was removed from this channel')).toBe('unchanged');
    expect(await t.storage.recipients.find({ ...channel, externalId: '-100555' })).toBeUndefined();
    expect(await core.recipientReachable(channel, true)).toBe('unchanged');
    expect(await t.storage.recipients.find(channel)).toEqual(expect.any(Number));
  });

  it('pauses the subscription at once with the reason, and resumes it when the recipient is reachable again', async () => {
    // Subscribed at 12:00 UTC on 2024-05-24 for 09:00 UTC.
    const core = testCore(t.db, '2024-05-24T12:00:00Z');
    await core.run('subscribe 09:00 UTC', asChannel(channel.externalId, true));
    expect(await core.recipientReachable(channel, false, 'the bot was removed from this channel')).toBe('paused');
    expect(await core.recipientReachable(channel, false, 'again')).toBe('unchanged');
    const paused = await core.run('settings', asChannel(channel.externalId, false));
    expect(paused.lines).toContain('Paused: the bot was removed from this channel. Subscribe again to resume.');

    expect(await core.recipientReachable(channel, true)).toBe('resumed');
    expect(await core.recipientReachable(channel, true)).toBe('unchanged');
    expect((await core.run('settings', asChannel(channel.externalId, false))).lines).toContain('Next post: 2024-05-25 09:00 (UTC)');

    expect(await core.recipientReachable(channel, false)).toBe('paused');
    expect((await t.storage.subscriptions.overview())[0]).toMatchObject({ status: 'paused', pausedReason: UNREACHABLE });
  });

  it('a paused recipient gets no digest; resumed, its next one is the first due after the resume', async () => {
    await seedPapers(t.db);
    const core = testCore(t.db, '2024-05-24T12:00:00Z');
    await core.run('subscribe 09:00 UTC', asChannel(channel.externalId, true));
    const port = recordingPort('test');
    // Removed the evening before; nothing is attempted while paused.
    await testCore(t.db, '2024-05-24T20:00:00Z').recipientReachable(channel, false, 'the bot was removed from this channel');
    await pass(t.db, '2024-05-25T09:00:00Z', [port]);
    expect(port.calls()).toBe(0);
    // Back at 09:30: the 09:00 post is not owed (it fell due while paused); the next day's is.
    await testCore(t.db, '2024-05-25T09:30:00Z').recipientReachable(channel, true);
    await pass(t.db, '2024-05-25T09:31:00Z', [port]);
    expect(port.calls()).toBe(0);
    await pass(t.db, '2024-05-26T09:00:00Z', [port]);
    expect(port.sent.map((s) => [s.target.externalId, s.answer.title])).toEqual([['-100777', 'Daily picks for 2024-05-26']]);
  });

  it('refuses what no adapter should send: an empty id, an unknown kind, an empty reason', async () => {
    const core = testCore(t.db);
    await expect(core.recipientReachable({ ...channel, externalId: ' ' }, true)).rejects.toThrow();
    await expect(core.recipientReachable({ ...channel, kind: 'group' as 'channel' }, true)).rejects.toThrow();
    await expect(core.recipientReachable(channel, false, '')).rejects.toThrow();
    expect(await t.storage.recipients.find(channel)).toBeUndefined();
  });
});
