import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { safeError, sendResultFor } from '../../../src/bots/discord/errors.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.secretsecretsecretsecretsecret';

function apiError(status: number, code: number, message = 'nope') {
  return new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/channels/1/messages', { body: {} } as never);
}

describe('sendResultFor', () => {
  it('maps gone, rate limits, server errors and rejections', () => {
    expect(sendResultFor(apiError(404, 10003), [])).toEqual({ status: 'gone', reason: 'unknown channel (deleted) (Discord 10003)' });
    expect(sendResultFor(apiError(403, 50007), [])).toMatchObject({ status: 'gone' });
    expect(sendResultFor(apiError(403, 50001), [])).toMatchObject({ status: 'gone' });
    expect(sendResultFor(apiError(403, 50013), [])).toMatchObject({ status: 'gone' });
    const limited = new RateLimitError({
      timeToReset: 12_000,
      limit: 5,
      method: 'POST',
      hash: 'h',
      url: 'u',
      route: '/channels/:id/messages',
      majorParameter: '1',
      global: false,
      retryAfter: 11_000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    expect(sendResultFor(limited, [])).toEqual({ status: 'retry-after', retryAfterMs: 12_000 });
    expect(sendResultFor(new HTTPError(503, 'Service Unavailable', 'POST', 'u', { body: {} } as never), [])).toEqual({
      status: 'failed',
      reason: 'Discord HTTP 503',
      retryable: true,
    });
    expect(sendResultFor(apiError(400, 50035, 'Invalid Form Body'), [])).toMatchObject({ status: 'failed', retryable: false });
    expect(sendResultFor(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), [])).toEqual({
      status: 'failed',
      reason: 'Error: connect ECONNREFUSED (ECONNREFUSED)',
      retryable: true,
    });
  });

  it('redacts secrets from reasons', () => {
    const result = sendResultFor(apiError(400, 50035, `bad ${TOKEN}`), [TOKEN]);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});

describe('safeError', () => {
  it('keeps what helps and redacts tokens, including interaction tokens in URLs', () => {
    const error = new DiscordAPIError(
      { code: 10062, message: `Unknown interaction ${TOKEN}` },
      10062,
      404,
      'POST',
      'https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24tdG9rZW4/callback',
      { body: {} } as never,
    );
    const info = safeError(error, [TOKEN]);
    expect(info).toMatchObject({
      name: 'DiscordAPIError[10062]',
      code: 10062,
      status: 404,
      method: 'POST',
      url: 'https://discord.com/api/v10/interactions/123/[token]/callback',
    });
    expect(JSON.stringify(info)).not.toContain(TOKEN);
    expect(safeError(`plain ${TOKEN}`, [TOKEN])).toEqual({ message: 'plain [redacted]' });
  });
});
