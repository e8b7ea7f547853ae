import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, fetchText, UpstreamError } from '../../../src/core/ingest/http-client.ts';
import { type FakeReply, type FakeUpstream, htmlReply, jsonReply, startFakeUpstream } from '../../support/fakes/upstream-server.ts';
import { captureLog } from '../../support/log.ts';

describe('fetching from an upstream', () => {
  let server: FakeUpstream;
  let next: FakeReply = jsonReply([]);
  beforeAll(async () => {
    server = await startFakeUpstream(() => next);
  });
  afterAll(() => server.close());

  const options = { upstream: 'Hugging Face', timeoutMs: 2_000 };
  async function failureOf(reply: FakeReply, fetcher: typeof fetchJson = fetchJson): Promise<UpstreamError> {
    next = reply;
    const error = await fetcher(`${server.root}/api/daily_papers`, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }

  it('returns parsed JSON', async () => {
    next = jsonReply([{ paper: { id: '2611.19204' } }]);
    await expect(fetchJson(`${server.root}/api/daily_papers`, options)).resolves.toEqual([{ paper: { id: '2611.19204' } }]);
  });

  it('names an HTML error page by its title', async () => {
    const error = await failureOf(htmlReply(502, '502 Bad Gateway'));
    expect(error).toMatchObject({ kind: 'http', status: 502, upstream: 'Hugging Face', url: `${server.root}/api/daily_papers` });
    expect(error.message).toBe(`Hugging Face answered HTTP 502 with an HTML page ("502 Bad Gateway") for ${server.root}/api/daily_papers`);
  });

  it('quotes the start of a non-HTML error body', async () => {
    const error = await failureOf(jsonReply({ error: 'Invalid date format' }, 400));
    expect(error.message).toBe(`Hugging Face answered HTTP 400 ({"error":"Invalid date format"}) for ${server.root}/api/daily_papers`);
  });

  it('detects an HTML page served with status 200 where JSON was expected', async () => {
    const error = await failureOf({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Sign in to Wi-Fi</title></head></html>' });
    expect(error.kind).toBe('not-json');
    expect(error.message).toBe(`Hugging Face answered HTTP 200 with an HTML page ("Sign in to Wi-Fi") instead of JSON for ${server.root}/api/daily_papers`);
  });

  it('reports a body that is not JSON', async () => {
    const error = await failureOf({ status: 200, headers: { 'content-type': 'application/json' }, body: '[{"paper": ' });
    expect(error.kind).toBe('not-json');
    expect(error.message).toContain('with a body that is not JSON');
  });

  it('reads the wait from Retry-After (seconds or HTTP date) or the RateLimit reset on a 429', async () => {
    expect(await failureOf(jsonReply({}, 429, { 'retry-after': '120' }))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 120 });
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const dated = await failureOf(jsonReply({}, 429, { 'retry-after': inAMinute }));
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(60);
    const windowed = await failureOf(jsonReply({}, 429, { ratelimit: '"api";r=0;t=189', 'ratelimit-policy': '"fixed window";"api";q=500;w=300' }));
    expect(windowed.message).toContain('rate limited (429), retry after 189 s');
    const bare = await failureOf(jsonReply({}, 429));
    expect(bare.message).toBe(`Hugging Face rate limited (429), no Retry-After given, wait a few minutes: ${server.root}/api/daily_papers`);
  });

  it('returns text of any 2xx answer and still fails on error statuses', async () => {
    next = { status: 200, headers: { 'content-type': 'application/atom+xml' }, body: '<feed/>' };
    await expect(fetchText(`${server.root}/api/query`, { ...options, upstream: 'arXiv' })).resolves.toBe('<feed/>');
    expect(await failureOf(htmlReply(500, 'Internal Server Error'), fetchText)).toMatchObject({ kind: 'http', status: 500 });
  });

  it('times out a server that never answers', async () => {
    next = 'hang';
    const started = performance.now();
    const error = await fetchJson(`${server.root}/api/daily_papers`, { ...options, timeoutMs: 250 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ kind: 'timeout', isUnreachable: true });
    expect((error as Error).message).toBe(`Hugging Face timed out after 0.3 s for ${server.root}/api/daily_papers (HTTP_TIMEOUT_MS=250)`);
  });

  it('reports a refused connection as a network error with its cause', async () => {
    const port = await closedPort();
    const error = await fetchJson(`http://127.0.0.1:${port}/api/daily_papers`, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', isUnreachable: true });
    expect((error as Error).message).toBe(`Hugging Face is unreachable at http://127.0.0.1:${port}/api/daily_papers: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('is logged with its message as it is, the reason not repeated', async () => {
    const port = await closedPort();
    const refused = (await fetchJson(`http://127.0.0.1:${port}/api/daily_papers`, options).catch((e: unknown) => e)) as Error;
    next = 'hang';
    const timedOut = (await fetchJson(`${server.root}/api/daily_papers`, { ...options, timeoutMs: 250 }).catch((e: unknown) => e)) as Error;
    for (const error of [refused, timedOut]) {
      const captured = captureLog('warn');
      captured.log.warn({ err: error }, 'failed');
      expect(JSON.parse(captured.lines[0]!).err.message).toBe(error.message);
    }
  });
});

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
