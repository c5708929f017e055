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

