import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake received. */
export interface FakeRequest {
  path: string;
  query: URLSearchParams;
  /** performance.now() when the request arrived. */
  receivedAt: number;
}

/**
 * What the fake answers: a response, 'hang' (accept the request and never answer) or
 * 'drop' (close the connection without answering, which clients see as a network error).
 */
export type FakeReply = { status?: number; headers?: Record<string, string>; body?: string } | 'hang' | 'drop';

export type FakeRoute = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

/** A local HTTP server on 127.0.0.1 standing in for Hugging Face or arXiv. */
export interface FakeUpstream {
  /** Base URL, e.g. http://127.0.0.1:41234 (use as HF_API_ROOT / ARXIV_API_ROOT). */
  root: string;
  requests: FakeRequest[];
  /** Most requests that were ever being answered at the same time. */
  readonly maxConcurrent: number;
  /** Swaps the behaviour, e.g. to go from healthy to failing between two runs. */
  setRoute(route: FakeRoute): void;
  close(): Promise<void>;
}

/** Starts a fake upstream on a free port. */
export async function startFakeUpstream(route: FakeRoute): Promise<FakeUpstream> {
  let current = route;
  let active = 0;
  let maxConcurrent = 0;
  const requests: FakeRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    active++;
    maxConcurrent = Math.max(maxConcurrent, active);
    res.on('close', () => active--);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = { path: url.pathname, query: url.searchParams, receivedAt: performance.now() };
    requests.push(request);
    void Promise.resolve(current(request)).then((reply) => {
      if (reply === 'hang') return;
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    root: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    setRoute(next) {
      current = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON answer. */
export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): FakeReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** An HTML error page like the ones a CDN or load balancer serves. */
export function htmlReply(status: number, title: string, headers: Record<string, string> = {}): FakeReply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    body: `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body><h1>${title}</h1><p>Please try again later.</p></body>\n</html>\n`,
  };
}

/**
 * Hugging Face's `GET /api/daily_papers?date=&p=&limit=`: serves `days[date]` page by page
 * the way the real API does (page `p` from 0, `limit` items each, an empty list past the end).
 */
export function hfDailyPapersRoute(days: Record<string, unknown[]>): FakeRoute {
  return ({ path, query }) => {
    if (path !== '/api/daily_papers') return jsonReply({ error: 'Not Found' }, 404);
    const items = days[query.get('date') ?? ''] ?? [];
    const limit = Number(query.get('limit') ?? 50);
    const page = Number(query.get('p') ?? 0);
    return jsonReply(items.slice(page * limit, (page + 1) * limit));
  };
}

/**
 * arXiv's `GET /api/query`: serves the `<entry>` elements of a hand-written Atom feed for
 * `cat:<category>`, newest first, re-paged by `start` and `max_results` into feeds of the real shape.
 */
export function arxivQueryRoute(feeds: Record<string, string>): FakeRoute {
  const entriesByCategory = Object.fromEntries(Object.entries(feeds).map(([category, xml]) => [category, entriesOf(xml)]));
  return ({ path, query }) => {
    if (path !== '/api/query') return htmlReply(404, '404 Not Found');
    const category = (query.get('search_query') ?? '').replace(/^cat:/, '');
    const entries = entriesByCategory[category] ?? [];
    const start = Number(query.get('start') ?? 0);
    const max = Number(query.get('max_results') ?? 10);
    return atomReply(entries.slice(start, start + max), { total: entries.length, start, max, category });
  };
}

/** The `<entry>…</entry>` blocks of a feed, as text (test scaffolding, not a parser). */
export function entriesOf(feedXml: string): string[] {
  return feedXml
    .split('<entry>')
    .slice(1)
    .map((chunk) => `<entry>${chunk.slice(0, chunk.indexOf('</entry>'))}</entry>`);
}

/** An Atom feed of the arXiv query API's shape around `entries`. */
export function atomReply(entries: string[], page: { total: number; start: number; max: number; category: string }): FakeReply {
  const opensearch = 'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"';
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3Dcat%3A${page.category}%26id_list%3D%26start%3D${page.start}%26max_results%3D${page.max}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=cat:${page.category}&amp;id_list=&amp;start=${page.start}&amp;max_results=${page.max}</title>
  <id>http://arxiv.org/api/0QyGmgGW0eD9JeTLQzZ4DrUGRko</id>
  <updated>2026-11-27T00:00:00-05:00</updated>
  <opensearch:totalResults ${opensearch}>${page.total}</opensearch:totalResults>
  <opensearch:startIndex ${opensearch}>${page.start}</opensearch:startIndex>
  <opensearch:itemsPerPage ${opensearch}>${page.max}</opensearch:itemsPerPage>
  ${entries.join('\n  ')}
</feed>
`;
  return { status: 200, headers: { 'content-type': 'application/atom+xml; charset=utf-8' }, body };
}
