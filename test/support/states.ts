import type { CheckState, CheckStatus, CheckType, Snapshot } from '../../src/types';

/** A CheckState for pure tests of views and readiness. */
export function state(name: string, status: CheckStatus, over: Partial<CheckState> = {}): CheckState {
  const probed = status !== 'unknown';
  return {
    name,
    type: 'postgres' as CheckType,
    critical: true,
    status,
    durationMs: probed ? 1.234 : null,
    checkedAt: probed ? Date.parse('2025-08-10T12:34:50.001Z') : null,
    lastSuccessAt: status === 'ok' || status === 'degraded' ? Date.parse('2025-08-10T12:34:50.001Z') : null,
    consecutiveFailures: status === 'error' ? 2 : 0,
    consecutiveSuccesses: status === 'ok' ? 1 : 0,
    error: status === 'error' ? 'connection refused' : null,
    errorKind: status === 'error' ? 'refused' : null,
    details: {},
    causedBy: null,
    ...over,
  };
}

export function snapshot(status: Snapshot['status'], checks: CheckState[]): Snapshot {
  return { version: 1, status, checks, started: checks.every((c) => !c.critical || c.checkedAt !== null) };
}
