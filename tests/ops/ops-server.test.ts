import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/core.ts';
import type { Storage } from '../../src/core/ports/storage.ts';
import type { Database } from '../../src/db/schema.ts';
import { createStorage } from '../../src/db/storage.ts';
import { createMetrics, instrumentCore } from '../../src/ops/metrics.ts';
import { type OpsServer, startOpsServer } from '../../src/ops/ops-server.ts';
import { asUser } from '../support/core.ts';
import { useTestDb } from '../support/db.ts';
import { silentLog } from '../support/log.ts';
import { addPapers, addSubscription, paper, pass, recordingPort } from '../support/schedule.ts';

const NOW = '2026-11-27T09:00:00Z';

describe('the ops server', () => {
  const t = useTestDb('pglite');
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(adapters: Record<string, boolean>, storage: Storage = t.storage) {
    const metrics = createMetrics({ storage, clock: () => new Date(NOW), processMetrics: false, commandNames: ['today', 'top', 'search'] });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', storage, registry: metrics.registry, health: () => adapters, clock: () => new Date(NOW) });
    return { metrics, url: `http://127.0.0.1:${server.port}` };
  }

  it('/healthz: ok with the database, the adapters and a recent ingest', async () => {
    await t.db
      .insertInto('ingest_runs')
      .values({ source: 'hf', target: '2026-11-27', ok: true, stored: 12, skipped: 0, message: null, finished_at: new Date('2026-11-27T08:30:00Z') })
      .execute();
    const { url } = await start({ telegram: true, discord: true });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      database: { ok: true },
      adapters: { telegram: true, discord: true },
      ingest: { lastSuccessAt: '2026-11-27T08:30:00.000Z', source: 'hf', ageSeconds: 1800, stale: false },
    });
  });

  it('/healthz: degraded (200) without a successful ingest, down (503) with an adapter disconnected', async () => {
    await t.db.insertInto('ingest_runs').values({ source: 'hf', target: '2026-11-27', ok: false, stored: 0, skipped: 0, message: 'HTTP 503' }).execute();
    let { url } = await start({ telegram: true });
    let res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', ingest: { lastSuccessAt: null, stale: true } });
    await server!.close();
    ({ url } = await start({ telegram: false }));
    res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'down', adapters: { telegram: false } });
  });

  it('/healthz: an import is reported apart; only a fetch from Hugging Face or arXiv keeps the library fresh', async () => {
    await t.db
      .insertInto('ingest_runs')
      .values([
        { source: 'hf', target: '2026-11-20', ok: true, stored: 12, skipped: 0, message: null, finished_at: new Date('2026-11-20T08:00:00Z') },
        { source: 'import', target: 'demo-papers.json', ok: true, stored: 30, skipped: 0, message: null, finished_at: new Date('2026-11-27T08:50:00Z') },
        { source: 'hf', target: '2026-11-27', ok: false, stored: 0, skipped: 0, message: 'unreachable', finished_at: new Date('2026-11-27T08:55:00Z') },
      ])
      .execute();
    const { url } = await start({});
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      ingest: { lastSuccessAt: '2026-11-20T08:00:00.000Z', source: 'hf', ageSeconds: 7 * 86_400 + 3600, stale: true },
      import: { lastSuccessAt: '2026-11-27T08:50:00.000Z' },
    });
  });

  it('/healthz: down (503) when the database is unreachable', async () => {
    // Nothing listens on port 1: every query fails to connect.
    const pool = new pg.Pool({ connectionString: 'postgres://paperboy@127.0.0.1:1/paperboy' });
    pool.on('error', () => {});
    const gone = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const { url } = await start({}, createStorage(gone));
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'down', database: { ok: false } });
    await server?.close();
    server = undefined;
    await gone.destroy();
  });

  it('/metrics: deliveries, 429 waits, command latency, papers ingested and the newest paper’s age', async () => {
    await addPapers(t.db, [paper('2611.00001', '2026-11-27')]);
    await sql`update papers set first_seen_at = '2026-11-27T06:00:00Z'`.execute(t.db);
    await t.db.insertInto('ingest_runs').values({ source: 'hf', target: '2026-11-27', ok: true, stored: 37, skipped: 0, message: null }).execute();
    await addSubscription(t.db, { externalId: 'u1' });
    await addSubscription(t.db, { externalId: 'u2' });
    await addSubscription(t.db, { externalId: 'blocked' });
    const { metrics, url } = await start({ test: true });

    const port = recordingPort('test', (target, _answer, call) =>
      target.externalId === 'blocked' ? { status: 'gone', reason: 'blocked' } : call === 0 ? { status: 'retry-after', retryAfterMs: 1500 } : undefined,
    );
    await pass(t.db, NOW, [port], { observer: metrics.deliveryObserver, concurrency: 1 });
    const core = createCore({ storage: t.storage, log: silentLog, clock: () => new Date(NOW) });
    const timedCore = instrumentCore(core, metrics, 'test');
    await timedCore.run('/papers today', asUser());
    await timedCore.run('what is this', asUser());

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('paperboy_deliveries_total{platform="test",outcome="sent"} 2');
    expect(text).toContain('paperboy_deliveries_total{platform="test",outcome="gone"} 1');
    expect(text).toContain('paperboy_rate_limit_waits_total{platform="test"} 1');
    expect(text).toContain('paperboy_rate_limit_wait_seconds_total{platform="test"} 1.5');
    expect(text).toContain('paperboy_deliveries_pending{state="claimed"} 0');
    expect(text).toContain('paperboy_command_duration_seconds_count{platform="test",command="today"} 1');
    expect(text).toContain('paperboy_command_duration_seconds_count{platform="test",command="other"} 1');
    expect(text).toContain('paperboy_papers_ingested{source="hf"} 37');
    expect(text).toContain('paperboy_newest_paper_age_seconds 10800');
  });

  it('/healthz and /metrics: the gateway shards this instance holds, of how many', async () => {
    let held = [
      { id: 2, connected: true },
      { id: 3, connected: false },
    ];
    const shards = () => ({ discord: { count: 4, held } });
    const metrics = createMetrics({ processMetrics: false, shards });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', storage: t.storage, registry: metrics.registry, health: () => ({ discord: false }), shards });
    const url = `http://127.0.0.1:${server.port}`;
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'down', shards: { discord: { count: 4, held } } });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('paperboy_gateway_shards{platform="discord"} 4');
    expect(text).toContain('paperboy_gateway_shard_connected{platform="discord",shard="2"} 1');
    expect(text).toContain('paperboy_gateway_shard_connected{platform="discord",shard="3"} 0');
    held = [{ id: 2, connected: true }];
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain('shard="3"');
  });

  it('answers 404 elsewhere', async () => {
    const { url } = await start({});
    expect((await fetch(`${url}/`)).status).toBe(404);
  });
});
