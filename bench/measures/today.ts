/**
 * `today` for recipients with 10 follows (6 topics, 2 authors, 2 categories) and 20 votes,
 * through `core.run` (so `latestListedDay` and `rankDay` with follow matching and vote
 * affinity all count). Baseline: the same requests from a recipient the bot has never seen
 * (anonymous ranking: upvotes only).
 */
import { pino } from 'pino';
import type { CommandContext } from '../../src/core/commands/command.ts';
import { createCore } from '../../src/core/core.ts';
import { createStorage } from '../../src/db/storage.ts';
import { authorName, CORPUS_LAST_DAY, paperAt, Rng, Zipf } from '../corpus.ts';
import { BENCH_PLATFORM, type BenchDb } from '../datasets.ts';
import { type BenchResult, progress, summarise, timeEach, times } from '../report.ts';
import { CATEGORIES, TOPICS } from '../vocab.ts';

export interface TodayOptions {
  requests: number;
  seed: number;
  p95Target?: number;
}

function ctxFor(externalId: string): CommandContext {
  return { recipient: { platform: BENCH_PLATFORM, externalId, kind: 'user' }, mayManage: async () => true };
}

export async function benchToday(bench: BenchDb, options: TodayOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  const core = createCore({ storage: createStorage(db), log: pino({ level: 'silent' }), clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const rng = new Rng(options.seed);
  const topics = new Zipf(TOPICS.length, 0.9);
  const authors = new Zipf(2000, 0.6);

  // Five users, each with 10 follows and 20 votes on papers of the last weeks.
  const users = ['today-1', 'today-2', 'today-3', 'today-4', 'today-5'];
  const recent = bench.layout.days.slice(-30);
  for (const user of users) {
    const follows = new Set<string>();
    while (follows.size < 6) follows.add(TOPICS[topics.sample(rng)]!);
    while (follows.size < 8) follows.add(`author:${authorName(authors.sample(rng))}`);
    while (follows.size < 10) follows.add(`cat:${rng.pick(CATEGORIES)}`);
    for (const follow of follows) {
      const answer = await core.run(`follow ${follow}`, ctxFor(user));
      if (answer.notice?.tone === 'error') throw new Error(`follow ${follow}: ${answer.notice.text}`);
    }
    for (let v = 0; v < 20; v++) {
      const day = rng.pick(recent);
      const paper = paperAt(bench.layout, day.start + rng.int(0, day.count - 1));
      await core.run(`vote ${paper.id} ${rng.chance(0.8) ? 'up' : 'down'}`, ctxFor(user));
    }
  }

  // 70 % plain `today`, the rest an earlier day of the last two months or page 2.
  const lastDays = bench.layout.days.slice(-60);
  const requests = Array.from({ length: options.requests }, () => {
    const roll = rng.next();
    const text = roll < 0.7 ? 'today' : roll < 0.9 ? `today ${rng.pick(lastDays).day}` : 'today 2';
    return { user: rng.pick(users), text };
  });
  progress(`${bench.engine} ${bench.layout.size}: today, ${requests.length} requests for users with 10 follows`);
  let failures = 0;
  let unmatched = 0;
  const personal = async (r: { user: string; text: string }) => {
    const answer = await core.run(r.text, ctxFor(r.user));
    if (answer.notice?.tone === 'error') failures++;
    if (answer.cards.length === 0) failures++;
    if (!answer.cards.some((c) => c.reasons.length > 0)) unmatched++;
  };
  await timeEach(requests.slice(0, 10), personal);
  failures = 0;
  unmatched = 0;
  const samples = await timeEach(requests, personal);
  const anonymous = await timeEach(requests, (r) => core.run(r.text, ctxFor('never-seen')), 10);

  const s = summarise(samples);
  const a = summarise(anonymous);
  const pass = options.p95Target === undefined ? undefined : s.p95 <= options.p95Target && failures === 0;
  return [
    {
      measure: 'today, 10 follows + 20 votes',
      engine: bench.engine,
      papers: bench.layout.size,
      ...s,
      result: `p95 ${s.p95.toFixed(1)} ms`,
      baseline: `anonymous p50 ${a.p50.toFixed(1)} ms`,
      ratio: `${times(s.p50 / a.p50)} anonymous`,
      target: options.p95Target === undefined ? 'info' : `p95 ≤ ${options.p95Target} ms`,
      ...(pass === undefined ? {} : { pass }),
      note: `${requests.length} requests by 5 users (70 % today, 20 % an earlier day, 10 % page 2), ~${Math.round(bench.layout.size / bench.layout.days.length)} papers a day; ${unmatched} answers had no followed match on the page${failures ? `; ${failures} FAILED` : ''}.`,
    },
  ];
}
