/** The cluster's face to the rest of the service: what the scheduler, routes and metrics call. */
import type { Scheduler } from '../scheduler/scheduler';
import type { ResultStore } from '../store/store';
import type { ProbeResult } from '../types';

export interface ClusterMemberView {
  readonly id: string;
  readonly location: string;
  /** Epoch ms, this replica's clock. */
  readonly lastSeen: number;
  readonly ownedChecks: number;
}

export interface ClusterView {
  readonly mode: 'shard' | 'quorum';
  readonly self: { readonly id: string; readonly location: string; readonly startedAt: number };
  readonly store: 'up' | 'down';
  readonly members: readonly ClusterMemberView[];
}

export interface Cluster {
  readonly id: string;
  /** Added to the store's staleness limit: leaseTime (CONTRACT §5.6). */
  readonly staleGraceMs: number;
  /** Whether this replica probes `name` now (the scheduler asks when a run is due). */
  owns(name: string): boolean;
  /** Takes one of this replica's probe results (the scheduler's record). */
  record(name: string, result: ProbeResult): void;
  /** Starts the background loop; `store` is what requests read, `scheduler` probes. */
  start(store: ResultStore, scheduler: Scheduler): void;
  /** True once the shared results were read (or this replica probed alone): it has something to serve. */
  loaded(): boolean;
  view(): ClusterView;
  gauges(): { members: number; storeUp: boolean; ownedChecks: number };
  /** Publishes the last results and leaves the cluster (peers take over at once). Bounded. */
  close(): Promise<void>;
}
