/**
 * The probing core shared by the service and `health-aggregator check`: one
 * checker per configured check, a result store, and the scheduler that runs
 * them. `close()` stops the scheduler before closing the checkers, so no probe
 * runs on a closed client.
 */
import { createChecker } from '../checks/registry';
import { createScheduler, type Scheduler } from './scheduler';
import { createResultStore, type ResultStore } from '../store/store';
import type { CheckConfig, CheckDeps, Logger } from '../types';

export interface Probing {
  readonly store: ResultStore;
  readonly scheduler: Scheduler;
  /** Stops the scheduler (abandoning running probes), then closes every checker. */
  close(): Promise<void>;
}

/** `deps`: what checkers share besides a logger (the heartbeats' ping store). */
export function createProbing(checks: readonly CheckConfig[], logger: Logger, deps: Omit<CheckDeps, 'logger'> = {}): Probing {
  const store = createResultStore(checks);
  const entries = checks.map((c) => ({ config: c, checker: createChecker(c, { ...deps, logger: logger.child({ check: c.name, type: c.type }) }) }));
  const scheduler = createScheduler({ entries, store, logger });
  return {
    store,
    scheduler,
    async close() {
      await scheduler.stop();
      await Promise.allSettled(entries.map((e) => e.checker.close()));
    },
  };
}
