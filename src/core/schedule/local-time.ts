/**
 * Wall-clock arithmetic in IANA timezones with nothing but Intl: what local date and time
 * an instant is somewhere, and which instant a local date and time is. DST gaps resolve
 * forward (02:30 on a spring-forward night is sent at 03:30); repeated hours take the first.
 */

export interface LocalDateTime {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'HH:MM' */
  time: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function parts(instant: Date, timeZone: string) {
  const out: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) out[part.type] = part.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'weekday', string>;
}

/** The local date, time and weekday of `instant` in `timeZone`. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const p = parts(instant, timeZone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, weekday: WEEKDAYS[p.weekday] ?? 1 };
}

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = parts(new Date(instantMs), timeZone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant at which clocks in `timeZone` show `date` `time`. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The offsets in force half a day either side cover any DST change on that date.
  const before = wall - offsetAt(wall - 12 * 3600_000, timeZone);
  const after = wall - offsetAt(wall + 12 * 3600_000, timeZone);
  const shows = (ms: number) => {
    const local = localDateTime(new Date(ms), timeZone);
    return local.date === date && local.time === time;
  };
  const valid = [before, after].filter(shows).sort((a, b) => a - b);
  // A repeated hour has two valid instants (take the first); a skipped one has none, and
  // the pre-change offset lands just past the gap (02:30 → 03:30).
  return new Date(valid[0] ?? before);
}

/** 'YYYY-MM-DD' plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday of a 'YYYY-MM-DD' date. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}
