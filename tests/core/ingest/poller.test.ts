import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestLimiter } from '../../../src/core/ingest/arxiv-limiter.ts';
import { createIngestPasses, type PollingConfig, type PollingDeps, startIngestPolling } from '../../../src/core/ingest/poller.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { arxivQueryRoute, type FakeRoute, type FakeUpstream, hfDailyPapersRoute, htmlReply, startFakeUpstream } from '../../support/fakes/upstream-server.ts';
import { arxivCsLgFeed, HF_DAY, hfDailyItems } from '../../support/fixtures.ts';
import { captureLog } from '../../support/log.ts';

/** The morning after HF_DAY, UTC: today is 2026-11-27, yesterday HF_DAY. */
const clock = () => new Date('2026-11-27T06:00:00Z');

const healthyHf = hfDailyPapersRoute({ [HF_DAY]: hfDailyItems() });
const healthyArxiv = arxivQueryRoute({ 'cs.LG': arxivCsLgFeed() });

/** A real pino logger whose warnings and infos the test can read. */
function collectingLog() {
  const captured = captureLog('debug');
  return { log: captured.log, warnings: () => captured.messages('warn'), infos: () => captured.messages('info') };
}

describe.each(engines)('polling the upstreams on %s', (engine) => {
  const t = useTestDb(engine);
  let upstream: FakeUpstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  /** One fake serving both the HF and the arXiv routes. */
  async function serveBoth(hf: FakeRoute = healthyHf, arxiv: FakeRoute = healthyArxiv): Promise<FakeUpstream> {
    upstream = await startFakeUpstream((request) => (request.path === '/api/query' ? arxiv(request) : hf(request)));
    return upstream;
  }

  function depsFor(root: string, overrides: Partial<PollingConfig> = {}) {
    const logs = collectingLog();
    const config: PollingConfig = {
      hfApiRoot: root,
      arxivApiRoot: root,
      arxivCategories: ['cs.LG'],
      timeoutMs: 2_000,
      hfCron: '0 0 1 1 *',
      arxivCron: '0 0 1 1 *',
      ingestOnStart: false,
      ...overrides,
    };
    const deps: PollingDeps = { store: t.storage, config, log: logs.log, clock, limiter: createRequestLimiter({ intervalMs: 0 }) };
    return { deps, ...logs };
  }
  const paperCount = async () =>
    (
      await t.db
        .selectFrom('papers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('polls Hugging Face for today and yesterday (UTC) and arXiv for each category', async () => {
    const server = await serveBoth();
    const { deps, infos } = depsFor(server.root);
    const passes = createIngestPasses(deps);
    await passes.pollHf();
    await passes.pollArxiv();

    expect(server.requests.filter((r) => r.path === '/api/daily_papers').map((r) => r.query.get('date'))).toEqual(['2026-11-27', HF_DAY]);
    expect(server.requests.filter((r) => r.path === '/api/query').map((r) => r.query.get('search_query'))).toEqual(['cat:cs.LG']);
    expect(infos()).toEqual(['ingested Hugging Face 2026-11-27: 0 papers', `ingested Hugging Face ${HF_DAY}: 5 papers`, 'ingested arXiv cs.LG: 6 papers']);
    // Six recent arXiv entries, three of them also on HF that day.
    expect(await paperCount()).toBe(8);
  });

  it('warns once while offline, keeps quiet on later failures, and logs the recovery', async () => {
    const server = await serveBoth(
      () => 'drop',
      () => 'drop',
    );
    const { deps, warnings, infos } = depsFor(server.root);
    const passes = createIngestPasses(deps);

    await t.storage.papers.store([{ id: '2611.00001', title: 'Stored earlier', source: 'import' }]);
    const first = await passes.pollHf();
    await passes.pollArxiv();
    await passes.pollHf();
    // Said once, with what is being served meanwhile.
    expect(warnings()).toEqual(['offline: Hugging Face cannot be reached; serving the 1 stored paper']);
    expect(first).toMatchObject({ stored: 0, failed: [], unreachable: { kind: 'network', upstream: 'Hugging Face' } });
    // Once offline, a pass stops at its first failure instead of trying yesterday too.
    expect(server.requests.filter((r) => r.path === '/api/daily_papers')).toHaveLength(2);

    server.setRoute(healthyHf);
    await passes.pollHf();
    expect(infos()[0]).toBe('back online: ingesting again');
    expect(await paperCount()).toBe(6);

    server.setRoute(() => 'drop');
    await passes.pollHf();
    expect(warnings()).toEqual([
      'offline: Hugging Face cannot be reached; serving the 1 stored paper',
      'offline: Hugging Face cannot be reached; serving the 6 stored papers',
    ]);
  });

  it('warns about every upstream error that is not being offline', async () => {
    const server = await serveBoth(() => htmlReply(503, 'Service Unavailable'));
    const { deps, warnings } = depsFor(server.root);
    const passes = createIngestPasses(deps);
    await passes.pollHf();
    expect(warnings()).toEqual([
      expect.stringMatching(/^ingesting Hugging Face 2026-11-27 failed: Hugging Face answered HTTP 503 with an HTML page/),
      expect.stringMatching(/^ingesting Hugging Face 2026-11-26 failed: Hugging Face answered HTTP 503 with an HTML page/),
    ]);
  });

  it('runs one pass of each upstream at start when INGEST_ON_START', async () => {
    const server = await serveBoth();
    const polling = startIngestPolling(depsFor(server.root, { ingestOnStart: true }).deps);
    expect(await polling.firstPass).toEqual({ stored: 5 + 6, failed: [] });
    await polling.stop();
    expect(server.requests.map((r) => r.path)).toEqual(['/api/daily_papers', '/api/daily_papers', '/api/query']);
    expect(await paperCount()).toBe(8);
  });

  it('reports how the pass at start went: upstreams unreachable, or failed with a message', async () => {
    const offline = await serveBoth(
      () => 'drop',
      () => 'drop',
    );
    const down = startIngestPolling(depsFor(offline.root, { ingestOnStart: true }).deps);
    expect(await down.firstPass).toMatchObject({ stored: 0, failed: [], unreachable: { kind: 'network' } });
    await down.stop();
    await offline.close();
    const broken = await serveBoth(() => htmlReply(503, 'Service Unavailable'));
    const failing = startIngestPolling(depsFor(broken.root, { ingestOnStart: true }).deps);
    const outcome = await failing.firstPass;
    await failing.stop();
    expect(outcome?.unreachable).toBeUndefined();
    expect(outcome?.failed.map((f) => f.what)).toEqual(['Hugging Face 2026-11-27', 'Hugging Face 2026-11-26']);
    const idle = startIngestPolling(depsFor(broken.root).deps);
    expect(await idle.firstPass).toBeUndefined();
    await idle.stop();
  });

  it('stop() lets the pass in flight finish storing and starts no further pass', async () => {
    const server = await serveBoth();
    const polling = startIngestPolling(depsFor(server.root, { ingestOnStart: true }).deps);
    await polling.stop();
    expect(server.requests.map((r) => r.path)).toEqual(['/api/daily_papers', '/api/daily_papers']);
    expect(await paperCount()).toBe(5);
  });

  it('polls on its cron schedule and stops polling when stopped', async () => {
    const server = await serveBoth();
    const { deps } = depsFor(server.root, { hfCron: '* * * * * *' });
    const polling = startIngestPolling(deps);
    await waitFor(() => server.requests.length > 0);
    await polling.stop();
    const afterStop = server.requests.length;
    expect(afterStop).toBeGreaterThan(0);
    await sleep(1_100);
    expect(server.requests.length).toBe(afterStop);
  });

  it('refuses an invalid cron expression at start', () => {
    const { deps } = depsFor('http://127.0.0.1:9', { hfCron: 'every half hour' });
    expect(() => startIngestPolling(deps)).toThrow('HF_POLL_CRON is not a valid cron expression: "every half hour"');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await sleep(20);
  }
}
