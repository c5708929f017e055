/**
 * A heartbeat check's own options (CONTRACT §3.1 `type: heartbeat`) and the
 * rules that span them: period or schedule (not both, not neither), a cron
 * expression croner accepts in the given IANA zone. Also the evaluation
 * defaults: a heartbeat is judged every 500 ms and turns error on the first
 * bad verdict, because lateness is already what its grace measures.
 */
import type { HeartbeatCheckConfig } from '../types';
import { cronProblem, timezone as zone } from './cron';
import { duration, fail, int, optional, required, text, type Parser } from './fields';
import { FOUND, type Problems } from './problems';
import type { Located } from './rules';

/** ms between evaluations when the check sets no interval: a ping is served within a second. */
// 250 ms: with the read-back of pings (250 ms) and the cluster's sync (250 ms) a ping on any replica is served
// by every replica within about 1 s (CONTRACT §4.10); a verdict is a few comparisons, so this costs nothing.
export const HEARTBEAT_INTERVAL_MS = 250;

const cron: Parser<string> = (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : fail(`${FOUND} is not a cron expression (like "30 2 * * *")`));

const anyDuration = duration();
const grace: Parser<number> = (value) =>
  (typeof value === 'number' && value < 0) || (typeof value === 'string' && value.trim().startsWith('-'))
    ? fail(`${FOUND} is not allowed (grace is 0 or more, like 0, 30s or 1h)`)
    : anyDuration(value);

export const heartbeatShape = {
  period: optional(duration({ positive: true }), null),
  schedule: optional(cron, null),
  timezone: optional(zone, 'UTC'),
  grace: optional(grace, 3_600_000),
  token: required(text(), 'required for heartbeat checks: a ping must carry it'),
  rateLimit: optional(int(1, 1_000_000, 'pings per minute'), 60),
};

/** Period and schedule: exactly one; a schedule croner can run. */
export function checkHeartbeats(checks: readonly Located[], problems: Problems): void {
  for (const { index, check } of checks) {
    if (check.type !== 'heartbeat') continue;
    const at = (key: string) => ['checks', index, key];
    if (check.period !== null && check.schedule !== null) problems.add(at('schedule'), 'not allowed with period (a heartbeat has one or the other)');
    if (check.period === null && check.schedule === null) problems.add(at('period'), 'missing (a heartbeat needs period or schedule)');
    if (check.schedule !== null) {
      const problem = cronProblem(check.schedule, check.timezone);
      if (problem !== null) problems.add(at('schedule'), `${FOUND} ${problem}`, check.schedule);
    }
  }
}

/** Evaluation timing for a heartbeat: its own values, else 250 ms / 125 ms / thresholds of 1. */
export function heartbeatTiming(check: Partial<Pick<HeartbeatCheckConfig, 'interval' | 'timeout' | 'failureThreshold' | 'successThreshold'>>) {
  const interval = check.interval ?? HEARTBEAT_INTERVAL_MS;
  return {
    interval,
    timeout: check.timeout ?? Math.max(1, Math.floor(interval / 2)),
    failureThreshold: check.failureThreshold ?? 1,
    successThreshold: check.successThreshold ?? 1,
  };
}
