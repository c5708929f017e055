/** Picks the history store for `storage` and feeds it from the result store. */
import type { ResultStore } from '../../store/store';
import type { Config, Logger } from '../../types';
import { createMemoryHistory } from './memory';
import { createPostgresHistory } from './postgres';
import type { HistoryStore } from './types';

export type { HistoryStore } from './types';

export interface HistoryDeps {
  readonly logger: Logger;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
}

/** Memory by default; PostgreSQL (shared by restarts and replicas) for `storage: {type: postgres}`. */
export function createHistory(config: Config, deps: HistoryDeps): HistoryStore {
  const checks = config.checks.map((c) => c.name);
  if (config.storage.type === 'postgres') {
    return createPostgresHistory({ url: config.storage.url, service: config.service.name, checks, logger: deps.logger, now: deps.now });
  }
  return createMemoryHistory(checks, { now: deps.now });
}

/**
 * Records every probe with the check's SERVED status (after thresholds), so
 * the page's uptime agrees with what health routes answered at the time, and
 * every status change for incidents. Returns an unsubscribe function.
 */
export function feedHistory(store: ResultStore, history: HistoryStore, now: () => number = Date.now): () => void {
  const offResult = store.onResult((name, result, state) =>
    history.record(name, { status: state.status, durationMs: result.durationMs, checkedAt: result.checkedAt }),
  );
  // Incidents are opened once per cluster: by the replica that decided the change.
  const offChange = store.onStatusChange((prev, next, meta) => meta.decided && history.statusChanged(next.name, prev.status, next.status, now()));
  return () => {
    offResult();
    offChange();
  };
}
