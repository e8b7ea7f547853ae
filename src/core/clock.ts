/** The current time. Injected everywhere time matters, so tests never wait for a real 09:00. */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

/** 'YYYY-MM-DD' of an instant in UTC. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The UTC day before a 'YYYY-MM-DD' day. */
export function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return utcDate(date);
}

/** The UTC day `days` days before a 'YYYY-MM-DD' day. */
export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return utcDate(date);
}
