import { sql, type Transaction } from 'kysely';
import type { DeliveryLedger, DueSlot, DueSubscription, PlatformFilter, ResumePoints } from '../core/ports/delivery-ledger.ts';
import type { Db } from './db.ts';
import { dueSlotsTable, isDue, period } from './delivery-due.ts';
import { platformClause } from './platform-clause.ts';
import type { CadenceKind, Database, RecipientKind, StoredReason } from './schema.ts';

/** The part of the ledger that claims due subscriptions. */
export type DeliveryClaims = Pick<DeliveryLedger, 'activeSchedules' | 'lockDue' | 'insert' | 'countDueByPlatform' | 'dueSubscriptions'>;

/**
 * Claiming due subscriptions: the ledger rows of a delivery pass come into being here, in
 * the transaction that also records the papers chosen for them.
 */
export function createDeliveryClaims(db: Db): DeliveryClaims {
  return {
    /**
     * A loose index scan over subscriptions_due_idx, one probe per schedule however many
     * subscriptions share it. It walks backwards, landing on each schedule's most recently
     * claimed entries, which are live: forwards it would land on the dead entries claims leave
     * behind.
     */
    async activeSchedules() {
      const { rows } = await sql<{ timezone: string; send_time: string }>`
        with recursive schedules as (
          (select timezone, send_time from subscriptions where status = 'active' order by timezone desc, send_time desc limit 1)
          union all
          select next.timezone, next.send_time
          from schedules s
          cross join lateral (
            select timezone, send_time from subscriptions
            where status = 'active' and (timezone, send_time) < (s.timezone, s.send_time)
            order by timezone desc, send_time desc, claimed_through desc, id desc
            limit 1
          ) next
        )
        select timezone, send_time from schedules`.execute(db);
      return rows.map((row) => ({ timezone: row.timezone, sendTime: row.send_time }));
    },

    /**
     * Subscriptions another transaction is claiming are skipped (`FOR UPDATE SKIP LOCKED`), so
     * concurrent instances share the work instead of queueing on each other. Reads only
     * unclaimed subscriptions of the due schedules (subscriptions_due_idx on claimed_through),
     * resuming past `resume` points when given (and updating them); if that comes up short it
     * looks at the whole slot again, so a subscription skipped while another transaction held
     * it is never missed.
     */
    async lockDue(options) {
      const trx = requireTransaction(db, 'lockDue');
      if (options.slots.length === 0 || options.limit <= 0) return [];
      const resume = options.resume;
      let locked = await lockOnce(trx, options.slots, options.platforms, options.limit, resume);
      if (resume && resume.size > 0 && locked.length < options.limit) {
        for (const slot of options.slots) resume.delete(slotKey(slot));
        locked = [...locked, ...(await lockOnce(trx, options.slots, options.platforms, options.limit - locked.length, undefined))];
      }
      if (resume) {
        for (const row of locked) {
          const key = slotKey({ timezone: row.timezone, sendTime: row.sendTime, localDate: row.localDate });
          const at = resume.get(key);
          if (!at || row.claimedThrough > at.claimedThrough || (row.claimedThrough === at.claimedThrough && row.subscriptionId > at.id)) {
            resume.set(key, { claimedThrough: row.claimedThrough, id: row.subscriptionId });
          }
        }
      }
      // A subscription due in two slots (yesterday's and today's) is claimed for the later date.
      const byId = new Map<number, (typeof locked)[number]>();
      for (const row of locked) {
        const seen = byId.get(row.subscriptionId);
        if (!seen || row.localDate > seen.localDate) byId.set(row.subscriptionId, row);
      }
      return [...byId.values()]
        .map(({ timezone: _t, sendTime: _s, claimedThrough: _c, ...due }) => due)
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.subscriptionId - b.subscriptionId);
    },

    /**
     * In one statement: inserts the ledger rows with their chosen papers and reasons, moves the
     * subscriptions' claimed_through, and records the papers in delivered_papers so no later
     * digest picks them again. The unique (subscription, period) key makes a second claim
     * of the same digest insert nothing (and record no papers).
     */
    async insert(choices, stamp) {
      const trx = requireTransaction(db, 'insert');
      if (choices.length === 0) return [];
      const json = JSON.stringify(
        choices.map((c) => ({
          subscription_id: c.subscriptionId,
          recipient_id: c.recipientId,
          local_date: c.localDate,
          period: c.period,
          cadence: c.cadence,
          due_at: c.dueAt.toISOString(),
          empty: c.empty,
          paper_ids: c.paperIds,
          reasons: c.reasons satisfies StoredReason[][],
        })),
      );
      // delivered_papers rows reference the deliveries inserted here, and Postgres checks that with
      // a cached plan. One cached while deliveries was empty (after a vacuum emptied it) is a
      // sequential scan that gets slower with every row this pass adds: while the statistics still
      // say "empty", plan each check for the table as it is.
      const { rows: stats } = await sql<{ empty: boolean }>`select relpages = 0 as empty from pg_class where oid = 'deliveries'::regclass`.execute(trx);
      const replan = stats[0]?.empty === true;
      if (replan) await sql`set local plan_cache_mode = force_custom_plan`.execute(trx);
      const { rows } = await sql<{ id: number; subscription_id: number; local_date: string; status: 'claimed' | 'empty' }>`
        with input as (
          select * from jsonb_to_recordset(${json}::jsonb)
            as c(subscription_id int, recipient_id int, local_date date, period date, cadence text, due_at timestamptz, empty boolean,
                 paper_ids text[], reasons jsonb)
        ),
        inserted as (
          insert into deliveries (subscription_id, local_date, period, cadence, status, claimed_by, lease_expires_at, due_at, created_at, paper_ids, reasons)
          select subscription_id, local_date, period, cadence, case when empty then 'empty' else 'claimed' end, ${stamp.workerId},
                 case when empty then null else ${stamp.leaseUntil}::timestamptz end, due_at, ${stamp.now}, paper_ids, reasons
          from input
          on conflict (subscription_id, period) do nothing
          returning id, subscription_id, local_date, status
        ),
        moved as (
          update subscriptions s set claimed_through = i.local_date
          from inserted i
          where s.id = any(array(select subscription_id from inserted)) -- by primary key, never a scan
            and s.id = i.subscription_id and s.claimed_through < i.local_date
        ),
        recorded as (
          insert into delivered_papers (recipient_id, paper_id, delivery_id, created_at)
          select c.recipient_id, p.paper_id, i.id, ${stamp.now}
          from inserted i
          join input c on c.subscription_id = i.subscription_id and c.local_date = i.local_date
          cross join lateral unnest(c.paper_ids) as p(paper_id)
          on conflict (recipient_id, paper_id) do nothing
        )
        select id, subscription_id, local_date, status from inserted`.execute(trx);
      if (replan) await sql`reset plan_cache_mode`.execute(trx);
      return rows.map((row) => ({ id: row.id, subscriptionId: row.subscription_id, localDate: row.local_date, status: row.status }));
    },

    /** For operators: which platforms have digests waiting for an instance with their adapter. */
    async countDueByPlatform(slots, platforms) {
      if (slots.length === 0) return new Map();
      const { rows } = await sql<{ platform: string; n: number }>`
        select r.platform, count(distinct s.id)::int as n
        from ${dueSlotsTable(slots)}
        join subscriptions s on ${isDue}
        join recipients r on r.id = s.recipient_id
        where true ${platformClause(platforms)}
        group by r.platform`.execute(db);
      return new Map(rows.map((row) => [row.platform, row.n]));
    },

    async dueSubscriptions(slots, subscriptionIds) {
      if (slots.length === 0 || subscriptionIds?.length === 0) return new Map();
      const { rows } = await sql<{ id: number; local_date: string }>`
        select s.id, max(d.local_date)::text as local_date
        from ${dueSlotsTable(slots)}
        join subscriptions s on ${isDue}
        ${subscriptionIds ? sql`where s.id = any(${[...subscriptionIds]}::int[])` : sql``}
        group by s.id
        order by s.id`.execute(db);
      return new Map(rows.map((row) => [row.id, row.local_date]));
    },
  };
}

/** `db` as the transaction a claim must run in; throws when it is not one (the locks would end with the statement). */
function requireTransaction(db: Db, method: string): Transaction<Database> {
  if (!db.isTransaction) {
    throw new Error(`DeliveryLedger.${method} must run inside Storage.transaction: its row locks and claims hold only until that transaction ends`);
  }
  return db as Transaction<Database>;
}

/**
 * The key of a slot in {@link ResumePoints}. A resume point is the index position
 * (claimed_through, id) of the last subscription an earlier claim took in that slot. Claimed
 * subscriptions leave dead index entries behind until vacuum; resuming past them keeps each
 * batch from walking over all the batches before it.
 */
function slotKey(slot: Pick<DueSlot, 'timezone' | 'sendTime' | 'localDate'>): string {
  return `${slot.timezone} ${slot.sendTime} ${slot.localDate}`;
}

async function lockOnce(
  trx: Transaction<Database>,
  slots: readonly DueSlot[],
  platforms: PlatformFilter,
  limit: number,
  resume: ResumePoints | undefined,
): Promise<(DueSubscription & { timezone: string; sendTime: string; claimedThrough: string })[]> {
  const after = slots.map((slot) => resume?.get(slotKey(slot)));
  // Walk subscriptions_due_idx in order and stop after `limit` rows. With its low row
  // estimates the planner otherwise prefers a bitmap scan that reads the whole rest of each
  // slot and sorts it: linear per batch, quadratic per pass.
  await sql`set local enable_bitmapscan = off`.execute(trx);
  const { rows } = await sql<{
    id: number;
    recipient_id: number;
    platform: string;
    external_id: string;
    kind: RecipientKind;
    timezone: string;
    send_time: string;
    claimed_through: string;
    local_date: string;
    period: string;
    cadence: CadenceKind;
    due_at: Date;
    papers_per_post: number;
    post_when_empty: boolean;
  }>`
    with slots as (
      select * from ${dueSlotsTable(slots, {
        after_ct: sql`${after.map((a) => a?.claimedThrough ?? '-infinity')}::date[]`,
        after_id: sql`${after.map((a) => a?.id ?? -1)}::int[]`,
      })}
    ),
    picked as (
      select s.id, s.recipient_id, s.papers_per_post, s.post_when_empty, s.claimed_through, s.cadence, s.period,
             d.timezone, d.send_time, d.local_date, d.due_at
      from (select * from slots order by local_date desc, due_at) d
      cross join lateral (
        select s.id, s.recipient_id, s.papers_per_post, s.post_when_empty, s.claimed_through, s.cadence, ${period}::text as period
        from subscriptions s
        where ${isDue}
          and (s.claimed_through, s.id) > (d.after_ct, d.after_id)
          ${platforms === undefined ? sql`` : sql`and exists (select 1 from recipients r where r.id = s.recipient_id ${platformClause(platforms)})`}
        order by s.claimed_through, s.id
        limit ${limit}
        for update of s skip locked
      ) s
      limit ${limit}
    )
    select p.*, r.platform, r.external_id, r.kind
    from picked p join recipients r on r.id = p.recipient_id`.execute(trx);
  await sql`reset enable_bitmapscan`.execute(trx);
  return rows.map((row) => ({
    subscriptionId: row.id,
    recipientId: row.recipient_id,
    recipient: { platform: row.platform, externalId: row.external_id, kind: row.kind },
    timezone: row.timezone,
    sendTime: row.send_time,
    claimedThrough: row.claimed_through,
    localDate: row.local_date,
    period: row.period,
    cadence: row.cadence,
    dueAt: row.due_at,
    papersPerPost: row.papers_per_post,
    postWhenEmpty: row.post_when_empty,
  }));
}
