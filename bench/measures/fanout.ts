/**
 * Fan-out of daily digests through the real Telegram adapter: `runDeliveryPass` (claims,
 * composition, sending with its concurrency, ledger writes) posting through the delivery
 * port of `createTelegramBot` (grammY with the shared throttler and delivery auto-retry)
 * to a fake Bot API that enforces 30 messages/s overall and 1/s per chat with 429s.
 * Checks: the sustained rate against the allowed 30/s, every non-empty digest arrives
 * exactly once, and 429s stay rare.
 *
 * The channel-heavy mix: most recipients are channels (negative chat ids, 10 papers a post,
 * so a post takes several messages, paced a second apart in one chat) and the fake also
 * holds each channel to 20 messages a minute, as Telegram does groups and channels.
 */
import { sql } from 'kysely';
import { pino } from 'pino';
import { createTelegramBot } from '../../src/bots/telegram/bot.ts';
import { createCore } from '../../src/core/core.ts';
import { runDeliveryPass } from '../../src/core/schedule/delivery-pass.ts';
import { createStorage } from '../../src/db/storage.ts';
import { CORPUS_LAST_DAY } from '../corpus.ts';
import { type BenchDb, removeRecipients } from '../datasets.ts';
import { RateLimitedBotApi } from '../fake-telegram.ts';
import { type BenchResult, progress, summarise } from '../report.ts';
import { addSubscribers, vacuumDeliveryTables } from './digest.ts';

const CHAT_ID_BASE = 700_000_000;
/** Channel ids are -(CHANNEL_ID_BASE + i): Telegram's look like -100…. */
const CHANNEL_ID_BASE = 1_000_000_000_000;
/** Telegram's limit on messages into one group or channel. */
const GROUP_PER_MINUTE = 20;

export interface FanoutOptions {
  digests: number;
  seed: number;
  /** Share of the digests that go to channels (10 papers a post) instead of private chats (5); default 0. */
  channelShare?: number;
}

export async function benchFanout(bench: BenchDb, options: FanoutOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  const log = pino({ level: 'silent' });
  await removeRecipients(db, 'telegram');
  const channels = Math.round(options.digests * (options.channelShare ?? 0));
  const mix = channels ? `, ${channels.toLocaleString('en-US')} of them channels` : '';
  progress(`${bench.engine} ${bench.layout.size}: fan-out, adding ${options.digests} Telegram subscribers${mix}`);
  if (channels) await addSubscribers(bench, channels, options.seed + 5, 'telegram', CHANNEL_ID_BASE, { kind: 'channel', papersPerPost: 10 });
  await addSubscribers(bench, options.digests - channels, options.seed + 3, 'telegram', CHAT_ID_BASE);
  const fake = await RateLimitedBotApi.start({ globalPerSecond: 30, perChatIntervalMs: 1000, ...(channels ? { groupPerMinute: GROUP_PER_MINUTE } : {}) });
  try {
    const storage = createStorage(db);
    const core = createCore({ storage, log });
    const telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core, log });
    const base = Date.parse(`${CORPUS_LAST_DAY}T09:00:30Z`);
    const t0 = Date.now();
    const clock = () => new Date(base + (Date.now() - t0));
    progress(
      `${bench.engine} ${bench.layout.size}: fan-out of ${options.digests} digests${mix} at ≤ 30 msg/s (about ${Math.ceil(options.digests / 30)} s a message each)`,
    );
    const started = performance.now();
    const result = await runDeliveryPass({ storage, ports: new Map([['telegram', telegram.port]]), clock, catchUpHours: 6, log });
    const totalMs = performance.now() - started;

    const { rows } = await sql<{ external_id: string; status: string }>`
      select r.external_id, d.status
      from deliveries d join subscriptions s on s.id = d.subscription_id join recipients r on r.id = s.recipient_id
      where r.platform = 'telegram'`.execute(db);
    const expected = new Set(rows.filter((r) => r.status !== 'empty').map((r) => r.external_id));
    let lost = 0;
    let duplicated = 0;
    let unexpected = 0;
    for (const chat of expected) {
      const posts = (fake.messages.get(chat) ?? []).filter((text) => text.includes('Daily picks for')).length;
      if (posts === 0) lost++;
      if (posts > 1) duplicated += posts - 1;
    }
    for (const chat of fake.messages.keys()) if (!expected.has(chat)) unexpected++;
    // A part of a post taken twice (the same text twice in one chat) is a duplicate too.
    let partsTwice = 0;
    for (const texts of fake.messages.values()) partsTwice += texts.length - new Set(texts).size;
    const channelMessages = [...fake.messages].filter(([chat]) => Number(chat) < 0).reduce((sum, [, texts]) => sum + texts.length, 0);
    const channelPosts = [...expected].filter((chat) => Number(chat) < 0).length;
    const accepted = fake.acceptedAt.length;
    // The sustained rate: after the first second's worth, which a token bucket may send at once.
    const from = accepted > 60 ? 30 : 0;
    const span = (fake.acceptedAt.at(-1)! - fake.acceptedAt[from]!) / 1000;
    const perSecond = accepted - from > 1 ? (accepted - from - 1) / span : 0;
    const share = perSecond / 30;
    const rate429 = fake.sendCalls ? fake.rejected429 / fake.sendCalls : 0;
    // Gaps between accepted messages show the pauses (claiming the next batch).
    const gaps = fake.acceptedAt.slice(1).map((t, i) => t - fake.acceptedAt[i]!);
    const g = summarise(gaps);
    const pass = share >= 0.95 && lost === 0 && duplicated === 0 && partsTwice === 0 && unexpected === 0 && rate429 <= 0.01;
    const byReason = (reason: string) => fake.rejections.filter((r) => r.reason === reason).length;
    const channelNote = channels
      ? `; ${channelPosts} channel posts in ${channelMessages} messages (${(channelMessages / Math.max(1, channelPosts)).toFixed(1)} a post, 1 s apart, ≤ ${GROUP_PER_MINUTE}/min a channel); 429s by limit: ${byReason('global')} global, ${byReason('chat')} per chat, ${byReason('group')} per channel`
      : '';
    return [
      {
        measure: channels
          ? `Telegram fan-out, channel-heavy mix: ${options.digests.toLocaleString('en-US')} digests, ${Math.round((channels / options.digests) * 100)} % to channels`
          : `Telegram fan-out, ${options.digests.toLocaleString('en-US')} digests`,
        engine: bench.engine,
        papers: bench.layout.size,
        ...g,
        result: `${perSecond.toFixed(1)} msg/s; ${lost} lost, ${duplicated + partsTwice} dup; ${(rate429 * 100).toFixed(2)} % 429`,
        baseline: 'allowed 30 msg/s',
        ratio: `${(share * 100).toFixed(1)} % of allowed`,
        target: '≥ 95 %, 0 lost, 0 dup, 429 ≤ 1 %',
        pass,
        note: `p50/p95/max are gaps between accepted messages; the rate leaves out the first 30 (a burst the limit allows); ${accepted} messages for ${expected.size} non-empty digests (pass: ${result.claimed} claimed, ${result.sent} sent, ${result.empty} empty, ${result.failed} failed, ${result.retrying} retrying) in ${(totalMs / 1000).toFixed(0)} s; ${fake.rejected429} × 429 of ${fake.sendCalls} sendMessage calls${channelNote}${unexpected ? `; ${unexpected} chats got a post they should not have` : ''}.`,
      },
    ];
  } finally {
    await fake.close();
    progress(`${bench.engine} ${bench.layout.size}: removing the fan-out subscribers`);
    await removeRecipients(db, 'telegram');
    await vacuumDeliveryTables(bench);
  }
}
