import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import type { Answer } from '../../src/core/answer.ts';
import type { DeliveryPort, SendResult } from '../../src/core/delivery-port.ts';
import type { PaperInput } from '../../src/core/paper.ts';
import type { RecipientRef } from '../../src/core/recipient.ts';
import { type DeliveryPassOptions, runDeliveryPass } from '../../src/core/schedule/delivery-pass.ts';
import { createDb, type DbHandle } from '../../src/db/create-db.ts';
import type { Database } from '../../src/db/schema.ts';
import { createStorage } from '../../src/db/storage.ts';
import { withDatabase } from './global-setup.ts';
import { silentLog } from './log.ts';

/** A subscription as the chat command would make it, with the instant it was made. */
export interface TestSubscription {
  externalId: string;
  platform?: string;
  kind?: 'user' | 'channel';
  sendTime?: string;
  timezone?: string;
  weekdays?: number[];
  /** A weekly digest on this ISO weekday (1 = Monday) instead of a daily one. */
  weeklyDay?: number;
  papersPerPost?: number;
  postWhenEmpty?: boolean;
  /** When it was made or last changed (default 2026-01-01). */
  at?: string;
  follows?: string[];
}

/** Inserts a recipient, its follows (topics) and its subscription; returns the recipient and subscription ids. */
export async function addSubscription(db: Kysely<Database>, sub: TestSubscription): Promise<{ recipientId: number; subscriptionId: number }> {
  const recipientId = await createStorage(db).recipients.ensure({ platform: sub.platform ?? 'test', externalId: sub.externalId, kind: sub.kind ?? 'user' });
  for (const topic of sub.follows ?? []) {
    const [kind, value] = topic.startsWith('author:')
      ? (['author', topic.slice(7)] as const)
      : topic.startsWith('cat:')
        ? (['category', topic.slice(4)] as const)
        : (['topic', topic] as const);
    await db.insertInto('follows').values({ recipient_id: recipientId, kind, value: value.toLowerCase(), label: value }).execute();
  }
  const at = new Date(sub.at ?? '2026-01-01T00:00:00Z');
  const row = await db
    .insertInto('subscriptions')
    .values({
      recipient_id: recipientId,
      send_time: sub.sendTime ?? '09:00',
      timezone: sub.timezone ?? 'UTC',
      ...(sub.weekdays ? { weekdays: sub.weekdays } : {}),
      ...(sub.weeklyDay ? { cadence: 'weekly' as const, weekly_day: sub.weeklyDay } : {}),
      ...(sub.papersPerPost ? { papers_per_post: sub.papersPerPost } : {}),
      ...(sub.postWhenEmpty !== undefined ? { post_when_empty: sub.postWhenEmpty } : {}),
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { recipientId, subscriptionId: row.id };
}

/** A paper listed on `day` (HF featured day) with some upvotes and keywords. */
export function paper(id: string, day: string, extra: Partial<PaperInput> = {}): PaperInput {
  return { id, title: `Paper ${id}`, abstract: `About ${id}.`, featuredOn: day, upvotes: 1, source: 'hf', ...extra };
}

export async function addPapers(db: Kysely<Database>, papers: PaperInput[]): Promise<void> {
  await createStorage(db).papers.store(papers);
}

/** One post a test port received. */
export interface Sent {
  target: RecipientRef;
  answer: Answer;
}

/**
 * A DeliveryPort that records what it posts. `script` may answer a send differently
 * (429, gone, migrated, failures) before the default ok.
 */
export function recordingPort(
  platform = 'test',
  script?: (target: RecipientRef, answer: Answer, call: number) => SendResult | undefined | Promise<SendResult | undefined>,
) {
  const sent: Sent[] = [];
  let calls = 0;
  const port: DeliveryPort & { sent: Sent[]; calls: () => number } = {
    platform,
    sent,
    calls: () => calls,
    async send(target, answer) {
      const result = (await script?.(target, answer, calls++)) ?? { status: 'ok' };
      if (result.status === 'ok') sent.push({ target, answer });
      return result;
    },
  };
  return port;
}

/** Runs a pass with test defaults: silent, no real waits, a fixed clock at `at`. */
export function pass(db: Kysely<Database>, at: string, ports: DeliveryPort[], extra: Partial<DeliveryPassOptions> = {}) {
  return runDeliveryPass({
    storage: createStorage(db),
    ports: new Map(ports.map((p) => [p.platform, p])),
    clock: () => new Date(at),
    workerId: 'worker-a',
    catchUpHours: 6,
    log: silentLog,
    sleep: async () => {},
    ...extra,
  });
}

/** Ledger rows, oldest first. */
export async function ledger(db: Kysely<Database>) {
  return db.selectFrom('deliveries').selectAll().orderBy('id').execute();
}

/**
 * A second, independent connection pool on the same database as `handle` (another
 * "instance"). Only for a real server: PGlite is one process's embedded database.
 */
export async function secondHandle(handle: DbHandle): Promise<DbHandle> {
  const template = inject('postgresTemplate');
  if (handle.engine !== 'postgres' || !template) throw new Error('a second handle needs a real Postgres server');
  const database = handle.location.slice(handle.location.indexOf('/') + 1);
  return createDb({ databaseUrl: withDatabase(template.adminUrl, database), migrate: false, poolSize: 4 });
}
