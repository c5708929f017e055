/**
 * The probing core shared by the service and `health-aggregator check`: one
 * checker per configured check, a result store, and the scheduler that runs
 * them. `close()` stops the scheduler before closing the checkers, so no probe
 * runs on a closed client. In a cluster the scheduler asks the cluster which
 * checks to probe and hands it every result (src/cluster/).
 */
import { createChecker } from '../checks/registry';
import type { Cluster } from '../cluster/cluster';
import { createScheduler, type Scheduler } from './scheduler';
import { createResultStore, type ResultStore } from '../store/store';
import type { CheckConfig, Logger } from '../types';

export interface Probing {
  readonly store: ResultStore;
  readonly scheduler: Scheduler;
  /** Stops the scheduler (abandoning running probes), then closes every checker. */
  close(): Promise<void>;
}

export interface ProbingOptions {
  /** Replicas sharing the work: the cluster decides what is probed here and takes the results. */
  readonly cluster?: Cluster | null;
}

export function createProbing(checks: readonly CheckConfig[], logger: Logger, opts: ProbingOptions = {}): Probing {
  const cluster = opts.cluster ?? null;
  const store = createResultStore(checks, cluster ? { staleGraceMs: cluster.staleGraceMs } : {});
  const entries = checks.map((c) => ({ config: c, checker: createChecker(c, { logger: logger.child({ check: c.name, type: c.type }) }) }));
  const scheduler = cluster
    ? createScheduler({ entries, store: { record: cluster.record }, owns: cluster.owns, logger })
    : createScheduler({ entries, store, logger });
  return {
    store,
    scheduler,
    async close() {
      await scheduler.stop();
      await Promise.allSettled(entries.map((e) => e.checker.close()));
    },
  };
}
