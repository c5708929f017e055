import type { Cluster } from './cluster/cluster';
import type { HistoryStore } from './status/history/types';
import type { OperatorStore } from './status/operator/types';
import type { Metrics } from './observability/metrics';
import type { Pressure } from './http/pressure';
import type { Scheduler } from './scheduler/scheduler';
import type { ResultStore } from './store/store';
import type { Config } from './types';

/** Process-level state that routes read and the server writes. */
export interface Lifecycle {
  /** Set on SIGTERM/SIGINT: readiness fails at once. */
  shuttingDown: boolean;
  /** Epoch ms the app was built. */
  readonly startedAt: number;
}

/** Everything a route may read. Routes never probe: they shape what the store holds. */
export interface HealthContext {
  readonly config: Config;
  readonly store: ResultStore;
  readonly scheduler: Scheduler;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** Status-page history (uptime, bars, incidents): read from memory, never waits on storage. */
  readonly history: HistoryStore;
  /** Operator incidents and maintenance windows (CONTRACT §4.7, §5.8), when the operator API is wired; the page renders them. */
  readonly operator?: OperatorStore;
  /** Load shedding: the routes that answer from memory ask it in their handlers (http/pressure.ts). */
  readonly pressure: Pressure;
  /** Replicas sharing work and results (CONTRACT §5.6); null standalone. */
  readonly cluster: Cluster | null;
}

/** Options every route plugin receives. */
export interface RouteOptions {
  readonly ctx: HealthContext;
  /** Routes whose access log goes to DEBUG (probes and scrapes). */
  readonly probePaths: Set<string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthContext;
  }
}
