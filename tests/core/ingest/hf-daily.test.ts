import { afterEach, describe, expect, it } from 'vitest';
import { ingestHfDay } from '../../../src/core/ingest/hf-daily.ts';
import { UpstreamError } from '../../../src/core/ingest/http-client.ts';
import type { IngestProgress } from '../../../src/core/ingest/ingest-report.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { type FakeUpstream, hfDailyPapersRoute, htmlReply, jsonReply, startFakeUpstream } from '../../support/fakes/upstream-server.ts';
import { HF_DAY, hfDailyItems } from '../../support/fixtures.ts';

describe.each(engines)('ingesting a Hugging Face day on %s', (engine) => {
  const t = useTestDb(engine);
  let hf: FakeUpstream | undefined;
  afterEach(async () => {
    await hf?.close();
    hf = undefined;
  });

  async function serve(items = hfDailyItems()): Promise<FakeUpstream> {
    hf = await startFakeUpstream(hfDailyPapersRoute({ [HF_DAY]: items }));
    return hf;
  }
  const ingest = (root: string, extra: { timeoutMs?: number; onProgress?: (p: IngestProgress) => void } = {}) =>
    ingestHfDay({ store: t.storage, root, date: HF_DAY, timeoutMs: extra.timeoutMs ?? 5_000, pageSize: 2, ...extra });
  const paperIds = async () => (await t.db.selectFrom('papers').select('id').orderBy('id').execute()).map((r) => r.id);
  const runs = () => t.db.selectFrom('ingest_runs').select(['source', 'target', 'ok', 'stored', 'skipped', 'message']).orderBy('id').execute();

  it('fetches every page of the day and stores each paper', async () => {
    const server = await serve();
    const pages: IngestProgress[] = [];
    const report = await ingest(server.root, { onProgress: (p) => pages.push(p) });

    expect(report).toEqual({ fetched: 5, inserted: 5, updated: 0, unchanged: 0, invalid: [], truncated: false });
    expect(server.requests.map((r) => [r.query.get('date'), r.query.get('p'), r.query.get('limit')])).toEqual([
      [HF_DAY, '0', '2'],
      [HF_DAY, '1', '2'],
      [HF_DAY, '2', '2'],
    ]);
    expect(pages).toEqual([
      { pages: 1, items: 2, more: true },
      { pages: 2, items: 4, more: true },
      { pages: 3, items: 5, more: false },
    ]);
    expect(await paperIds()).toEqual(['2611.17342', '2611.18877', '2611.19204', '2611.19533', '2611.19880']);
  });

  it('maps the HF fields onto the paper, featured on the day being ingested', async () => {
    const server = await serve();
    await ingest(server.root);
    expect(await t.storage.papers.find('2611.19204')).toEqual({
      id: '2611.19204',
      title: 'Sparse Mixture-of-Depths: Routing Tokens Around Layers Without Losing Long-Context Recall',
      abstract: expect.stringMatching(/^Mixture-of-Depths models let tokens skip/),
      authors: ['Mira Castellanos', 'Tobias Engström', 'Priya Raghunathan', 'Kenji Watanabe'],
      publishedAt: new Date('2026-11-24T18:59:51.000Z'),
      featuredOn: HF_DAY,
      listedOn: HF_DAY,
      upvotes: 87,
      comments: 4,
      aiSummary: 'Sparse Mixture-of-Depths routes tokens around transformer layers and keeps long-context recall at 41% fewer FLOPs.',
      aiKeywords: ['Mixture-of-Depths', 'token routing', 'long-context recall', 'FLOPs', 'transformer'],
      githubRepo: 'https://github.com/castellanos-lab/smod',
      projectPage: 'https://castellanos-lab.github.io/smod/',
      thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2611.19204.png',
      categories: [],
    });
    // Nulls and missing fields upstream become empty values, not failures.
    expect(await t.storage.papers.find('2611.19533')).toMatchObject({ aiSummary: null, aiKeywords: [], githubRepo: null });
    const sources = await t.db.selectFrom('papers').select('sources').where('id', '=', '2611.19204').executeTakeFirstOrThrow();
    expect(sources.sources).toEqual(['hf']);
  });

  it('writes nothing when the same day is ingested again', async () => {
    const server = await serve();
    await ingest(server.root);
    const again = await ingest(server.root);
    expect(again).toMatchObject({ fetched: 5, inserted: 0, updated: 0, unchanged: 5 });
  });

  it('refreshes upvotes and comment counts on a later poll', async () => {
    const server = await serve();
    await ingest(server.root);
    const later = hfDailyItems();
    later[0]!.paper.upvotes = 131;
    later[0]!.numComments = 9;
    server.setRoute(hfDailyPapersRoute({ [HF_DAY]: later }));

    const report = await ingest(server.root);
    expect(report).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    expect(await t.storage.papers.find('2611.19204')).toMatchObject({ upvotes: 131, comments: 9 });
  });

  it('reports malformed items with their page, index and field, and stores the valid ones', async () => {
    const items = hfDailyItems();
    items[1]!.paper.upvotes = 'forty-one';
    delete items[2]!.paper.id;
    items[4]!.paper.authors = 'Wei Zhang, Aisha Bello';
    const server = await serve(items);

    const report = await ingest(server.root);
    expect(report.invalid).toEqual([
      { where: 'page 0, item 1 (2611.18877)', field: 'paper.upvotes', message: 'expected number, received string' },
      { where: 'page 1, item 0', field: 'paper.id', message: 'expected string, received undefined' },
      { where: 'page 2, item 0 (2611.19880)', field: 'paper.authors', message: 'expected array, received string' },
    ]);
    expect(report).toMatchObject({ fetched: 5, inserted: 2 });
    expect(await paperIds()).toEqual(['2611.17342', '2611.19204']);
    expect(await runs()).toEqual([{ source: 'hf', target: HF_DAY, ok: true, stored: 2, skipped: 3, message: '2 new, 0 updated, 0 unchanged' }]);
  });

  it('fails on an HTML error page midway and leaves stored papers untouched', async () => {
    const server = await serve();
    await ingest(server.root);
    const stored = await t.storage.papers.find('2611.19204');
    // The next poll sees new upvotes on page 0, then the CDN breaks on page 1.
    const later = hfDailyItems();
    later[0]!.paper.upvotes = 500;
    const healthy = hfDailyPapersRoute({ [HF_DAY]: later });
    server.setRoute((request) => (request.query.get('p') === '1' ? htmlReply(503, '503 Service Temporarily Unavailable') : healthy(request)));

    const failure = await ingest(server.root).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ kind: 'http', status: 503 });
    expect((failure as Error).message).toBe(
      `Hugging Face answered HTTP 503 with an HTML page ("503 Service Temporarily Unavailable") for ${server.root}/api/daily_papers?date=${HF_DAY}&p=1&limit=2`,
    );
    expect(await t.storage.papers.find('2611.19204')).toEqual(stored);
    expect((await runs()).at(-1)).toMatchObject({ ok: false, stored: 0, message: (failure as Error).message });
  });

  it('fails with a timeout when the server never answers, storing nothing', async () => {
    const server = await serve();
    const healthy = hfDailyPapersRoute({ [HF_DAY]: hfDailyItems() });
    server.setRoute((request) => (request.query.get('p') === '2' ? 'hang' : healthy(request)));

    const failure = await ingest(server.root, { timeoutMs: 300 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'timeout', isUnreachable: true });
    expect((failure as Error).message).toMatch(
      /^Hugging Face timed out after 0\.3 s for http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers\?date=2026-11-26&p=2&limit=2 \(HTTP_TIMEOUT_MS=300\)$/,
    );
    expect(await paperIds()).toEqual([]);
  });

  it('reports a rate limit with the wait from Retry-After', async () => {
    const server = await serve();
    server.setRoute(() => jsonReply({ error: 'You have exceeded our hourly quotas for action: api' }, 429, { 'retry-after': '60' }));

    const failure = await ingest(server.root).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterSeconds: 60 });
    expect((failure as Error).message).toContain('Hugging Face rate limited (429), retry after 60 s');
    expect(await paperIds()).toEqual([]);
  });

  it('rejects a page that is JSON but not a list of papers', async () => {
    const server = await serve();
    server.setRoute(() => jsonReply({ error: 'Invalid date' }));
    await expect(ingest(server.root)).rejects.toMatchObject({
      kind: 'bad-payload',
      message: expect.stringContaining('Hugging Face answered with a JSON object instead of a list of papers'),
    });
  });

  it('stops at the page guard when the server keeps sending full pages', async () => {
    const server = await serve();
    // A server that ignores `p` returns page 0 forever.
    server.setRoute(() => jsonReply(hfDailyItems().slice(0, 2)));
    const report = await ingestHfDay({ store: t.storage, root: server.root, date: HF_DAY, timeoutMs: 5_000, pageSize: 2, maxPages: 3 });
    expect(server.requests).toHaveLength(3);
    expect(report).toMatchObject({ fetched: 6, inserted: 2, truncated: true });
  });
});
