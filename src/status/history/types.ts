/**
 * The status-page history contract (CONTRACT §4.6): what every history store
 * (memory, postgres) records and answers. Reads are synchronous and served
 * from memory: a status request never waits for I/O.
 */
import type { CheckStatus } from '../../types';

/** A probe's status as history counts it: `maintenance` for one inside a maintenance window (neither up nor down). */
export type HistoryStatus = CheckStatus | 'maintenance';

/** One probe as the history sees it (see feed.ts for how thresholds are applied). */
export interface HistorySample {
  readonly status: HistoryStatus;
  /** Probe duration, ms. */
  readonly durationMs: number;
  /** Epoch ms the probe finished. */
  readonly checkedAt: number;
}

/** Uptime percentages (0..100, two decimals) per window; null when the window holds no ok/degraded/error probe. */
export interface Uptime {
  readonly '24h': number | null;
  readonly '7d': number | null;
  readonly '30d': number | null;
}

/** Uptime per window, and how much of each window has data (percent of its length, two decimals). */
export interface Windows {
  readonly uptime: Uptime;
  readonly coverage: Coverage;
}

/** Percent (0..100, two decimals) of each window's length that has data. */
export interface Coverage {
  readonly '24h': number;
  readonly '7d': number;
  readonly '30d': number;
}

/** Latency percentiles over the recent raw samples, ms; null when there are none. */
export interface Latency {
  readonly p50: number | null;
  readonly p95: number | null;
}

/** One bar of the status page. */
export interface HistoryBucket {
  /** Epoch ms the bucket starts. */
  readonly start: number;
  /** Worst status seen (error > degraded > maintenance > ok); null when no probe landed in it (unknown time excluded). */
  readonly status: 'ok' | 'degraded' | 'error' | 'maintenance' | null;
  /** Percent up (ok + degraded) of known probes; null when none. */
  readonly uptime: number | null;
}

/** A stretch in which a check was in error or degraded. */
export interface Incident {
  readonly check: string;
  /** Worst status during the stretch. */
  readonly status: 'error' | 'degraded';
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms, null while ongoing. */
  readonly end: number | null;
}

export interface HistoryStore {
  /** Records one probe (cheap: a bucket increment and a sample). Unknown check names are ignored. */
  record(check: string, sample: HistorySample): void;
  /**
   * Records a change of a check's served status: opens, escalates, closes or
   * reopens (within 5 minutes of closing) incidents. `at` (epoch ms) is when
   * the new state began: the first probe of the streak that crossed its
   * threshold.
   */
  statusChanged(check: string, prev: CheckStatus, next: CheckStatus, at: number): void;
  /** Uptime over 24 h / 7 d / 30 d ending now. */
  uptime(check: string): Uptime;
  /** Uptime and coverage over 24 h / 7 d / 30 d ending now, in one read. */
  windows(check: string): Windows;
  /** p50/p95 of the recent raw samples (last 24 h, capped). */
  latency(check: string): Latency;
  /** The last `count` buckets of `sizeMs` each, oldest first, the last one holding now. */
  buckets(check: string, count: number, sizeMs: number): HistoryBucket[];
  /** Most recent incidents first (ongoing ones included), at most `limit`. */
  incidents(limit: number): Incident[];
  /** True while `check` has an ongoing incident (as far as this process knows: postgres re-reads every few seconds). */
  hasOpenIncident(check: string): boolean;
  /** Stops timers and flushes what it can (postgres: bounded). Idempotent. */
  close(): Promise<void>;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** How far back history is kept, ms (30 days). */
export const RETENTION_MS = 30 * DAY;
