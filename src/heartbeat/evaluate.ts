/**
 * A heartbeat's verdict from its last known pings, at time `now`. Pure: the
 * checker calls it each interval, tests call it with a fake clock.
 *
 * - a failure (`/fail`, a non-zero `/:code`) newer than the last success: error
 * - a started run older than `grace` that has not ended: error
 * - a run started within `grace` and not ended yet: ok (it is running)
 * - otherwise by the last success: ok until the next expected time, degraded
 *   for `grace` after it, error past that
 * - never pinged: no verdict (`unknown`) until the first expected time after
 *   `since` (this process's start) plus grace, error after. So a restart that
 *   lost its pings (memory storage) never invents an error.
 */
import type { Details, HeartbeatCheckConfig, Outcome } from '../types';
import { formatDuration } from '../config/duration';
import type { PingState } from './pings';
import type { NextExpected } from './schedule';

export interface EvaluateInput {
  readonly config: Pick<HeartbeatCheckConfig, 'grace' | 'period' | 'schedule' | 'timezone'>;
  readonly next: NextExpected;
  /** undefined: not known yet (shared storage not read); null: never pinged. */
  readonly state: PingState | null | undefined;
  readonly now: number;
  /** Epoch ms from which a never-pinged heartbeat is counted. */
  readonly since: number;
  /** Include the last run's note in details (only where details are not public). */
  readonly showNote?: boolean;
}

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function evaluateHeartbeat(input: EvaluateInput): Outcome {
  const { config, next, state, now, since } = input;
  const grace = config.grace;
  const schedule = config.period !== null ? { period_ms: config.period } : { schedule: config.schedule, timezone: config.timezone };
  if (state === undefined) return { status: 'unknown' };
  if (state === null) {
    const expected = next(since);
    const details: Details = { ...schedule, grace_ms: grace, last_ping_at: null, expected_at: iso(expected), last_exit_code: null };
    if (now <= expected + grace) return { status: 'unknown', details };
    return { status: 'error', errorKind: 'timeout', error: `no ping since the service started ${ago(now - since)} ago`, details };
  }

  const openRuns = Object.values(state.runs);
  const oldestRun = openRuns.length > 0 ? Math.min(...openRuns) : null;
  const expected = state.lastSuccessAt === null ? null : next(state.lastSuccessAt);
  const details: Details = {
    ...schedule,
    grace_ms: grace,
    last_ping_at: iso(state.lastPingAt),
    last_ping_kind: state.lastPingKind,
    last_success_at: iso(state.lastSuccessAt),
    last_failure_at: iso(state.lastFailureAt),
    expected_at: iso(expected),
    last_exit_code: state.lastExitCode,
    last_duration_ms: state.lastDurationMs,
    running: openRuns.length,
    ...(input.showNote && state.note !== null ? { last_note: state.note } : {}),
  };

  if (state.lastFailureAt !== null && (state.lastSuccessAt === null || state.lastFailureAt > state.lastSuccessAt)) {
    const code = state.lastExitCode !== null && state.lastExitCode !== 0 ? ` (exit code ${state.lastExitCode})` : '';
    return { status: 'error', errorKind: 'assertion', error: `last run failed${code}`, details };
  }
  if (oldestRun !== null && now > oldestRun + grace) {
    return { status: 'error', errorKind: 'timeout', error: `a run started ${ago(now - oldestRun)} ago has not finished (grace ${formatDuration(grace)})`, details };
  }
  if (oldestRun !== null) return { status: 'ok', details };
  // Only a start ever came, and its run has since been dropped: judged like a never-pinged check from that start.
  const due = expected ?? next(state.lastPingAt);
  if (now <= due) return { status: 'ok', details };
  const late = `no ping for ${ago(now - (state.lastSuccessAt ?? state.lastPingAt))}, expected ${ago(now - due)} ago`;
  if (now <= due + grace) return { status: 'degraded', errorKind: 'timeout', error: `${late} (within grace ${formatDuration(grace)})`, details };
  return { status: 'error', errorKind: 'timeout', error: late, details };
}

/** A coarse, human "how long": seconds below 2 min, minutes below 2 h, else hours. */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
