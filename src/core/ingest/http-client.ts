/**
 * Fetching from an upstream (Hugging Face, arXiv) with a timeout, turning every way a
 * request can fail into one typed {@link UpstreamError} whose message an operator can act on.
 */

/** How an upstream request failed. */
export type UpstreamErrorKind =
  /** No answer: DNS failure, connection refused or reset. Usually means we are offline. */
  | 'network'
  /** No complete answer within the timeout. */
  | 'timeout'
  /** The upstream answered with a non-2xx status (other than 429). */
  | 'http'
  /** HTTP 429: we are over the upstream's rate limit. */
  | 'rate-limited'
  /** A 2xx answer whose body is not JSON (often an HTML page from a proxy or captive portal). */
  | 'not-json'
  /** A 2xx answer that parsed but is not what the API documents (not a list, not an Atom feed…). */
  | 'bad-payload';

/** Details every {@link UpstreamError} carries. */
export interface UpstreamErrorDetails {
  /** The upstream's name for messages: 'Hugging Face', 'arXiv'. */
  upstream: string;
  url: string;
  /** The HTTP status, when an answer arrived. */
  status?: number;
  /** Seconds to wait before trying again, from the Retry-After header. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An upstream request that failed. Like grammY's HttpError/GrammyError pair, `kind` says whether
 * no answer arrived ('network', 'timeout') or the upstream answered something we cannot use.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly upstream: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    details: UpstreamErrorDetails,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.upstream = details.upstream;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** True when no answer arrived at all, which is how being offline looks. */
  get isUnreachable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout';
  }
}

/** Where and how to fetch. */
export interface FetchOptions {
  /** The upstream's name for error messages: 'Hugging Face', 'arXiv'. */
  upstream: string;
  /** Abort the request (including reading the body) after this many milliseconds. */
  timeoutMs: number;
  /** Sent as the Accept header. */
  accept?: string;
}

/** GETs `url` and returns its parsed JSON body; throws {@link UpstreamError} on any failure. */
export async function fetchJson(url: string, options: FetchOptions): Promise<unknown> {
  const answer = await fetchOk(url, { accept: 'application/json', ...options });
  if (looksLikeHtml(answer.contentType, answer.body)) {
    throw new UpstreamError(
      'not-json',
      `${options.upstream} answered HTTP ${answer.status} with an HTML page${titleOf(answer.body)} instead of JSON for ${url}`,
      { upstream: options.upstream, url, status: answer.status },
    );
  }
  try {
    return JSON.parse(answer.body) as unknown;
  } catch (error) {
    throw new UpstreamError('not-json', `${options.upstream} answered HTTP ${answer.status} with a body that is not JSON for ${url}: ${snippet(answer.body)}`, {
      upstream: options.upstream,
      url,
      status: answer.status,
      cause: error,
    });
  }
}

/** GETs `url` and returns its body as text; throws {@link UpstreamError} unless the status is 2xx. */
export async function fetchText(url: string, options: FetchOptions): Promise<string> {
  return (await fetchOk(url, options)).body;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

async function fetchOk(url: string, options: FetchOptions): Promise<Answer> {
  const { upstream, timeoutMs } = options;
  let answer: Answer;
  let retryAfterSeconds: number | undefined;
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: options.accept ?? '*/*', 'user-agent': 'paperboy (research-paper recommendations bot)' },
    });
    retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after')) ?? parseRateLimitReset(response.headers.get('ratelimit'));
    answer = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  } catch (error) {
    throw unreachable(error, url, options);
  }
  const { status, contentType, body } = answer;
  if (status === 429) {
    const wait = retryAfterSeconds === undefined ? 'no Retry-After given, wait a few minutes' : `retry after ${retryAfterSeconds} s`;
    throw new UpstreamError('rate-limited', `${upstream} rate limited (429), ${wait}: ${url}`, {
      upstream,
      url,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (status < 200 || status > 299) {
    const what = looksLikeHtml(contentType, body) ? ` with an HTML page${titleOf(body)}` : body.trim() ? ` (${snippet(body)})` : '';
    const wait = retryAfterSeconds === undefined ? '' : `; retry after ${retryAfterSeconds} s`;
    throw new UpstreamError('http', `${upstream} answered HTTP ${status}${what} for ${url}${wait}`, {
      upstream,
      url,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  return answer;
}

/**
 * No answer. The message says all there is to say (the abort, or the connection error's own
 * message), so the low-level error is not chained as `cause`: loggers append a cause's
 * message to the error's own (pino does), which would print the reason twice.
 */
function unreachable(error: unknown, url: string, { upstream, timeoutMs }: FetchOptions): UpstreamError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new UpstreamError('timeout', `${upstream} timed out after ${formatSeconds(timeoutMs)} for ${url} (HTTP_TIMEOUT_MS=${timeoutMs})`, { upstream, url });
  }
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND…) in the cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UpstreamError('network', `${upstream} is unreachable at ${url}: ${reason}`, { upstream, url });
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * Seconds until the window resets from an IETF `RateLimit` header (`"api";r=0;t=189`), which
 * Hugging Face sends on its 429s; used when there is no Retry-After.
 */
function parseRateLimitReset(header: string | null): number | undefined {
  const reset = header ? /(?:^|;)\s*t=(\d+)/.exec(header) : null;
  return reset?.[1] === undefined ? undefined : Number(reset[1]);
}

function looksLikeHtml(contentType: string, body: string): boolean {
  return /text\/html/i.test(contentType) || /^\s*<(!doctype html|html)[\s>]/i.test(body);
}

/** ` ("Page title")` of an HTML page, found without parsing it, or ''. */
function titleOf(html: string): string {
  const start = html.search(/<title[\s>]/i);
  if (start < 0) return '';
  const open = html.indexOf('>', start);
  const close = html.toLowerCase().indexOf('</title>', open);
  const title =
    open >= 0 && close > open
      ? html
          .slice(open + 1, close)
          .replace(/\s+/g, ' ')
          .trim()
      : '';
  return title ? ` ("${title.slice(0, 80)}")` : '';
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 120)}…` : text || '(empty body)';
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
