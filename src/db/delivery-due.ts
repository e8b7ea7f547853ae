import { type RawBuilder, sql } from 'kysely';
import type { DueSlot } from '../core/ports/delivery-ledger.ts';

/**
 * The one definition of "due", for subscription `s` in slot `d` (a row of {@link dueSlotsTable}):
 * active, on the slot's schedule (timezone and send time) and one of its weekdays, not claimed
 * for the slot's local date nor a later one, and with settings not changed after the due
 * instant (a post due before the latest change is not owed: the next one is, as `settings`
 * says). Claiming (`lockDue`), counting (`countDueByPlatform`) and the operators' listing
 * (`dueSubscriptions`) all use it, so they cannot disagree. Its first predicates match
 * subscriptions_due_idx (status, timezone, send_time, claimed_through).
 */
export const isDue = sql`s.status = 'active' and s.timezone = d.timezone and s.send_time = d.send_time
  and s.claimed_through < d.local_date
  and d.weekday = any(s.weekdays) and s.updated_at < d.due_at`;

/**
 * The slots as a table `d(timezone, send_time, local_date, weekday, due_at)`, one parameter per
 * column however many slots; `extra` adds columns after those (name → an SQL array parallel to
 * `slots`).
 */
export function dueSlotsTable(slots: readonly DueSlot[], extra: Record<string, RawBuilder<unknown>> = {}) {
  const columns = ['timezone', 'send_time', 'local_date', 'weekday', 'due_at', ...Object.keys(extra)];
  const arrays = [
    sql`${slots.map((s) => s.timezone)}::text[]`,
    sql`${slots.map((s) => s.sendTime)}::text[]`,
    sql`${slots.map((s) => s.localDate)}::date[]`,
    sql`${slots.map((s) => s.weekday)}::int[]`,
    sql`${slots.map((s) => s.dueAt.toISOString())}::timestamptz[]`,
    ...Object.values(extra),
  ];
  return sql`unnest(${sql.join(arrays)}) as d(${sql.join(columns.map((column) => sql.id(column)))})`;
}
