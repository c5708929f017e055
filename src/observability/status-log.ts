import type { ResultStore, StatusChangeListener } from '../store/store';
import type { CheckState, Logger } from '../types';
import { roundMs } from '../units';

/**
 * One log line per status change: to error at ERROR (critical) or WARN,
 * to ok at INFO (a recovery from error or degraded, or a first result),
 * anything else at WARN (degraded, stale).
 * A check in error whose cause is learnt later gets one more line naming the root.
 */
export function logStatusChanges(store: ResultStore, log: Logger): () => void {
  const line = (prev: CheckState, next: CheckState) => {
    const context = {
      check: next.name,
      type: next.type,
      critical: next.critical,
      from: prev.status,
      to: next.status,
      ...(next.error ? { error: next.error, error_kind: next.errorKind } : {}),
      ...(next.causedBy ? { caused_by: next.causedBy } : {}),
      consecutive_failures: next.consecutiveFailures,
    };
    const entry = { context, ...(next.durationMs !== null ? { duration_ms: roundMs(next.durationMs) } : {}) };
    const message = `check ${next.name} is ${next.status}${next.causedBy ? ` (caused by ${next.causedBy})` : ''}`;
    if (next.status === 'error') {
      if (next.critical) log.error(entry, message);
      else log.warn(entry, message);
    } else if (next.status === 'ok') {
      log.info(entry, message);
    } else {
      log.warn(entry, message);
    }
  };
  // A change adopted from a cluster peer was logged by the replica that decided it.
  const decidedLine: StatusChangeListener = (prev, next, meta) => meta.decided && line(prev, next);
  const offChange = store.onStatusChange(decidedLine);
  const offCause = store.onCauseLearnt(decidedLine);
  return () => {
    offChange();
    offCause();
  };
}
