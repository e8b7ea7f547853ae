/**
 * `today` for recipients with 10 follows (6 topics, 2 authors, 2 categories) and 200 votes
 * (a learned profile), through `core.run` (so `latestListedDay` and `rankDay` with follow
 * matching, mutes, the profile scored against the day's content features and the reasons all
 * count). Baseline in the same run: the same requests with the profile rebuilt from the 200
 * votes before each one (what a ranking without the materialised profile reads); the note
 * adds the anonymous ranking (upvotes only).
 */
import { pino } from 'pino';
import { createCore } from '../../src/core/core.ts';
import { refreshProfile } from '../../src/core/ranking/profiles.ts';
import { createStorage } from '../../src/db/storage.ts';
import { CORPUS_LAST_DAY, Rng } from '../corpus.ts';
import type { BenchDb } from '../datasets.ts';
import { type BenchResult, progress, summarise, timeEach, times } from '../report.ts';
import { addProfiledUser, ctxFor } from './profiled-users.ts';

export interface TodayOptions {
  requests: number;
  seed: number;
  p95Target?: number;
}

/** Votes each recipient has: the most a profile reads. */
const VOTES = 200;

export async function benchToday(bench: BenchDb, options: TodayOptions): Promise<BenchResult[]> {
  const { db } = bench.handle;
  const storage = createStorage(db);
  const core = createCore({ storage, log: pino({ level: 'silent' }), clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const rng = new Rng(options.seed);

  const users = ['today-1', 'today-2', 'today-3', 'today-4', 'today-5'];
  progress(`${bench.engine} ${bench.layout.size}: today, ${users.length} users with 10 follows and ${VOTES} votes`);
  for (const user of users) await addProfiledUser(bench, core, storage, rng, user, VOTES);

  // 70 % plain `today`, the rest an earlier day of the last two months or page 2.
  const lastDays = bench.layout.days.slice(-60);
  const requests = Array.from({ length: options.requests }, () => {
    const roll = rng.next();
    const text = roll < 0.7 ? 'today' : roll < 0.9 ? `today ${rng.pick(lastDays).day}` : 'today 2';
    return { user: rng.pick(users), text };
  });
  progress(`${bench.engine} ${bench.layout.size}: today, ${requests.length} requests`);
  let failures = 0;
  let personal = 0;
  let cards = 0;
  const run = async (r: { user: string; text: string }) => {
    const answer = await core.run(r.text, ctxFor(r.user));
    if (answer.notice?.tone === 'error' || answer.cards.length === 0) failures++;
    cards += answer.cards.length;
    personal += answer.cards.filter((c) => c.reasons.length > 0).length;
  };
  await timeEach(requests.slice(0, 10), run);
  failures = 0;
  personal = 0;
  cards = 0;
  const samples = await timeEach(requests, run);
  const seen = { failures, personal, cards };
  const recipients = new Map(await Promise.all(users.map(async (u) => [u, (await storage.recipients.find(ctxFor(u).recipient))!] as const)));
  const rebuilt = await timeEach(requests.slice(0, Math.min(60, requests.length)), async (r) => {
    await refreshProfile(storage, recipients.get(r.user)!);
    await run(r);
  });
  const anonymous = await timeEach(requests, (r) => core.run(r.text, ctxFor('never-seen')), 10);

  const s = summarise(samples);
  const b = summarise(rebuilt);
  const a = summarise(anonymous);
  const pass = options.p95Target === undefined ? undefined : s.p95 <= options.p95Target && seen.failures === 0;
  return [
    {
      measure: `today, 10 follows + ${VOTES} votes`,
      engine: bench.engine,
      papers: bench.layout.size,
      ...s,
      result: `p95 ${s.p95.toFixed(1)} ms`,
      baseline: `profile rebuilt p50 ${b.p50.toFixed(1)} ms`,
      ratio: `${times(b.p50 / s.p50)} faster`,
      target: options.p95Target === undefined ? 'info' : `p95 ≤ ${options.p95Target} ms`,
      ...(pass === undefined ? {} : { pass }),
      note: `${requests.length} requests by 5 users (70 % today, 20 % an earlier day, 10 % page 2), ~${Math.round(bench.layout.size / bench.layout.days.length)} papers a day; ${seen.personal} of ${seen.cards} cards said why (follow, like a 👍 paper, related); baseline: the profile rebuilt from its ${VOTES} votes before each of ${rebuilt.length} of the requests (p95 ${b.p95.toFixed(1)} ms); anonymous p50 ${a.p50.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms${seen.failures ? `; ${seen.failures} FAILED` : ''}.`,
    },
  ];
}
