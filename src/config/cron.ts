/** Cron expressions and IANA time zones, validated once for every section that takes them (maintenance, heartbeats). */
import { Cron } from 'croner';
import { fail, type Parser } from './fields';
import { FOUND } from './problems';

/** Why a cron expression or zone is unusable, or null when it is fine (5 fields; croner would also take a seconds field, which the contract does not allow). */
export function cronProblem(schedule: string, timezone: string): string | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} field${fields.length === 1 ? '' : 's'} (a cron expression has 5: minute hour day month weekday)`;
  try {
    const next = new Cron(schedule, { timezone, paused: true }).nextRun();
    return next === null ? 'never fires' : null;
  } catch (err) {
    // croner's message names the bad field ("Invalid value for minute: 61"); drop its class prefix.
    return `is not a valid cron expression (${String((err as Error).message).replace(/^\w+:\s*/, '').split('. ')[0]})`;
  }
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA zone name this runtime knows. */
export const timezone: Parser<string> = (value) =>
  typeof value === 'string' && value.trim() !== '' && isTimeZone(value)
    ? value
    : fail(`${FOUND} is not an IANA time zone (like UTC or Europe/Berlin)`);
