/**
 * From every check's state to what the service as a whole reports: overall
 * status, "started", and `causedBy` links. Pure functions over served states
 * (staleness already applied).
 */
import type { CheckState, ProbeStatus } from '../types';
import { dependencyGraph, rootCause } from './causes';

/**
 * `error` if a critical check is `error` or `unknown` (the service cannot vouch
 * for it); else `degraded` if any check is `degraded` or `error`; else `ok`.
 * A non-critical `unknown` counts as `ok`. No checks at all is `ok`.
 */
export function overallStatus(states: readonly CheckState[]): ProbeStatus {
  let degraded = false;
  for (const s of states) {
    if (holdsError(s)) return 'error';
    if (isTroubled(s)) degraded = true;
  }
  return degraded ? 'degraded' : 'ok';
}

/** True when every critical check has had a first result (readiness waits for this). */
export function isStarted(states: readonly CheckState[]): boolean {
  return !states.some(holdsStart);
}

// One check's part in the rules above, also counted one state at a time by the store's tally.

/** A critical check the service cannot vouch for (error, or unknown) makes it `error`. */
export const holdsError = (s: CheckState): boolean =>
  s.critical && (s.status === 'error' || (s.status === 'unknown' && !awaitingFirstPing(s)));
/** A degraded or failing check, critical or not, makes it at least `degraded`. */
export const isTroubled = (s: CheckState): boolean => s.status === 'degraded' || s.status === 'error';
/** A critical check with no first result yet holds "started". */
export const holdsStart = (s: CheckState): boolean => s.critical && s.checkedAt === null && !awaitingFirstPing(s);

/**
 * A heartbeat with no verdict yet (never pinged since this process started,
 * and not yet due) is waiting for its job, not failing to be probed: it holds
 * neither the overall status nor readiness. Otherwise a restart with memory
 * storage would turn a daily job's heartbeat into a day-long 503. It turns
 * `error` by itself once its first ping is overdue past its grace.
 */
export function awaitingFirstPing(s: CheckState): boolean {
  return s.type === 'heartbeat' && s.checkedAt === null;
}

/**
 * Sets `causedBy` on every failing check that depends on a check in error
 * (the rule: `rootCause` in causes.ts). Returns the same objects for checks
 * whose `causedBy` did not change.
 */
export function withCausedBy(
  states: readonly CheckState[],
  dependsOn: ReadonlyMap<string, readonly string[]>,
): CheckState[] {
  const graph = dependencyGraph(states.map((s) => s.name), (i) => dependsOn.get(states[i]!.name) ?? []);
  return states.map((s, i) => {
    const root = rootCause(i, s, graph, (j) => states[j]!);
    const causedBy = root === null ? null : states[root]!.name;
    return causedBy === s.causedBy ? s : { ...s, causedBy };
  });
}
