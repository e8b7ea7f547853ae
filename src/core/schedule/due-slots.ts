import type { DueSlot } from '../ports/delivery-ledger.ts';
import { type CadenceKind, postingDays, type Subscription } from '../subscription.ts';
import { addDays, localDateTime, weekdayOf, zonedInstant } from './local-time.ts';

/**
 * The least lateness a post is allowed, whatever DELIVERY_CATCH_UP_HOURS says: even with no
 * catch-up the pass that runs in the minute a post is due (or a busy pass a few minutes
 * later) must still send it.
 */
export const MIN_CUTOFF_MS = 10 * 60_000;

/** The catch-up cut-off in milliseconds: how late a post may still go out. */
export function cutoffMs(catchUpHours: number): number {
  return Math.max(catchUpHours * 3_600_000, MIN_CUTOFF_MS);
}

/**
 * The period a digest on `localDate` is for, by its first day: a daily digest's period is its
 * local date; a weekly digest's is its local week, Monday to Sunday (the Monday). A subscription
 * gets at most one digest per period (the ledger's key), and none for a period that ended before
 * its latest digest (so a weekly digest never follows a digest of the same week, whatever
 * day or cadence it had before). The SQL side (`db/delivery-due.ts`) takes these from the slots.
 */
export function periodStart(localDate: string, cadence: CadenceKind): string {
  return cadence === 'weekly' ? addDays(localDate, 1 - weekdayOf(localDate)) : localDate;
}

/**
 * Which (timezone, send time) slots are due at `now`: the local send time on today's local
 * date, or on yesterday's (a 23:50 post missed across midnight), has passed and is at most
 * `cutoff` ms ago. DST follows local-time.ts: a send time in a spring-forward gap is due just
 * after the gap (02:30 → 03:30), in a repeated hour at its first occurrence. Weekdays and
 * cadence are per subscription and checked in SQL against `weekday` and the periods.
 */
export function dueSlots(schedules: readonly { timezone: string; sendTime: string }[], now: Date, cutoff: number): DueSlot[] {
  const slots: DueSlot[] = [];
  const nowMs = now.getTime();
  for (const { timezone, sendTime } of schedules) {
    const today = localDateTime(now, timezone).date;
    for (const localDate of [today, addDays(today, -1)]) {
      const dueAt = zonedInstant(localDate, sendTime, timezone);
      const late = nowMs - dueAt.getTime();
      if (late >= 0 && late <= cutoff) slots.push(slotOf(timezone, sendTime, localDate, dueAt));
    }
  }
  return slots;
}

/** The slot of a schedule on a local date (its due instant computed unless given). */
export function slotOf(timezone: string, sendTime: string, localDate: string, dueAt = zonedInstant(localDate, sendTime, timezone)): DueSlot {
  return { timezone, sendTime, localDate, weekday: weekdayOf(localDate), weekStart: periodStart(localDate, 'weekly'), dueAt };
}

/**
 * When the subscription's next digest is due after `now`, by the ledger's rule: a posting day
 * (a weekday when daily, its one day when weekly) whose period it has no digest for yet
 * (`claimedThrough`, the latest local date it has one for). Undefined when none is due within
 * the next two weeks (no days to post on).
 */
export function nextPostTime(sub: Pick<Subscription, 'sendTime' | 'timezone' | 'weekdays' | 'cadence' | 'claimedThrough'>, now: Date): Date | undefined {
  const days = postingDays(sub);
  const today = localDateTime(now, sub.timezone).date;
  for (let offset = 0; offset <= 14; offset++) {
    const date = addDays(today, offset);
    if (!days.includes(weekdayOf(date))) continue;
    if (sub.claimedThrough !== undefined && periodStart(date, sub.cadence.kind) <= sub.claimedThrough) continue;
    const at = zonedInstant(date, sub.sendTime, sub.timezone);
    if (at > now) return at;
  }
  return undefined;
}
