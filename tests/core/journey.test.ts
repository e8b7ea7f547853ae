import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestHfDay } from '../../src/core/ingest/hf-daily.ts';
import { UpstreamError } from '../../src/core/ingest/http-client.ts';
import { asUser, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';
import { type FakeUpstream, hfDailyPapersRoute, htmlReply, startFakeUpstream } from '../support/fakes/upstream-server.ts';
import { HF_DAY, hfDailyItems } from '../support/fixtures.ts';

/**
 * The core issue's "done when", end to end against a local fake Hugging Face: ingest a day,
 * search it, follow a topic, see it boosted with the reason, vote, re-ingest, and survive
 * bad items and a broken upstream with the database unchanged.
 */
describe.each(engines)('a day of papers from a fake Hugging Face on %s', (engine) => {
  const t = useTestDb(engine);
  let upstream: FakeUpstream;
  const items = hfDailyItems();

  beforeAll(async () => {
    upstream = await startFakeUpstream(hfDailyPapersRoute({ [HF_DAY]: items }));
  });
  afterAll(() => upstream.close());

  const ingest = () => ingestHfDay({ store: t.storage, root: upstream.root, date: HF_DAY, timeoutMs: 500, pageSize: 2 });
  const ids = (answer: { cards: { id: string }[] }) => answer.cards.map((c) => c.id);
  const snapshot = () => t.db.selectFrom('papers').selectAll().orderBy('id').execute();

  it('ingests, searches, follows, boosts with a reason, and lets votes reorder', async () => {
    upstream.setRoute(hfDailyPapersRoute({ [HF_DAY]: items }));
    const report = await ingest();
    expect(report).toMatchObject({ fetched: 5, inserted: 5, invalid: [] });

    const core = testCore(t.db, `${HF_DAY}T18:00:00Z`);
    const user = asUser('researcher');
    expect(ids(await core.run('/papers search reward models', user))[0]).toBe('2611.18877');

    const before = await core.run('/papers today', user);
    expect(ids(before)).toEqual(['2611.19204', '2611.18877', '2611.19533', '2611.17342', '2611.19880']);

    await core.run('/papers follow preference tuning', user);
    const boosted = await core.run('/papers today', user);
    expect(boosted.cards[0]).toMatchObject({ id: '2611.17342', reasons: [{ kind: 'follow', follow: 'preference tuning' }] });

    await core.run('vote 2611.17342 down', user);
    await core.run('vote 2611.19880 up', user);
    const voted = await core.run('/papers today', user);
    expect(ids(voted).indexOf('2611.19880')).toBeLessThan(ids(before).indexOf('2611.19880'));
    expect(ids(voted).at(-1)).toBe('2611.17342');

    // Re-ingesting the same day writes nothing; fresh upvotes are the only change.
    expect(await ingest()).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    const bumped = items.map((item) => ({ ...item, paper: { ...item.paper, upvotes: Number(item.paper.upvotes) + 1 } }));
    upstream.setRoute(hfDailyPapersRoute({ [HF_DAY]: bumped }));
    expect(await ingest()).toMatchObject({ inserted: 0, updated: 5 });
  });

  it('skips malformed items with a report and stores the rest', async () => {
    const broken = [...items.slice(0, 2), { paper: { id: 'not-an-id', title: 'x' } }, { paper: { id: '2611.00001' } }, ...items.slice(2)];
    upstream.setRoute(hfDailyPapersRoute({ [HF_DAY]: broken }));
    const report = await ingest();
    expect(report.inserted).toBe(5);
    expect(report.invalid.map((i) => i.field)).toEqual(['paper.id', 'paper.title']);
  });

  it.each([
    ['an HTML error page', () => htmlReply(503, 'Service Unavailable'), /HTML page/],
    ['a timeout', () => 'hang' as const, /timed out/],
    ['a 429', () => ({ status: 429, headers: { 'retry-after': '60' }, body: '{}' }), /retry after 60 s/],
  ])('fails cleanly on %s, with the database unchanged', async (_name, reply, message) => {
    upstream.setRoute(hfDailyPapersRoute({ [HF_DAY]: items }));
    await ingest();
    const stored = await snapshot();
    // The first page answers; the second fails, so the run must not store a half day.
    upstream.setRoute((request) =>
      request.query.get('p') === '1' ? reply() : hfDailyPapersRoute({ [HF_DAY]: items.map((i) => ({ ...i, paper: { ...i.paper, upvotes: 999 } })) })(request),
    );
    const error = await ingest().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(message);
    expect(await snapshot()).toEqual(stored);
  });
});
