import { afterEach, describe, expect, it } from 'vitest';
import { type IngestArxivOptions, ingestArxivCategory } from '../../../src/core/ingest/arxiv.ts';
import { createRequestLimiter } from '../../../src/core/ingest/arxiv-limiter.ts';
import { UpstreamError } from '../../../src/core/ingest/http-client.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { arxivQueryRoute, atomReply, type FakeUpstream, htmlReply, startFakeUpstream } from '../../support/fakes/upstream-server.ts';
import { arxivCsLgFeed } from '../../support/fixtures.ts';

/** When the fixture feed was fetched: the newest entry is from the afternoon before. */
const NOW = new Date('2026-11-27T06:00:00Z');

describe.each(engines)('ingesting an arXiv category on %s', (engine) => {
  const t = useTestDb(engine);
  let arxiv: FakeUpstream | undefined;
  afterEach(async () => {
    await arxiv?.close();
    arxiv = undefined;
  });

  async function serve(feed = arxivCsLgFeed()): Promise<FakeUpstream> {
    arxiv = await startFakeUpstream(arxivQueryRoute({ 'cs.LG': feed }));
    return arxiv;
  }
  const ingest = (root: string, options: Partial<IngestArxivOptions> = {}) =>
    ingestArxivCategory({
      store: t.storage,
      root,
      category: 'cs.LG',
      days: 2,
      now: NOW,
      timeoutMs: 5_000,
      pageSize: 2,
      limiter: createRequestLimiter({ intervalMs: 0 }),
      ...options,
    });
  const paperIds = async () => (await t.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);

  it('pages newest first until entries are older than the window, storing versionless ids', async () => {
    const server = await serve();
    const report = await ingest(server.root);

    expect(server.requests.map((r) => Object.fromEntries(r.query))).toEqual(
      [0, 2, 4].map((start) => ({
        search_query: 'cat:cs.LG',
        start: String(start),
        max_results: '2',
        sortBy: 'submittedDate',
        sortOrder: 'descending',
      })),
    );
    // Two days back from 2026-11-27T06:00Z: the four entries since 2026-11-25T06:00Z.
    expect(report).toEqual({ fetched: 6, inserted: 4, updated: 0, unchanged: 0, invalid: [] });
    expect(await paperIds()).toEqual(['2611.19533', '2611.19880', '2611.20198', '2611.20417']);
  });

  it('maps title, abstract, authors in order, v1 date and categories', async () => {
    const server = await serve();
    await ingest(server.root);

    expect(await t.storage.papers.find('2611.19880')).toMatchObject({
      title: 'AgentBench-Live: Evaluating Web Agents on Tasks That Change Every Day',
      abstract:
        'Static web-agent benchmarks leak into training data. AgentBench-Live regenerates its 300 tasks daily from live websites and scores agents with state checks rather than string matching.',
      authors: ['Wei Zhang', 'Aisha Bello', 'Jonas Richter'],
      publishedAt: new Date('2026-11-25T19:58:40Z'),
      categories: ['cs.LG', 'cs.AI', 'cs.CL'],
      featuredOn: null,
      listedOn: '2026-11-25',
    });
    const crossListed = await t.db
      .selectFrom('papers')
      .select(['primary_category', 'categories', 'sources'])
      .where('id', '=', '2611.20198')
      .executeTakeFirstOrThrow();
    expect(crossListed).toEqual({ primary_category: 'stat.ML', categories: ['stat.ML', 'cs.LG', 'math.ST'], sources: ['arxiv'] });
  });

  it('writes nothing when the same window is ingested again', async () => {
    const server = await serve();
    await ingest(server.root);
    expect(await ingest(server.root)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('reports an entry that does not validate and stores the rest', async () => {
    const feed = arxivCsLgFeed().replace('<published>2026-11-26T09:15:30Z</published>', '<published>yesterday</published>');
    const server = await serve(feed);
    const report = await ingest(server.root);
    expect(report.invalid).toEqual([{ where: 'entry 1 (2611.20198)', field: 'published', message: 'not an ISO timestamp' }]);
    expect(await paperIds()).toEqual(['2611.19533', '2611.19880', '2611.20417']);
  });

  it('turns arXiv’s error feed into an UpstreamError', async () => {
    const server = await serve();
    const errorEntry = `<entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_cat:cs.LG</id>
    <title>Error</title>
    <summary>incorrect id format for cat:cs.LG</summary>
    <updated>2026-11-27T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_cat:cs.LG" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>`;
    server.setRoute(() => atomReply([errorEntry], { total: 1, start: 0, max: 2, category: 'cs.LG' }));
    await expect(ingest(server.root)).rejects.toMatchObject({
      kind: 'bad-payload',
      message: expect.stringMatching(/^arXiv rejected the query .*: incorrect id format for cat:cs\.LG$/),
    });
  });

  it('fails cleanly on a 503 page after the first page, storing nothing', async () => {
    const server = await serve();
    const healthy = arxivQueryRoute({ 'cs.LG': arxivCsLgFeed() });
    server.setRoute((request) => (request.query.get('start') === '2' ? htmlReply(503, 'Service Unavailable', { 'retry-after': '30' }) : healthy(request)));
    const failure = await ingest(server.root).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toMatch(/^arXiv answered HTTP 503 with an HTML page \("Service Unavailable"\) for .*start=2.*; retry after 30 s$/);
    expect(await paperIds()).toEqual([]);
  });

  it('rejects an answer that is not XML', async () => {
    const server = await serve();
    server.setRoute(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'Rate exceeded.' }));
    await expect(ingest(server.root)).rejects.toMatchObject({ kind: 'bad-payload', message: expect.stringMatching(/^arXiv answered a body that is not XML/) });
  });

  it('spaces its requests by the limiter interval, one connection at a time', async () => {
    const server = await serve();
    const intervalMs = 200;
    await ingest(server.root, { limiter: createRequestLimiter({ intervalMs }) });

    const arrivals = server.requests.map((r) => r.receivedAt);
    expect(arrivals).toHaveLength(3);
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    // Spacing counts from the end of the previous answer, so arrivals are at least the interval apart
    // (1 ms of slack for timer rounding); without the limiter the gaps are a few milliseconds.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(intervalMs - 1);
    expect(server.maxConcurrent).toBe(1);
  });

  it('shares one limiter between concurrent ingests', async () => {
    const server = await serve();
    const limiter = createRequestLimiter({ intervalMs: 100 });
    await Promise.all([ingest(server.root, { limiter }), ingest(server.root, { limiter })]);
    const arrivals = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(99);
    expect(server.maxConcurrent).toBe(1);
  });
});
