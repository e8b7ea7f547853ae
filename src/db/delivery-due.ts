import { type RawBuilder, sql } from 'kysely';
import type { DueSlot } from '../core/ports/delivery-ledger.ts';

/**
 * The period subscription `s` would get a digest for in slot `d`: the slot's local date for a
 * daily digest, the Monday of its week for a weekly one (the slot carries both; the core's
 * `periodStart` says what a period is). The ledger holds one row per (subscription, period).
 */
export const period = sql<string>`(case when s.cadence = 'weekly' then d.week_start else d.local_date end)`;

/**
 * The one definition of "due", for subscription `s` in slot `d` (a row of {@link dueSlotsTable}):
 * active, on the slot's schedule (timezone and send time) and one of its posting days (a daily
 * digest's weekdays, a weekly digest's one day), without a digest for the slot's period nor a
 * later one (claimed_through is the latest local date with a digest: a weekly digest is not due
 * in a week that already had one, whatever its day or cadence was then), and with settings not
 * changed after the due instant (a post due before the latest change is not owed: the next one
 * is, as `settings` says). Claiming (`lockDue`), counting (`countDueByPlatform`) and the
 * operators' listing (`dueSubscriptions`) all use it, so they cannot disagree. Its first
 * predicates match subscriptions_due_idx (status, timezone, send_time, claimed_through); the
 * period is never after the local date, so `claimed_through < local_date` only states for the
 * index what the period's condition implies.
 */
export const isDue = sql`s.status = 'active' and s.timezone = d.timezone and s.send_time = d.send_time
  and s.claimed_through < d.local_date and s.claimed_through < ${period}
  and (case when s.cadence = 'weekly' then d.weekday = s.weekly_day else d.weekday = any(s.weekdays) end)
  and s.updated_at < d.due_at`;

/**
 * The slots as a table `d(timezone, send_time, local_date, weekday, week_start, due_at)`, one
 * parameter per column however many slots; `extra` adds columns after those (name → an SQL
 * array parallel to `slots`).
 */
export function dueSlotsTable(slots: readonly DueSlot[], extra: Record<string, RawBuilder<unknown>> = {}) {
  const columns = ['timezone', 'send_time', 'local_date', 'weekday', 'week_start', 'due_at', ...Object.keys(extra)];
  const arrays = [
    sql`${slots.map((s) => s.timezone)}::text[]`,
    sql`${slots.map((s) => s.sendTime)}::text[]`,
    sql`${slots.map((s) => s.localDate)}::date[]`,
    sql`${slots.map((s) => s.weekday)}::int[]`,
    sql`${slots.map((s) => s.weekStart)}::date[]`,
    sql`${slots.map((s) => s.dueAt.toISOString())}::timestamptz[]`,
    ...Object.values(extra),
  ];
  return sql`unnest(${sql.join(arrays)}) as d(${sql.join(columns.map((column) => sql.id(column)))})`;
}
