/**
 * Composing the daily digests of many subscribers at once, through the real scheduler
 * code: `claimDueDeliveries` (claims, set-based `composeDigests`, recorded choices and
 * delivered_papers) in batches of 500 as a delivery pass takes them, then
 * `loadDeliveries` + `digestAnswers` (the posts) for each batch — everything a pass does
 * before it hands posts to the platforms. Subscribers: N recipients × 5 follows (mostly
 * topics by popularity, some authors and categories), all due at 09:00 UTC on the
 * corpus's newest day (300 new papers; the digest window also reads the day before).
 * Baseline: one `rankDay` per subscriber (the per-subscriber approach), timed on a
 * sample and scaled to N.
 */
import { sql } from 'kysely';
import { digestAnswers } from '../../src/core/digest/digest-answer.ts';
import { rankDay } from '../../src/core/ranking/rank-day.ts';
import { claimDueDeliveries } from '../../src/core/schedule/claim-deliveries.ts';
import { cutoffMs } from '../../src/core/schedule/due-slots.ts';
import { createStorage } from '../../src/db/storage.ts';
import { authorName, CORPUS_LAST_DAY, Rng, Zipf } from '../corpus.ts';
import { type BenchDb, removeRecipients } from '../datasets.ts';
import { type BenchResult, progress, summarise, times } from '../report.ts';
import { CATEGORIES, TOPICS } from '../vocab.ts';

export const DIGEST_PLATFORM = 'bench-digest';
/** Deliveries a delivery pass claims per transaction (its default `batchSize`). */
const CLAIM_BATCH = 500;
const SCHEDULES = [
  { timezone: 'UTC', sendTime: '09:00' },
  { timezone: 'Europe/Berlin', sendTime: '10:00' },
  { timezone: 'Europe/Lisbon', sendTime: '09:00' },
  { timezone: 'Africa/Lagos', sendTime: '10:00' },
];

export interface DigestOptions {
  subscribers: number;
  seed: number;
  /** Total seconds allowed. */
  targetSeconds?: number;
}

/** What kind of recipients `addSubscribers` makes: private chats (ids `chatIdBase + i`) or channels (ids `-(chatIdBase + i)`, as Telegram's are negative). */
export interface SubscriberShape {
  kind?: 'user' | 'channel';
  /** Papers per post (default 5). */
  papersPerPost?: number;
}

/** Inserts N subscribers with 5 follows each, set-based (setup, not measured). */
export async function addSubscribers(
  bench: BenchDb,
  n: number,
  seed: number,
  platform = DIGEST_PLATFORM,
  chatIdBase = 0,
  shape: SubscriberShape = {},
): Promise<number[]> {
  const kind = shape.kind ?? 'user';
  const sign = kind === 'channel' ? -1 : 1;
  const papersPerPost = shape.papersPerPost ?? 5;
  const { db } = bench.handle;
  const rng = new Rng(seed);
  const topics = new Zipf(TOPICS.length, 0.9);
  const authors = new Zipf(3000, 0.6);
  const ids: number[] = [];
  for (let from = 0; from < n; from += 20_000) {
    const count = Math.min(20_000, n - from);
    const { rows } = await sql<{ id: number }>`
      insert into recipients (platform, external_id, kind)
      select ${platform}, (${sign}::bigint * (${chatIdBase}::bigint + g))::text, ${kind} from generate_series(${from + 1}::int, ${from + count}::int) g
      returning id`.execute(db);
    const batchIds = rows.map((r) => r.id);
    ids.push(...batchIds);
    const rid: number[] = [];
    const followKind: string[] = [];
    const value: string[] = [];
    const label: string[] = [];
    const schedule: number[] = [];
    for (const id of batchIds) {
      const follows = new Map<string, { kind: string; label: string }>();
      while (follows.size < 5) {
        const roll = rng.next();
        const f =
          roll < 0.75
            ? { kind: 'topic', label: TOPICS[topics.sample(rng)]! }
            : roll < 0.9
              ? { kind: 'author', label: authorName(authors.sample(rng)) }
              : { kind: 'category', label: rng.pick(CATEGORIES) };
        follows.set(`${f.kind}:${f.label.toLowerCase()}`, f);
      }
      for (const f of follows.values()) {
        rid.push(id);
        followKind.push(f.kind);
        value.push(f.label.toLowerCase());
        label.push(f.label);
      }
      schedule.push(rng.int(0, SCHEDULES.length - 1));
    }
    await sql`
      insert into follows (recipient_id, kind, value, label)
      select * from unnest(${rid}::int[], ${followKind}::text[], ${value}::text[], ${label}::text[])`.execute(db);
    await sql`
      insert into subscriptions (recipient_id, send_time, timezone, papers_per_post, created_at, updated_at)
      select r, s.send_time, s.timezone, ${papersPerPost}::int, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'
      from unnest(${batchIds}::int[], ${schedule}::int[]) as x(r, k)
      join (select * from unnest(${SCHEDULES.map((s) => s.sendTime)}::text[], ${SCHEDULES.map((s) => s.timezone)}::text[])
              with ordinality as t(send_time, timezone, k)) s on s.k = x.k + 1`.execute(db);
  }
  await sql`analyze recipients`.execute(db);
  await sql`analyze follows`.execute(db);
  await sql`analyze subscriptions`.execute(db);
  return ids;
}

/** Clears the dead rows a measure's clean-up leaves, so the next measure starts from a tidy database. */
export async function vacuumDeliveryTables(bench: BenchDb): Promise<void> {
  for (const table of ['delivered_papers', 'deliveries', 'subscriptions', 'follows', 'recipients']) {
    await sql`vacuum analyze ${sql.table(table)}`.execute(bench.handle.db);
  }
}

export async function benchDigest(bench: BenchDb, options: DigestOptions): Promise<BenchResult[]> {
  const storage = createStorage(bench.handle.db);
  const n = options.subscribers;
  progress(`${bench.engine} ${bench.layout.size}: adding ${n} subscribers × 5 follows`);
  const ids = await addSubscribers(bench, n, options.seed);
  try {
    const now = new Date(`${CORPUS_LAST_DAY}T09:00:30Z`);
    const leaseUntil = new Date(now.getTime() + 60_000);
    progress(`${bench.engine} ${bench.layout.size}: composing ${n} digests (claim + compose + posts, ${CLAIM_BATCH} per batch)`);
    const batchMs: number[] = [];
    let claimed = 0;
    let empty = 0;
    let papers = 0;
    let matchedCards = 0;
    const started = performance.now();
    for (;;) {
      const t = performance.now();
      const { claims, choices } = await claimDueDeliveries(storage, {
        platforms: [DIGEST_PLATFORM],
        workerId: 'bench',
        now,
        leaseUntil,
        cutoffMs: cutoffMs(6),
        limit: CLAIM_BATCH,
      });
      if (claims.length === 0) break;
      const pending = await storage.ledger.load(choices.filter((c) => !c.empty).map((c) => c.id));
      const answers = await digestAnswers(storage.papers, pending);
      batchMs.push(performance.now() - t);
      claimed += claims.length;
      empty += choices.filter((c) => c.empty).length;
      for (const answer of answers.values()) {
        papers += answer.cards.length;
        matchedCards += answer.cards.filter((c) => c.reasons.some((r) => r.kind === 'follow')).length;
      }
    }
    const totalMs = performance.now() - started;

    // Baseline: rankDay per subscriber on a sample, scaled to N.
    const sample = ids.slice(0, Math.min(200, ids.length));
    const b0 = performance.now();
    for (const id of sample) await rankDay(storage, { day: CORPUS_LAST_DAY, recipient: id, limit: 5, offset: 0 });
    const perSubscriberMs = (performance.now() - b0) / sample.length;
    const baselineMs = perSubscriberMs * n;

    const s = summarise(batchMs);
    const target = options.targetSeconds;
    const ok = claimed === n;
    return [
      {
        measure: `compose digests, ${n.toLocaleString('en-US')} subscribers × 5 follows`,
        engine: bench.engine,
        papers: bench.layout.size,
        ...s,
        result: `${(totalMs / 1000).toFixed(1)} s total`,
        baseline: `rankDay each ≈ ${(baselineMs / 1000).toFixed(0)} s`,
        ratio: `${times(baselineMs / totalMs)} faster`,
        target: target === undefined ? 'info' : `≤ ${target} s`,
        ...(target === undefined ? {} : { pass: totalMs / 1000 <= target && ok }),
        note: `p50/p95/max per batch of ${CLAIM_BATCH} (claim, compose, record, build posts); ${claimed} claimed, ${empty} empty, ${(papers / Math.max(1, claimed - empty)).toFixed(1)} papers a post (${Math.round((100 * matchedCards) / Math.max(1, papers))} % matching a follow); baseline = ${perSubscriberMs.toFixed(1)} ms per rankDay on ${sample.length} subscribers × ${n}.${ok ? '' : ' NOT ALL CLAIMED.'}`,
      },
    ];
  } finally {
    progress(`${bench.engine} ${bench.layout.size}: removing the digest subscribers`);
    await removeRecipients(bench.handle.db, DIGEST_PLATFORM);
    await vacuumDeliveryTables(bench);
  }
}
