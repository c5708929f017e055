/**
 * When the next ping is due: `period` after the last one, or the first cron
 * time after it (croner, in the check's IANA zone, so DST is the zone's).
 */
import { Cron } from 'croner';

/** The first time (epoch ms) a ping is expected after one at `after`; Infinity when a cron never fires again. */
export type NextExpected = (after: number) => number;

export function nextExpected(config: { readonly period: number | null; readonly schedule: string | null; readonly timezone: string }): NextExpected {
  if (config.period !== null) {
    const period = config.period;
    return (after) => after + period;
  }
  if (config.schedule === null) throw new Error('a heartbeat needs period or schedule');
  const cron = new Cron(config.schedule, { timezone: config.timezone, paused: true });
  return (after) => cron.nextRun(new Date(after))?.getTime() ?? Infinity;
}

/** Why a cron expression or zone is unusable, or null when it is fine (used by config validation). */
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
