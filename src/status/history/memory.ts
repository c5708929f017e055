/**
 * History in process memory (the default `storage: {type: memory}`): lost
 * on restart, bounded per check (1,033 buckets of one-byte counters and 500
 * samples in arenas shared by every check: ~9.2 KB) and in total (200 incidents) however long it runs and however fast
 * checks probe.
 */
import { BucketRings } from './buckets';
import { IncidentLog, incidentOp } from './incidents';
import { readBuckets, readWindows } from './read';
import { SampleRings } from './samples';
import type { HistoryStore } from './types';

export interface MemoryHistoryOptions {
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
}

/** What a memory history holds, to prove it stays bounded. */
export interface Footprint {
  readonly buckets: number;
  readonly samples: number;
  readonly incidents: number;
}

export interface MemoryHistory extends HistoryStore {
  footprint(): Footprint;
}

/** A history for exactly these check names; records for other names are ignored (they would be unbounded). */
export function createMemoryHistory(checks: readonly string[], opts: MemoryHistoryOptions = {}): MemoryHistory {
  const now = opts.now ?? Date.now;
  const index = new Map(checks.map((c, i) => [c, i]));
  const rings = new BucketRings(checks.length);
  const samples = new SampleRings(checks);
  const log = new IncidentLog();
  const ringsOf = (check: string) => {
    const i = index.get(check);
    return i === undefined ? [] : [rings.source(i)];
  };

  return {
    record(check, s) {
      const i = index.get(check);
      if (i === undefined) return;
      rings.add(i, s.checkedAt, s.status);
      samples.add(check, s.checkedAt, s.durationMs);
    },
    statusChanged(check, prev, next, at) {
      if (!index.has(check)) return;
      const op = incidentOp(check, prev, next, at);
      if (op) log.apply(op);
    },
    uptime: (check) => readWindows(ringsOf(check), now()).uptime,
    windows: (check) => readWindows(ringsOf(check), now()),
    latency: (check) => samples.percentiles(check, now()),
    buckets: (check, count, sizeMs) => readBuckets(ringsOf(check), now(), count, sizeMs),
    incidents: (limit) => log.recent(limit),
    hasOpenIncident: (check) => log.isOpen(check),
    footprint() {
      let buckets = 0;
      for (const i of index.values()) buckets += rings.size(i);
      return { buckets, samples: samples.size(), incidents: log.size };
    },
    async close() {},
  };
}
