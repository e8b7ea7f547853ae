import type { DueSlot } from '../ports/delivery-ledger.ts';
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
 * Which (timezone, send time) slots are due at `now`: the local send time on today's local
 * date, or on yesterday's (a 23:50 post missed across midnight), has passed and is at most
 * `cutoff` ms ago. DST follows local-time.ts: a send time in a spring-forward gap is due just
 * after the gap (02:30 → 03:30), in a repeated hour at its first occurrence. Weekdays are
 * per subscription and checked in SQL against `weekday`.
 */
export function dueSlots(schedules: readonly { timezone: string; sendTime: string }[], now: Date, cutoff: number): DueSlot[] {
  const slots: DueSlot[] = [];
  const nowMs = now.getTime();
  for (const { timezone, sendTime } of schedules) {
    const today = localDateTime(now, timezone).date;
    for (const localDate of [today, addDays(today, -1)]) {
      const dueAt = zonedInstant(localDate, sendTime, timezone);
      const late = nowMs - dueAt.getTime();
      if (late >= 0 && late <= cutoff) slots.push({ timezone, sendTime, localDate, weekday: weekdayOf(localDate), dueAt });
    }
  }
  return slots;
}
