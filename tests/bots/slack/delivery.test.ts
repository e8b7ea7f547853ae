import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackDeliveryPort } from '../../../src/bots/slack/delivery.ts';
import { createDeliveryClient } from '../../../src/bots/slack/web-client.ts';
import type { Answer } from '../../../src/core/answer.ts';
import type { DeliveryPort } from '../../../src/core/delivery-port.ts';
import type { RecipientRef } from '../../../src/core/recipient.ts';
import { asUser, seedPapers, testCore } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { blocksProblem, FakeSlack } from '../../support/fakes/slack-server.ts';
import { captureLog } from '../../support/log.ts';
import { memoryCodec } from '../../support/memory-codec.ts';
import { addPapers, paper } from '../../support/schedule.ts';

const channel = (id: string): RecipientRef => ({ platform: 'slack', externalId: id, kind: 'channel' });
const user = (id: string): RecipientRef => ({ platform: 'slack', externalId: id, kind: 'user' });

describe('the Slack delivery port against the fake Web API', () => {
  const t = useTestDb('pglite');
  let fake: FakeSlack;
  const captured = captureLog('debug');
  const port = (channelIntervalMs = 0): DeliveryPort =>
    createSlackDeliveryPort({
      client: createDeliveryClient({ token: fake.botToken, apiRoot: fake.apiRoot, log: captured.log, secrets: [fake.botToken] }),
      actions: memoryCodec(),
      log: captured.log,
      secrets: [fake.botToken],
      channelIntervalMs,
    });

  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  async function digest(): Promise<Answer> {
    await seedPapers(t.db);
    await addPapers(t.db, [
      paper('2405.88001', '2024-05-24', { title: 'A paper with a picture', upvotes: 99, thumbnail: 'https://cdn.example.org/thumb.png' }),
    ]);
    return testCore(t.db).run('today', asUser('u1', 'slack'));
  }

  it('posts the answer as Block Kit with chat.postMessage, the thumbnail as image accessory, links not unfurled', async () => {
    const answer = await digest();
    expect(await port().send(channel('C0DIGEST1'), answer)).toEqual({ status: 'ok' });
    const [call] = fake.callsOf('chat.postMessage', 'C0DIGEST1');
    expect(call!.args).toMatchObject({ text: 'Papers for 2024-05-24', unfurl_links: 'false', unfurl_media: 'false' });
    expect(blocksProblem(call!.args.blocks, 50)).toBeUndefined();
    const first = call!.args.blocks.find((b: any) => b.type === 'section' && b.text.text.includes('A paper with a picture'));
    expect(first.accessory).toEqual({ type: 'image', image_url: 'https://cdn.example.org/thumb.png', alt_text: 'A paper with a picture' });
    expect(await port().send(user('U0READER1'), answer)).toEqual({ status: 'ok' });
    expect(fake.callsOf('chat.postMessage', 'U0READER1')).toHaveLength(1);
  });

  it('returns a 429 as retry-after with Slack’s Retry-After, without posting or waiting', async () => {
    const answer = await digest();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    const started = Date.now();
    expect(await port().send(channel('C0DIGEST2'), answer)).toEqual({ status: 'retry-after', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('reports a channel or user that cannot be posted to as gone', async () => {
    const answer = await digest();
    for (const error of ['channel_not_found', 'not_in_channel', 'account_inactive', 'is_archived']) {
      fake.failNext('chat.postMessage', { error });
      expect(await port().send(channel('C0GONE001'), answer)).toEqual({ status: 'gone', reason: `slack: ${error}` });
    }
  });

  it('reports network errors as retryable, a refused token as not', async () => {
    const answer = await digest();
    fake.failNext('chat.postMessage', 'network');
    expect(await port().send(channel('C0FAIL001'), answer)).toMatchObject({ status: 'failed', retryable: true });
    fake.failNext('chat.postMessage', { error: 'invalid_auth' });
    expect(await port().send(channel('C0FAIL001'), answer)).toMatchObject({ status: 'failed', retryable: false });
    expect(await port().send({ platform: 'discord', externalId: '1', kind: 'user' }, answer)).toMatchObject({ status: 'failed', retryable: false });
    expect(captured.text()).not.toContain(fake.botToken);
  });

  it('posts again without thumbnails when Slack refuses the blocks over an image', async () => {
    const answer = await digest();
    fake.failNext('chat.postMessage', { error: 'invalid_blocks' });
    expect(await port().send(channel('C0IMAGE01'), answer)).toEqual({ status: 'ok' });
    const [call] = fake.callsOf('chat.postMessage', 'C0IMAGE01');
    expect(JSON.stringify(call!.args.blocks)).not.toContain('"image"');
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
  });

  it('keeps about a second between posts into one channel, none between channels', async () => {
    const answer = await digest();
    const paced = port(400);
    const started = Date.now();
    await Promise.all([paced.send(channel('C0PACE001'), answer), paced.send(channel('C0PACE001'), answer), paced.send(channel('C0PACE002'), answer)]);
    const at = (id: string) => fake.callsOf('chat.postMessage', id).map((c) => c.at);
    const [a, b] = at('C0PACE001');
    expect(b! - a!).toBeGreaterThanOrEqual(350);
    expect(at('C0PACE002')[0]! - started).toBeLessThan(350);
  });

  it('gives a post still waiting for its channel’s turn back when stopping', async () => {
    const answer = await digest();
    const paced = port(5000);
    expect(await paced.send(channel('C0STOP001'), answer)).toEqual({ status: 'ok' });
    const stop = new AbortController();
    const waiting = paced.send(channel('C0STOP001'), answer, { signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    expect(await waiting).toMatchObject({ status: 'not-sent' });
    expect(fake.callsOf('chat.postMessage', 'C0STOP001')).toHaveLength(1);
  });
});
