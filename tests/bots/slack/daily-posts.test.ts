import { describe, expect, it } from 'vitest';
import type { DeliveryPort } from '../../../src/core/delivery-port.ts';
import { seedPapers } from '../../support/core.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, ledger, paper, pass } from '../../support/schedule.ts';
import { textOf, useSlackBot } from '../../support/slack-harness.ts';

/**
 * End to end: subscriptions made with `/papers subscribe` through the real Bolt app, digests
 * sent by delivery passes through the Slack adapter's port to the fake Web API. Commands run
 * on the harness's clock (2024-05-24 12:00 UTC); passes at chosen instants.
 */
async function passesAt(db: Parameters<typeof pass>[0], port: DeliveryPort, instants: string[], waits: number[] = []) {
  for (const at of instants) await pass(db, at, [port], { observer: { rateLimited: (_p, ms) => waits.push(ms) } });
}

describe.each(engines)('daily picks through the real Slack adapter (%s)', (engine) => {
  const t = useTestDb(engine);
  const h = useSlackBot(t, 'http');

  it('a /papers subscribe in a direct message brings exactly one post per local day, a 429 waited out', async () => {
    await seedPapers(t.db);
    const ALICE = 'U0ALICE02';
    expect(textOf((await h.command(ALICE, 'D0ALICE02', 'subscribe 09:00 Europe/Berlin')).body.blocks)).toContain('Subscribed');
    const digests = () => h.fake.callsOf('chat.postMessage', ALICE).filter((c) => String(c.args.text).startsWith('Daily picks for'));

    const waits: number[] = [];
    // 2024-05-25: 09:00 CEST is 07:00 UTC. Slack answers the first attempt with a 429.
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 }, { where: (args) => args.channel === ALICE });
    await passesAt(t.db, h.service.port, ['2024-05-25T06:59:00Z', '2024-05-25T07:00:00Z', '2024-05-25T07:01:00Z', '2024-05-25T21:00:00Z'], waits);
    expect(waits).toEqual([30_000]);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.args.text).toBe('Daily picks for 2024-05-25');
    expect(textOf(digests()[0]!.args.blocks)).toContain('👍');

    await addPapers(t.db, [paper('2405.99001', '2024-05-26', { title: 'Grokking, once more', upvotes: 9 })]);
    await passesAt(t.db, h.service.port, ['2024-05-26T06:30:00Z', '2024-05-26T07:00:00Z', '2024-05-26T07:10:00Z']);
    expect(digests().map((c) => c.args.text)).toEqual(['Daily picks for 2024-05-25', 'Daily picks for 2024-05-26']);
    expect(textOf(digests()[1]!.args.blocks)).toContain('Grokking, once more');
    expect((await ledger(t.db)).map((r) => [r.local_date, r.status])).toEqual([
      ['2024-05-25', 'sent'],
      ['2024-05-26', 'sent'],
    ]);
  });

  it('pauses a channel Slack no longer knows (channel_not_found), and the admin’s subscribe resumes it', async () => {
    await seedPapers(t.db);
    const ADMIN = 'U0ADMIN02';
    const CHANNEL = 'C0GONE002';
    h.fake.setUser({ id: ADMIN, is_owner: true });
    expect(textOf((await h.command(ADMIN, CHANNEL, 'subscribe 08:00 UTC')).body.blocks)).toContain('Subscribed');

    h.fake.failNext('chat.postMessage', { error: 'channel_not_found' }, { where: (args) => args.channel === CHANNEL });
    await passesAt(t.db, h.service.port, ['2024-05-25T08:00:00Z', '2024-05-25T08:05:00Z']);
    expect(h.fake.callsOf('chat.postMessage', CHANNEL)).toEqual([]);
    const status = () =>
      t.db
        .selectFrom('subscriptions')
        .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
        .select(['subscriptions.status', 'subscriptions.paused_reason'])
        .where('recipients.external_id', '=', CHANNEL)
        .executeTakeFirstOrThrow();
    expect(await status()).toEqual({ status: 'paused', paused_reason: 'slack: channel_not_found' });

    await h.command(ADMIN, CHANNEL, 'subscribe 08:00 UTC');
    expect((await status()).status).toBe('active');
  });
});
