/**
 * Failure/success thresholds and `degradedLatency`: how one probe result moves
 * a check's state. Pure functions; the store calls them on every record.
 */
import type { CheckCommon, CheckState, CheckStatus, ProbeResult } from '../types';

/** The state of a check before its first probe: `unknown`, no timings, zero counters. */
export function initialState(config: CheckCommon): CheckState {
  return {
    name: config.name,
    type: config.type,
    critical: config.critical,
    status: 'unknown',
    durationMs: null,
    checkedAt: null,
    lastSuccessAt: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    error: null,
    errorKind: null,
    details: {},
    causedBy: null,
  };
}

/**
 * A probe that answered `ok` but took longer than `degradedLatency` ms is
 * `degraded`. Idempotent, so it is safe to apply both where a result is built
 * and where it is recorded. Errors and already-degraded results pass through.
 */
export function applyLatency(result: ProbeResult, config: Pick<CheckCommon, 'degradedLatency'>): ProbeResult {
  const limit = config.degradedLatency;
  if (result.status !== 'ok' || limit === null || !(result.durationMs > limit)) return result;
  return {
    ...result,
    status: 'degraded',
    error: `slower than ${limit} ms (took ${Math.round(result.durationMs)} ms)`,
  };
}

/**
 * The state after one more probe.
 *
 * - The first result after start-up is taken as it is (no threshold applies).
 * - A failed probe turns the check `error` only once `failureThreshold`
 *   consecutive probes failed; until then it keeps its last status.
 * - A good probe (ok/degraded) turns an `error` check back only once
 *   `successThreshold` consecutive probes were good; between ok and degraded
 *   the check moves at once.
 *
 * The latest probe's error, kind, details, duration and time are always shown,
 * even while the status holds: an operator sees the failure that is counting
 * toward the threshold. `causedBy` is left null: it needs every check's state
 * (see state/aggregate.ts).
 */
export function applyResult(prev: CheckState, raw: ProbeResult, config: CheckCommon): CheckState {
  const result = applyLatency(raw, config);
  const failed = result.status === 'error';
  const consecutiveFailures = failed ? prev.consecutiveFailures + 1 : 0;
  const consecutiveSuccesses = failed ? 0 : prev.consecutiveSuccesses + 1;
  return {
    ...prev,
    status: nextStatus(prev, result.status, consecutiveFailures, consecutiveSuccesses, config),
    durationMs: result.durationMs,
    checkedAt: result.checkedAt,
    lastSuccessAt: failed ? prev.lastSuccessAt : result.checkedAt,
    consecutiveFailures,
    consecutiveSuccesses,
    error: result.error,
    errorKind: result.errorKind,
    details: result.details,
    causedBy: null,
  };
}

function nextStatus(
  prev: CheckState,
  probe: ProbeResult['status'],
  failures: number,
  successes: number,
  config: CheckCommon,
): CheckStatus {
  // `unknown` here only means "never probed": staleness is applied when serving, not stored.
  if (prev.status === 'unknown') return probe;
  if (probe === 'error') return failures >= config.failureThreshold ? 'error' : prev.status;
  if (prev.status === 'error') return successes >= config.successThreshold ? probe : 'error';
  return probe;
}
