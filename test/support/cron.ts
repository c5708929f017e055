/**
 * Cron times that no test run can fall into. A test config with a fixed
 * window ("0 3 * * *" in Berlin) is open for half an hour a day, and a CI
 * run in that half hour failed (round 7, 02:05 UTC). These name an hour
 * about 12 hours away, and a weekday 3 days away, in the given zone.
 */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function partOf(now: number, timeZone: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, ...options }).format(now);
}

/** An hour of the day (0-23) in `timeZone` about 12 hours from now. */
export function farHour(timeZone = 'UTC', now = Date.now()): number {
  const hour = Number(partOf(now, timeZone, { hour: '2-digit', hourCycle: 'h23' }));
  return (hour + 12) % 24;
}

/** A cron weekday (0 = Sunday) three days from today in `timeZone`. */
export function farWeekday(timeZone = 'UTC', now = Date.now()): number {
  const today = WEEKDAYS.indexOf(partOf(now, timeZone, { weekday: 'short' }));
  return (today + 3) % 7;
}
