/**
 * History in process memory (the default `storage: {type: memory}`): lost
 * on restart, bounded per check (1,033 buckets in typed arrays, 500 samples:
 * ~20 KB) and in total (200 incidents) however long it runs and however fast
 * checks probe.
 */
import { BucketRing } from './buckets';
import { IncidentLog, incidentOp } from './incidents';
import { readBuckets, readWindows } from './read';
import { SampleRing } from './samples';
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
  const rings = new Map(checks.map((c) => [c, new BucketRing()]));
  const samples = new Map(checks.map((c) => [c, new SampleRing()]));
  const log = new IncidentLog();
  const ringsOf = (check: string) => {
    const r = rings.get(check);
    return r ? [r] : [];
  };

  return {
    record(check, s) {
      rings.get(check)?.add(s.checkedAt, s.status);
      samples.get(check)?.add(s.checkedAt, s.durationMs);
    },
    statusChanged(check, prev, next, at) {
      if (!rings.has(check)) return;
      const op = incidentOp(check, prev, next, at);
      if (op) log.apply(op);
    },
    uptime: (check) => readWindows(ringsOf(check), now()).uptime,
    windows: (check) => readWindows(ringsOf(check), now()),
    latency: (check) => samples.get(check)?.percentiles(now()) ?? { p50: null, p95: null },
    buckets: (check, count, sizeMs) => readBuckets(ringsOf(check), now(), count, sizeMs),
    incidents: (limit) => log.recent(limit),
    footprint() {
      let buckets = 0;
      let held = 0;
      for (const r of rings.values()) buckets += r.size;
      for (const s of samples.values()) held += s.size;
      return { buckets, samples: held, incidents: log.size };
    },
    async close() {},
  };
}
