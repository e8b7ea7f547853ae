import { describe, expect, it } from 'vitest';
import { digestAnswers } from '../../../src/core/digest/digest-answer.ts';
import { RESENT_NOTE } from '../../../src/core/ports/delivery-ledger.ts';
import { claimDueDeliveries } from '../../../src/core/schedule/claim-deliveries.ts';
import { realSleep } from '../../../src/core/schedule/platform-gate.ts';
import { createStorage } from '../../../src/db/storage.ts';
import { asUser, testCore } from '../../support/core.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, addSubscription, ledger, paper, pass, recordingPort } from '../../support/schedule.ts';

const DAY1 = '2026-11-27';

describe.each(engines)('delivery pass on %s', (engine) => {
  const t = useTestDb(engine);

  async function oneSubscriber(extra: Parameters<typeof addSubscription>[1] = { externalId: 'u1' }) {
    await addPapers(t.db, [paper('2611.00001', DAY1, { upvotes: 9 }), paper('2611.00002', DAY1, { upvotes: 5 })]);
    return addSubscription(t.db, extra);
  }

  it('sends once per local date, however many passes run', async () => {
    await oneSubscriber();
    const port = recordingPort();
    expect((await pass(t.db, '2026-11-27T08:59:59Z', [port])).claimed).toBe(0);
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port])).toMatchObject({ claimed: 1, sent: 1 });
    expect(await pass(t.db, '2026-11-27T09:01:00Z', [port])).toMatchObject({ claimed: 0, sent: 0 });
    expect(await pass(t.db, '2026-11-27T13:00:00Z', [port])).toMatchObject({ claimed: 0, sent: 0 });
    expect(port.sent).toHaveLength(1);
    const [row] = await ledger(t.db);
    expect(row).toMatchObject({ status: 'sent', local_date: DAY1, attempts: 1, paper_ids: ['2611.00001', '2611.00002'], claimed_by: 'worker-a' });
    expect(row!.sent_at).toEqual(new Date('2026-11-27T09:00:00Z'));
    expect(row!.due_at).toEqual(new Date('2026-11-27T09:00:00Z'));
    expect(await t.db.selectFrom('delivered_papers').select('paper_id').orderBy('paper_id').execute()).toEqual([
      { paper_id: '2611.00001' },
      { paper_id: '2611.00002' },
    ]);
  });

  it('catches up after downtime within the cut-off, and not beyond it', async () => {
    await oneSubscriber({ externalId: 'u1', sendTime: '08:00' });
    const port = recordingPort();
    // Down from 07:30 to 13:59 (6 h cut-off): the 08:00 post goes out at 13:59, 5 h 59 min late.
    expect(await pass(t.db, '2026-11-27T13:59:00Z', [port])).toMatchObject({ sent: 1 });
    // Next day, down until 14:01: more than 6 h late, so that day is skipped, not sent late.
    expect(await pass(t.db, '2026-11-28T14:01:00Z', [port])).toMatchObject({ claimed: 0, sent: 0 });
    expect(port.sent).toHaveLength(1);
    expect((await ledger(t.db)).map((r) => r.local_date)).toEqual([DAY1]);
  });

  it('does not post today for a subscription made after today’s send time', async () => {
    await oneSubscriber({ externalId: 'u1', sendTime: '09:00', at: '2026-11-27T10:00:00Z' });
    const port = recordingPort();
    expect((await pass(t.db, '2026-11-27T10:01:00Z', [port])).claimed).toBe(0);
    expect((await pass(t.db, '2026-11-28T09:00:00Z', [port])).sent).toBe(1);
  });

  it('leaves subscriptions on platforms without a port for an instance that has one', async () => {
    await oneSubscriber({ externalId: 'd1', platform: 'discord' });
    const port = recordingPort('telegram');
    expect((await pass(t.db, '2026-11-27T09:00:00Z', [port])).claimed).toBe(0);
    expect(await ledger(t.db)).toEqual([]);
  });

  it('claims only the recipients a port reaches: a terminal chat takes its own user’s digest, not other terminal users’', async () => {
    await oneSubscriber({ externalId: 'alice', platform: 'terminal' });
    await addSubscription(t.db, { externalId: 'eve', platform: 'terminal' });
    const port = { ...recordingPort('terminal'), reaches: ['alice'] };
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port])).toMatchObject({ claimed: 1, sent: 1 });
    expect(port.sent.map((post) => post.target.externalId)).toEqual(['alice']);
    // Eve's digest is left unclaimed for a process that reaches her (`paperboy deliver`, her own chat).
    expect((await ledger(t.db)).map((row) => row.subscription_id)).toEqual([1]);
    const everyone = recordingPort('terminal');
    expect(await pass(t.db, '2026-11-27T09:01:00Z', [everyone])).toMatchObject({ claimed: 1, sent: 1 });
    expect(everyone.sent.map((post) => post.target.externalId)).toEqual(['eve']);
  });

  it('pauses a recipient that blocked the bot, and resumes when it subscribes again', async () => {
    await addPapers(t.db, [paper('2611.00001', DAY1), paper('2611.00003', '2026-11-29')]);
    const core = testCore(t.db, '2026-11-26T12:00:00Z');
    await core.run('subscribe 09:00 UTC', asUser('blocker'));
    let blocked = true;
    const port = recordingPort('test', () => (blocked ? { status: 'gone', reason: 'bot was blocked by the user' } : undefined));
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port])).toMatchObject({ gone: 1, sent: 0 });
    const [row] = await ledger(t.db);
    expect(row).toMatchObject({ status: 'gone', last_error: 'bot was blocked by the user' });
    expect(await t.db.selectFrom('subscriptions').select(['status', 'paused_reason']).execute()).toEqual([
      { status: 'paused', paused_reason: 'bot was blocked by the user' },
    ]);
    // Its papers go back to the pool: they were never delivered.
    expect(await t.db.selectFrom('delivered_papers').selectAll().execute()).toEqual([]);
    expect((await testCore(t.db, '2026-11-27T12:00:00Z').run('settings', asUser('blocker'))).lines).toContain(
      'Paused: bot was blocked by the user. Subscribe again to resume.',
    );

    // Paused: not retried the next day.
    expect((await pass(t.db, '2026-11-28T09:00:00Z', [port])).claimed).toBe(0);
    expect(port.calls()).toBe(1);

    blocked = false;
    await testCore(t.db, '2026-11-28T12:00:00Z').run('subscribe', asUser('blocker'));
    expect(await pass(t.db, '2026-11-29T09:00:00Z', [port])).toMatchObject({ sent: 1 });
    expect(port.sent[0]!.answer.cards.map((c) => c.id)).toEqual(['2611.00003', '2611.00001']);
  });

  it('follows a Telegram group that became a supergroup and keeps its subscription', async () => {
    await oneSubscriber({ externalId: '-100', kind: 'channel' });
    const port = recordingPort('test', (target) => (target.externalId === '-100' ? { status: 'migrated', newExternalId: '-1001234' } : undefined));
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port])).toMatchObject({ sent: 1 });
    expect(port.sent.map((s) => s.target.externalId)).toEqual(['-1001234']);
    expect(await t.db.selectFrom('recipients').select('external_id').execute()).toEqual([{ external_id: '-1001234' }]);
    await addPapers(t.db, [paper('2611.00009', '2026-11-28')]);
    expect((await pass(t.db, '2026-11-28T09:00:00Z', [port])).sent).toBe(1);
    expect(port.sent.map((s) => s.target.externalId)).toEqual(['-1001234', '-1001234']);
  });

  it('waits out retry-after and sends in order, losing nothing', async () => {
    await addPapers(t.db, [paper('2611.00001', DAY1)]);
    for (const id of ['a', 'b', 'c']) await addSubscription(t.db, { externalId: id });
    const waits: number[] = [];
    const port = recordingPort('test', (_target, _answer, call) => (call < 3 ? { status: 'retry-after', retryAfterMs: 1000 * (call + 1) } : undefined));
    const result = await pass(t.db, '2026-11-27T09:00:00Z', [port], {
      concurrency: 1,
      observer: { rateLimited: (_platform, ms) => waits.push(ms) },
    });
    expect(result).toMatchObject({ sent: 3, failed: 0, retrying: 0 });
    expect(waits).toEqual([1000, 2000, 3000]);
    expect(port.sent.map((s) => s.target.externalId)).toEqual(['a', 'b', 'c']);
  });

  it('retries 5xx within the pass, then leaves the row to later passes with backoff, up to a bounded number of attempts', async () => {
    await oneSubscriber();
    let down = true;
    const port = recordingPort('test', () => (down ? { status: 'failed', reason: 'HTTP 502', retryable: true } : undefined));
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port], { retryDelaysMs: [10, 10] })).toMatchObject({ retrying: 1 });
    expect(port.calls()).toBe(3);
    let [row] = await ledger(t.db);
    expect(row).toMatchObject({ status: 'failed', last_error: 'HTTP 502', attempts: 1, retry_at: new Date('2026-11-27T09:02:00Z') });
    // Not before its retry time.
    expect((await pass(t.db, '2026-11-27T09:01:00Z', [port])).tookOver.failed).toBe(0);
    expect(await pass(t.db, '2026-11-27T09:02:00Z', [port], { retryDelaysMs: [] })).toMatchObject({ tookOver: { failed: 1 }, retrying: 1 });
    [row] = await ledger(t.db);
    expect(row).toMatchObject({ attempts: 2, retry_at: new Date('2026-11-27T09:06:00Z') });
    down = false;
    expect(await pass(t.db, '2026-11-27T09:06:00Z', [port])).toMatchObject({ tookOver: { failed: 1 }, sent: 1 });
    expect(port.sent).toHaveLength(1);
    [row] = await ledger(t.db);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up after the last attempt and puts the papers back', async () => {
    await oneSubscriber();
    const port = recordingPort('test', () => ({ status: 'failed', reason: 'HTTP 500', retryable: true }));
    for (const at of ['09:00', '09:02', '09:06', '09:14']) {
      await pass(t.db, `2026-11-27T${at}:00Z`, [port], { retryDelaysMs: [], maxAttempts: 4 });
    }
    const [row] = await ledger(t.db);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, retry_at: null, last_error: 'HTTP 500' });
    expect(await t.db.selectFrom('delivered_papers').selectAll().execute()).toEqual([]);
    expect((await pass(t.db, '2026-11-27T12:00:00Z', [port], { retryDelaysMs: [] })).tookOver.failed).toBe(0);
    expect(port.calls()).toBe(4);
  });

  it('does not retry a failure that will not fix itself', async () => {
    await oneSubscriber();
    const port = recordingPort('test', () => ({ status: 'failed', reason: 'message is too long', retryable: false }));
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [port])).toMatchObject({ failed: 1 });
    expect((await ledger(t.db))[0]).toMatchObject({ status: 'failed', retry_at: null });
    expect(port.calls()).toBe(1);
  });

  it('resumes a claim whose worker crashed before sending, exactly once, after its lease', async () => {
    await oneSubscriber();
    // Worker B claims (papers chosen, ledger row written), then dies before sending anything.
    const now = new Date('2026-11-27T09:00:00Z');
    const { claims } = await claimDueDeliveries(createStorage(t.db), {
      platforms: ['test'],
      workerId: 'worker-b',
      now,
      leaseUntil: new Date('2026-11-27T09:01:00Z'),
      cutoffMs: 6 * 3_600_000,
      limit: 10,
    });
    expect(claims).toHaveLength(1);
    const port = recordingPort();
    // While B's lease runs, nobody else touches the row (and no second claim can be made).
    expect(await pass(t.db, '2026-11-27T09:00:30Z', [port])).toMatchObject({ claimed: 0, tookOver: { claimed: 0 }, sent: 0 });
    // After it, worker A takes it over and sends it once, with the papers B chose.
    expect(await pass(t.db, '2026-11-27T09:01:00Z', [port])).toMatchObject({ claimed: 0, tookOver: { claimed: 1 }, sent: 1 });
    expect(await pass(t.db, '2026-11-27T09:05:00Z', [port])).toMatchObject({ tookOver: { claimed: 0 }, sent: 0 });
    expect(port.sent).toHaveLength(1);
    expect(port.sent[0]!.answer.cards.map((c) => c.id)).toEqual(['2611.00001', '2611.00002']);
    expect((await ledger(t.db))[0]).toMatchObject({ status: 'sent', claimed_by: 'worker-a', attempts: 1, last_error: null });
  });

  it('crash after sending, before recording: resent once after the lease (documented at-least-once)', async () => {
    await oneSubscriber();
    const port = recordingPort();
    // Worker B claims, marks the row sending, posts, and dies before it can record 'sent'.
    const now = new Date('2026-11-27T09:00:00Z');
    const lease = new Date('2026-11-27T09:01:00Z');
    const { claims } = await claimDueDeliveries(createStorage(t.db), {
      platforms: ['test'],
      workerId: 'worker-b',
      now,
      leaseUntil: lease,
      cutoffMs: 6 * 3_600_000,
      limit: 10,
    });
    expect(await createStorage(t.db).ledger.markSending(claims[0]!.id, 'worker-b', lease)).toBe(true);
    const [pending] = await createStorage(t.db).ledger.load([claims[0]!.id]);
    await port.send(pending!.recipient, (await digestAnswers(createStorage(t.db).papers, [pending!])).get(pending!.id)!);
    expect((await ledger(t.db))[0]!.status).toBe('sending');

    expect(await pass(t.db, '2026-11-27T09:00:30Z', [port])).toMatchObject({ tookOver: { sending: 0 }, sent: 0 });
    expect(await pass(t.db, '2026-11-27T09:01:00Z', [port])).toMatchObject({ tookOver: { sending: 1 }, sent: 1 });
    expect(await pass(t.db, '2026-11-27T09:10:00Z', [port])).toMatchObject({ tookOver: { sending: 0 }, sent: 0 });
    // The same digest went out twice, and the ledger says so.
    expect(port.sent).toHaveLength(2);
    expect(port.sent[1]!.answer).toEqual(port.sent[0]!.answer);
    expect((await ledger(t.db))[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: RESENT_NOTE });
  });

  it('gives up a crashed claim once it is past the cut-off', async () => {
    await oneSubscriber();
    const now = new Date('2026-11-27T09:00:00Z');
    await claimDueDeliveries(createStorage(t.db), {
      platforms: ['test'],
      workerId: 'worker-b',
      now,
      leaseUntil: new Date('2026-11-27T09:01:00Z'),
      cutoffMs: 6 * 3_600_000,
      limit: 10,
    });
    const port = recordingPort();
    expect(await pass(t.db, '2026-11-27T15:00:00Z', [port])).toMatchObject({ expired: 1, sent: 0 });
    expect((await ledger(t.db))[0]).toMatchObject({ status: 'failed', retry_at: null, last_error: 'gave up past the catch-up cut-off' });
    expect(await t.db.selectFrom('delivered_papers').selectAll().execute()).toEqual([]);
  });

  it('keeps renewing the lease of a slow send, so no other pass sends it again', async () => {
    await oneSubscriber();
    let now = new Date('2026-11-27T09:00:00Z');
    const clock = () => now;
    let release!: () => void;
    const slow = recordingPort('test', () => new Promise((resolve) => (release = () => resolve({ status: 'ok' }))));
    const first = pass(t.db, '', [slow], { clock, leaseMs: 600 });
    await vi_waitFor(() => slow.calls() === 1);
    now = new Date('2026-11-27T09:30:00Z'); // far past the first lease
    await new Promise((resolve) => setTimeout(resolve, 500)); // a heartbeat renews it from the clock
    const other = recordingPort();
    expect(await pass(t.db, '', [other], { clock, workerId: 'worker-b', leaseMs: 600 })).toMatchObject({ tookOver: { sending: 0 }, sent: 0 });
    release();
    expect(await first).toMatchObject({ sent: 1 });
    expect(other.calls()).toBe(0);
  });

  it('stopping: a send waiting out a 429 and the sends not started are handed back; the send under way is recorded', async () => {
    await addPapers(t.db, [paper('2611.00001', DAY1)]);
    for (const id of ['a', 'b', 'c', 'd']) await addSubscription(t.db, { externalId: id });
    let finish!: () => void;
    const port = recordingPort('test', (target) => {
      if (target.externalId === 'a') return new Promise((resolve) => (finish = () => resolve(undefined)));
      return target.externalId === 'b' ? { status: 'retry-after', retryAfterMs: 120_000 } : undefined;
    });
    const stopping = new AbortController();
    // Real waits: the 429 wait must end with the stop, not after two minutes.
    const running = pass(t.db, '2026-11-27T09:00:00Z', [port], { concurrency: 2, signal: stopping.signal, sleep: realSleep });
    await vi_waitFor(() => port.calls() === 2);
    await new Promise((resolve) => setTimeout(resolve, 50)); // b is waiting out its 429
    stopping.abort();
    finish();
    const started = performance.now();
    expect(await running).toMatchObject({ sent: 1, released: 3, failed: 0, unrecorded: 0 });
    expect(performance.now() - started).toBeLessThan(1000);
    const rows = await ledger(t.db);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['sent', 1],
      ['claimed', 0],
      ['claimed', 0],
      ['claimed', 0],
    ]);
    // Handed back with their lease ended: the next pass (any worker) sends them at once, as first sends.
    const next = recordingPort();
    expect(await pass(t.db, '2026-11-27T09:00:00Z', [next], { workerId: 'worker-b' })).toMatchObject({ tookOver: { claimed: 3 }, sent: 3 });
    expect([...port.sent, ...next.sent].map((s) => s.target.externalId).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await ledger(t.db)).every((row) => row.last_error === null)).toBe(true);
  });

  it('previews with --dry-run semantics: composes everything due, claims nothing', async () => {
    await oneSubscriber();
    await addSubscription(t.db, { externalId: 'd1', platform: 'discord', follows: ['nothing-matches-this'] });
    const result = await pass(t.db, '2026-11-27T09:00:00Z', [], { dryRun: true });
    expect(result.claimed).toBe(2);
    expect(result.previews.map((p) => [p.recipient.externalId, p.answer?.cards.map((c) => c.id) ?? null])).toEqual([
      ['u1', ['2611.00001', '2611.00002']],
      ['d1', null],
    ]);
    expect(await ledger(t.db)).toEqual([]);
    expect(await t.db.selectFrom('delivered_papers').selectAll().execute()).toEqual([]);
    const port = recordingPort();
    expect((await pass(t.db, '2026-11-27T09:00:00Z', [port])).sent).toBe(1);
  });
});

async function vi_waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
