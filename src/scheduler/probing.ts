/**
 * The probing core shared by the service and `health-aggregator check`: one
 * checker per configured check, a result store, and the scheduler that runs
 * them. `close()` stops the scheduler before closing the checkers, so no probe
 * runs on a closed client. In a cluster the scheduler asks the cluster which
 * checks to probe and hands it every result (src/cluster/).
 */
import { createChecker } from '../checks/registry';
import { lazyChild } from '../observability/lazy-child';
import type { Cluster } from '../cluster/cluster';
import { createScheduler, type Scheduler } from './scheduler';
import { createResultStore, type ResultStore } from '../store/store';
import type { CheckConfig, CheckDeps, Logger } from '../types';

export interface Probing {
  readonly store: ResultStore;
  readonly scheduler: Scheduler;
  /** Stops the scheduler (abandoning running probes), then closes every checker. */
  close(): Promise<void>;
}

export interface ProbingOptions extends Omit<CheckDeps, 'logger'> {
  /** Replicas sharing the work: the cluster decides what is probed here and takes the results. */
  readonly cluster?: Cluster | null;
}

/** `opts`: the cluster, and what checkers share besides a logger (the heartbeats' ping store). */
export function createProbing(checks: readonly CheckConfig[], logger: Logger, opts: ProbingOptions = {}): Probing {
  const { cluster, ...deps } = opts;
  const store = createResultStore(checks, cluster ? { staleGraceMs: cluster.staleGraceMs } : {});
  const entries = checks.map((c) => ({ config: c, checker: createChecker(c, { ...deps, logger: lazyChild(logger, { check: c.name, type: c.type }) }) }));
  // In a cluster the scheduler probes what this replica owns and hands results to the cluster, which records them.
  const scheduler = createScheduler({ entries, store: cluster ?? store, owns: cluster?.owns, logger });
  return {
    store,
    scheduler,
    async close() {
      await scheduler.stop();
      await Promise.allSettled(entries.map((e) => e.checker.close()));
    },
  };
}
