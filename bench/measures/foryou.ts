/**
 * `foryou` (the last 7 days) for recipients with 10 follows and 200 votes, through `core.run`:
 * the week's window and stamp, follows and mutes matched over ~2,000 papers, the profile
 * scored against the week's inverted content features, votes excluded, one page of cards with
 * reasons. The window's papers, follow matches and features are cached per window state (as
 * for `today` and digests), so most requests find them ready; the baseline is the cold path in
 * the same run: every cache dropped and the profile rebuilt from its votes before each request
 * (what a request costs without the materialised profile and the per-window cache, and what the
 * first request after a window changes pays). A second row measures `foryou month` (~9,000 papers).
 */
import { pino } from 'pino';
import { createCore } from '../../src/core/core.ts';
import { refreshProfile } from '../../src/core/ranking/profiles.ts';
import { forgetWindows } from '../../src/core/ranking/window-cache.ts';
import { createStorage } from '../../src/db/storage.ts';
import { CORPUS_LAST_DAY, Rng } from '../corpus.ts';
import type { BenchDb } from '../datasets.ts';
import { type BenchResult, progress, summarise, timeEach, times } from '../report.ts';
import { addProfiledUser, ctxFor } from './profiled-users.ts';

export interface ForYouOptions {
  requests: number;
  seed: number;
  p95Target?: number;
}

const VOTES = 200;

export async function benchForYou(bench: BenchDb, options: ForYouOptions): Promise<BenchResult[]> {
  const storage = createStorage(bench.handle.db);
  const core = createCore({ storage, log: pino({ level: 'silent' }), clock: () => new Date(`${CORPUS_LAST_DAY}T12:00:00Z`) });
  const rng = new Rng(options.seed + 11);
  const users = ['foryou-1', 'foryou-2', 'foryou-3', 'foryou-4', 'foryou-5'];
  progress(`${bench.engine} ${bench.layout.size}: foryou, ${users.length} users with 10 follows and ${VOTES} votes`);
  for (const user of users) await addProfiledUser(bench, core, storage, rng, user, VOTES);
  const recipients = new Map(await Promise.all(users.map(async (u) => [u, (await storage.recipients.find(ctxFor(u).recipient))!] as const)));

  const rows: BenchResult[] = [];
  for (const period of ['week', 'month'] as const) {
    // 80 % the first page, 20 % the second.
    const count = period === 'week' ? options.requests : Math.ceil(options.requests / 2);
    const requests = Array.from({ length: count }, () => ({ user: rng.pick(users), text: rng.chance(0.8) ? `foryou ${period}` : `foryou ${period} 2` }));
    progress(`${bench.engine} ${bench.layout.size}: foryou ${period}, ${requests.length} requests`);
    let failures = 0;
    let cards = 0;
    let liked = 0;
    const run = async (r: { user: string; text: string }) => {
      const answer = await core.run(r.text, ctxFor(r.user));
      if (answer.notice?.tone === 'error' || answer.cards.length === 0) failures++;
      cards += answer.cards.length;
      liked += answer.cards.filter((c) => c.reasons.some((reason) => reason.kind === 'liked' && reason.paper)).length;
    };
    forgetWindows();
    await timeEach(requests.slice(0, 5), run);
    failures = 0;
    cards = 0;
    liked = 0;
    const samples = await timeEach(requests, run);
    const seen = { failures, cards, liked };
    const cold = await timeEach(requests.slice(0, Math.min(period === 'week' ? 30 : 10, requests.length)), async (r) => {
      forgetWindows();
      await refreshProfile(storage, recipients.get(r.user)!);
      await run(r);
    });
    const s = summarise(samples);
    const c = summarise(cold);
    const target = period === 'week' ? options.p95Target : undefined;
    const pass = target === undefined ? undefined : s.p95 <= target && seen.failures === 0;
    rows.push({
      measure: `foryou ${period}, 10 follows + ${VOTES} votes`,
      engine: bench.engine,
      papers: bench.layout.size,
      ...s,
      result: `p95 ${s.p95.toFixed(1)} ms`,
      baseline: `cold p50 ${c.p50.toFixed(0)} ms`,
      ratio: `${times(c.p50 / s.p50)} faster`,
      target: target === undefined ? 'info' : `p95 ≤ ${target} ms`,
      ...(pass === undefined ? {} : { pass }),
      note: `${requests.length} requests by 5 users (80 % page 1, 20 % page 2), ${period === 'week' ? 7 : 30} days of ~${Math.round(bench.layout.size / bench.layout.days.length)} papers; ${seen.liked} of ${seen.cards} cards named the 👍 paper they are like; cold baseline (caches dropped, profile rebuilt from its votes, each request): ${cold.length} requests, p95 ${c.p95.toFixed(0)} ms${seen.failures ? `; ${seen.failures} FAILED` : ''}.`,
    });
  }
  return rows;
}
