/**
 * Composing the daily digests of many subscribers at once, through the real scheduler
 * code: `claimDueDeliveries` (claims, set-based `composeDigests`, recorded choices and
 * delivered_papers) in batches of 500 as a delivery pass takes them, then `digestAnswers`
 * (the posts) for each batch — everything a pass does before it hands posts to the
 * platforms (new claims carry their papers and reasons, so the pass reads none back).
 * Subscribers: N recipients × 5 follows (mostly topics by popularity, some authors and
 * categories), all due at 09:00 UTC on the corpus's newest day (300 new papers; the digest
 * window also reads the day before).
 * A share of them (20 %) then vote (50 votes each), every subscriber gets its profile (a topic
 * follow seeds one) and the same digests are composed again: the measured run. Baseline: the
 * first run, the same subscribers without profiles (the ranking before them), in the same
 * process; the note also gives one `rankDay` per subscriber (the per-subscriber approach),
 * timed on a sample and scaled to N.
 */
import { sql } from 'kysely';
import { digestAnswers } from '../../src/core/digest/digest-answer.ts';
import { PROFILE } from '../../src/core/ranking/profile.ts';
import { expandedProfile } from '../../src/core/ranking/profiles.ts';
import { rankDay } from '../../src/core/ranking/rank-day.ts';
import { forgetWindows } from '../../src/core/ranking/window-cache.ts';
import { claimDueDeliveries, pendingOf } from '../../src/core/schedule/claim-deliveries.ts';
import { cutoffMs } from '../../src/core/schedule/due-slots.ts';
import { createStorage } from '../../src/db/storage.ts';
import { authorName, CORPUS_LAST_DAY, paperIdAt, Rng, Zipf } from '../corpus.ts';
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
  /** Share of the subscribers with votes and a profile (default 0.2). */
  profileShare?: number;
  /** Votes each of them has (default 50). */
  votesPerProfile?: number;
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

/**
 * Gives `share` of the subscribers `votes` votes each (80 % 👍, on papers of the corpus's last
 * 60 days, cast over 120 days), set-based, then builds every subscriber's profile as the vote
 * and follow commands would have (a topic follow seeds one, so nearly all have one), 500
 * recipients a statement (setup; timed for the note).
 */
async function addProfiles(
  bench: BenchDb,
  ids: readonly number[],
  share: number,
  votes: number,
  seed: number,
): Promise<{ voters: number[]; votes: number; profiles: number; buildMs: number }> {
  const { db } = bench.handle;
  const rng = new Rng(seed + 5);
  const recent = bench.layout.days.slice(-60);
  const voters = ids.filter(() => rng.chance(share));
  const last = Date.parse(`${CORPUS_LAST_DAY}T12:00:00Z`);
  let rows = { recipient: [] as number[], paper: [] as string[], vote: [] as number[], at: [] as string[] };
  let inserted = 0;
  const flush = async () => {
    if (rows.recipient.length === 0) return;
    await sql`
      insert into feedback (recipient_id, paper_id, vote, created_at, updated_at)
      select r, p, v, a, a from unnest(${rows.recipient}::int[], ${rows.paper}::text[], ${rows.vote}::smallint[], ${rows.at}::timestamptz[]) as x(r, p, v, a)
      on conflict do nothing`.execute(db);
    inserted += rows.recipient.length;
    rows = { recipient: [], paper: [], vote: [], at: [] };
  };
  for (const recipient of voters) {
    for (let v = 0; v < votes; v++) {
      const day = rng.pick(recent);
      rows.recipient.push(recipient);
      rows.paper.push(paperIdAt(bench.layout, day.start + rng.int(0, day.count - 1)));
      rows.vote.push(rng.chance(0.8) ? 1 : -1);
      rows.at.push(new Date(last - rng.int(0, 120) * 86_400_000).toISOString());
    }
    if (rows.recipient.length >= 50_000) await flush();
  }
  await flush();
  await sql`analyze feedback`.execute(db);
  const storage = createStorage(db);
  const started = performance.now();
  let profiles = 0;
  for (let from = 0; from < ids.length; from += 500) {
    profiles += (await storage.profiles.rebuild(ids.slice(from, from + 500), expandedProfile, { votes: PROFILE.votes })).size;
  }
  const buildMs = performance.now() - started;
  await sql`vacuum analyze recipient_profiles`.execute(db);
  return { voters, votes: inserted, profiles, buildMs };
}

/** Every digest pass of the measure: claims in batches as a delivery pass takes them, and the posts built; caches dropped first. */
async function composeAll(storage: ReturnType<typeof createStorage>) {
  forgetWindows();
  const now = new Date(`${CORPUS_LAST_DAY}T09:00:30Z`);
  const leaseUntil = new Date(now.getTime() + 60_000);
  const batchMs: number[] = [];
  let claimed = 0;
  let empty = 0;
  let papers = 0;
  let matchedCards = 0;
  let likedCards = 0;
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
    // As the delivery pass does: new claims carry what their posts need.
    const pending = pendingOf({ claims, choices });
    const answers = await digestAnswers(storage.papers, pending);
    batchMs.push(performance.now() - t);
    claimed += claims.length;
    empty += choices.filter((c) => c.empty).length;
    for (const answer of answers.values()) {
      papers += answer.cards.length;
      matchedCards += answer.cards.filter((c) => c.reasons.some((r) => r.kind === 'follow')).length;
      likedCards += answer.cards.filter((c) => c.reasons.some((r) => r.kind === 'liked')).length;
    }
  }
  return { totalMs: performance.now() - started, batchMs, claimed, empty, papers, matchedCards, likedCards };
}

/** Takes back what a pass claimed, so the same subscribers are due again. */
async function unclaim(bench: BenchDb): Promise<void> {
  const { db } = bench.handle;
  await sql`delete from delivered_papers where recipient_id in (select id from recipients where platform = ${DIGEST_PLATFORM})`.execute(db);
  await sql`delete from deliveries where subscription_id in (select s.id from subscriptions s join recipients r on r.id = s.recipient_id where r.platform = ${DIGEST_PLATFORM})`.execute(
    db,
  );
  await sql`update subscriptions set claimed_through = '-infinity' where recipient_id in (select id from recipients where platform = ${DIGEST_PLATFORM})`.execute(
    db,
  );
  for (const table of ['delivered_papers', 'deliveries', 'subscriptions']) await sql`vacuum analyze ${sql.table(table)}`.execute(db);
}

export async function benchDigest(bench: BenchDb, options: DigestOptions): Promise<BenchResult[]> {
  const storage = createStorage(bench.handle.db);
  const n = options.subscribers;
  const share = options.profileShare ?? 0.2;
  const votes = options.votesPerProfile ?? 50;
  progress(`${bench.engine} ${bench.layout.size}: adding ${n} subscribers × 5 follows`);
  const ids = await addSubscribers(bench, n, options.seed);
  try {
    // The baseline: the same subscribers without profiles (the ranking before profiles).
    await sql`delete from recipient_profiles where recipient_id in (select id from recipients where platform = ${DIGEST_PLATFORM})`.execute(bench.handle.db);
    progress(`${bench.engine} ${bench.layout.size}: composing ${n} digests without profiles (the baseline)`);
    const plain = await composeAll(storage);
    await unclaim(bench);
    progress(`${bench.engine} ${bench.layout.size}: ${Math.round(share * 100)} % of the subscribers vote ${votes} times; building every subscriber's profile`);
    const profiles = await addProfiles(bench, ids, share, votes, options.seed);
    progress(
      `${bench.engine} ${bench.layout.size}: composing ${n} digests, ${profiles.profiles} with profiles (claim + compose + posts, ${CLAIM_BATCH} per batch)`,
    );
    const run = await composeAll(storage);
    // For comparison: the same digests when only the voters have a profile (as if the others
    // followed no topic), the share of profiles the target speaks of.
    await unclaim(bench);
    const voterIds = new Set(profiles.voters);
    const others = ids.filter((id) => !voterIds.has(id));
    await sql`delete from recipient_profiles where recipient_id = any(${others}::int[])`.execute(bench.handle.db);
    progress(`${bench.engine} ${bench.layout.size}: composing ${n} digests, only the ${profiles.voters.length} voters with profiles`);
    const votersOnly = await composeAll(storage);

    // For scale: rankDay per subscriber on a sample, scaled to N (the per-subscriber approach).
    const sample = ids.slice(0, Math.min(200, ids.length));
    const b0 = performance.now();
    for (const id of sample) await rankDay(storage, { day: CORPUS_LAST_DAY, recipient: id, limit: 5, offset: 0 });
    const perSubscriberMs = (performance.now() - b0) / sample.length;

    const s = summarise(run.batchMs);
    const target = options.targetSeconds;
    const ok = run.claimed === n;
    const served = Math.max(1, run.claimed - run.empty);
    return [
      {
        measure: `compose digests, ${n.toLocaleString('en-US')} subscribers × 5 follows, ${Math.round(share * 100)} % voting`,
        engine: bench.engine,
        papers: bench.layout.size,
        ...s,
        result: `${(run.totalMs / 1000).toFixed(1)} s total`,
        baseline: `no profiles ${(plain.totalMs / 1000).toFixed(1)} s`,
        ratio: `${times(run.totalMs / plain.totalMs)} the time`,
        target: target === undefined ? 'info' : `≤ ${target} s`,
        ...(target === undefined ? {} : { pass: run.totalMs / 1000 <= target && ok }),
        note: `p50/p95/max per batch of ${CLAIM_BATCH} (claim, compose, record, build posts); only the voters with profiles (the others' removed): ${(votersOnly.totalMs / 1000).toFixed(1)} s (${times(votersOnly.totalMs / plain.totalMs)} the time without); ${run.claimed} claimed, ${run.empty} empty, ${(run.papers / served).toFixed(1)} papers a post (${Math.round((100 * run.matchedCards) / Math.max(1, run.papers))} % matching a follow, ${Math.round((100 * run.likedCards) / Math.max(1, run.papers))} % like a 👍 paper); ${profiles.profiles} profiles (topic follows seed them) of which ${profiles.voters.length} also from ${profiles.votes} votes (${votes} each), built in ${(profiles.buildMs / 1000).toFixed(1)} s (setup); baseline: the same subscribers without profiles (the ranking before them), same run (p95 ${summarise(plain.batchMs).p95.toFixed(0)} ms a batch); rankDay per subscriber ${perSubscriberMs.toFixed(1)} ms, ≈ ${((perSubscriberMs * n) / 1000).toFixed(0)} s for all.${ok ? '' : ' NOT ALL CLAIMED.'}`,
      },
    ];
  } finally {
    progress(`${bench.engine} ${bench.layout.size}: removing the digest subscribers`);
    await removeRecipients(bench.handle.db, DIGEST_PLATFORM);
    await vacuumDeliveryTables(bench);
  }
}
