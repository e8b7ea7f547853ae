import { describe, expect, it } from 'vitest';
import { createDiscordRest } from '../../../src/bots/discord/client.ts';
import { createDiscordDeliveryPort } from '../../../src/bots/discord/delivery.ts';
import type { Answer } from '../../../src/core/answer.ts';
import type { RecipientRef } from '../../../src/core/recipient.ts';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { useDiscordHarness } from '../../support/discord/harness.ts';
import { buttonsOf } from '../../support/discord/interactions.ts';
import { captureLog } from '../../support/log.ts';

const channel = (id: string): RecipientRef => ({ platform: 'discord', externalId: id, kind: 'channel' });
const user = (id: string): RecipientRef => ({ platform: 'discord', externalId: id, kind: 'user' });

describe('Discord delivery port', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);
  let digest: Answer;

  async function answer(): Promise<Answer> {
    await seedPapers(t.db);
    digest = await h.core.execute('today', {}, { recipient: channel('4000000000000000001'), mayManage: async () => true });
    return digest;
  }

  const posts = (channelId: string) => h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);

  it('posts an answer to a channel as embeds and buttons, pinging no one', async () => {
    const result = await h.bot.port.send(channel('4000000000000000001'), await answer());
    expect(result).toEqual({ status: 'ok' });
    expect(h.bot.port.platform).toBe('discord');
    const [post] = h.fake.posted.filter((p) => p.channelId === '4000000000000000001');
    expect(post!.body.embeds[0].title).toBe('Papers for 2024-05-24');
    expect(post!.body.components.length).toBeGreaterThan(0);
    expect(post!.body.allowed_mentions).toEqual({ parse: [] });
    expect(post!.body.flags).toBeUndefined();
    expect(posts('4000000000000000001')[0]!.auth).toBe(`Bot ${h.token}`);
  });

  it('posts with a REST client alone, no gateway (as `paperboy deliver` does)', async () => {
    const { log } = captureLog();
    const rest = createDiscordRest({ apiRoot: h.fake.apiRoot, token: h.token, log });
    const port = createDiscordDeliveryPort({ rest, actions: h.core.actions, log, secrets: [h.token] });
    expect(await port.send(channel('4000000000000000002'), await answer())).toEqual({ status: 'ok' });
    const [post] = h.fake.posted.filter((p) => p.channelId === '4000000000000000002');
    expect(post!.body.embeds[0].title).toBe('Papers for 2024-05-24');
    expect(buttonsOf(post!.body).filter((b) => b.custom_id?.startsWith('pb:vote '))).toHaveLength(6);
    expect(posts('4000000000000000002')[0]!.auth).toBe(`Bot ${h.token}`);
  });

  it('opens a DM channel once per user and posts there', async () => {
    const digestAnswer = await answer();
    expect(await h.bot.port.send(user('2000000000000000031'), digestAnswer)).toEqual({ status: 'ok' });
    expect(await h.bot.port.send(user('2000000000000000031'), digestAnswer)).toEqual({ status: 'ok' });
    const opened = h.fake.requests.filter((r) => r.method === 'POST' && r.path === '/users/@me/channels');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.body).toEqual({ recipient_id: '2000000000000000031' });
    const dmChannel = h.fake.posted.at(-1)!.channelId;
    expect(h.fake.posted.filter((p) => p.channelId === dmChannel)).toHaveLength(2);
  });

  it('reports deleted channels, lost access and closed DMs as gone', async () => {
    const digestAnswer = await answer();
    const cases: [string, number, number][] = [
      ['4000000000000000010', 404, 10003],
      ['4000000000000000011', 403, 50001],
      ['4000000000000000012', 403, 50013],
    ];
    for (const [id, status, code] of cases) {
      h.fake.fail({ method: 'POST', path: new RegExp(`^/channels/${id}/messages$`), status, body: { message: 'nope', code } });
      const result = await h.bot.port.send(channel(id), digestAnswer);
      expect(result, `code ${code}`).toMatchObject({ status: 'gone', reason: expect.stringContaining(String(code)) });
    }
    h.fake.fail({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    expect(await h.bot.port.send(user('2000000000000000032'), digestAnswer)).toEqual({
      status: 'gone',
      reason: 'cannot send messages to this user (DMs closed or bot blocked) (Discord 50007)',
    });
  });

  it('lets discord.js wait out a short 429 and reports a long one as retry-after', async () => {
    const digestAnswer = await answer();
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/4000000000000000020\/messages$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.2, global: false },
    });
    const started = Date.now();
    expect(await h.bot.port.send(channel('4000000000000000020'), digestAnswer)).toEqual({ status: 'ok' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(posts('4000000000000000020').map((r) => r.status)).toEqual([429, 200]);

    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/4000000000000000021\/messages$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 30, global: false },
    });
    const result = await h.bot.port.send(channel('4000000000000000021'), digestAnswer);
    expect(result.status).toBe('retry-after');
    expect(result.status === 'retry-after' && result.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(posts('4000000000000000021').map((r) => r.status)).toEqual([429]);
  });

  it('reports 5xx (after discord.js retries) as retryable and a rejected message as not', async () => {
    const digestAnswer = await answer();
    h.fake.fail({ method: 'POST', path: /^\/channels\/4000000000000000030\/messages$/, status: 502, body: { message: 'Bad Gateway', code: 0 }, times: 4 });
    expect(await h.bot.port.send(channel('4000000000000000030'), digestAnswer)).toEqual({ status: 'failed', reason: 'Discord HTTP 502', retryable: true });
    expect(posts('4000000000000000030')).toHaveLength(4);

    h.fake.fail({ method: 'POST', path: /^\/channels\/4000000000000000031\/messages$/, status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
    expect(await h.bot.port.send(channel('4000000000000000031'), digestAnswer)).toMatchObject({ status: 'failed', retryable: false });
  });

  it('never lets the token into a reason or a log line', async () => {
    const digestAnswer = await answer();
    h.fake.fail({
      method: 'POST',
      path: /^\/channels\/4000000000000000040\/messages$/,
      status: 400,
      body: { message: `Bad request from Bot ${h.token}`, code: 50035 },
    });
    const result = await h.bot.port.send(channel('4000000000000000040'), digestAnswer);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('Bad request from Bot [redacted]') });
    expect(JSON.stringify(result)).not.toContain(h.token);
    expect(h.lines.some((line) => line.includes('[redacted]'))).toBe(true);
    expect(h.lines.join('\n')).not.toContain(h.token);
  });
});
