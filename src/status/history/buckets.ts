/**
 * Time-bucketed probe counts for one check, in two fixed rings of typed
 * arrays: 5-minute buckets for the last 26 hours (the 24 h window and its
 * edges) and hourly buckets for 30 days (the 7 d and 30 d windows, and the
 * bars). About 14 KB per check whatever the probe rate (1,033 slots of an
 * Int32 key and five Uint16 counters), so 10,000 checks with full history
 * hold ~140 MB. A slot is reused when its time comes round
 * again (its old bucket is then older than the ring's span).
 */
import type { HistoryStatus } from './types';
import { DAY, HOUR, MINUTE, RETENTION_MS } from './types';

/** Width of a fine bucket, ms. */
export const BUCKET_MS = 5 * MINUTE;
/** Width of a coarse bucket, ms. */
export const COARSE_MS = HOUR;
/** How far back fine buckets are kept: the 24 h window plus slack for its partial first hour. */
export const FINE_SPAN_MS = DAY + 2 * HOUR;

/** Probe counts per status, for one bucket or a sum of several. `maintenance` counts neither up nor down. */
export interface Counts {
  ok: number;
  degraded: number;
  error: number;
  unknown: number;
  maintenance: number;
}

export interface Bucket extends Counts {
  /** Epoch ms, a multiple of the bucket width. */
  readonly start: number;
}

export type Level = 'fine' | 'coarse';

const FIELDS = ['ok', 'degraded', 'error', 'unknown', 'maintenance'] as const;
const FIELD_INDEX: Record<HistoryStatus, number> = { ok: 0, degraded: 1, error: 2, unknown: 3, maintenance: 4 };
const WIDTH: Record<Level, number> = { fine: BUCKET_MS, coarse: COARSE_MS };
/** Counts saturate here (a Uint16): an hour holds 65,535 probes, one every 55 ms. */
const MAX_COUNT = 0xffff;

export const emptyCounts = (): Counts => ({ ok: 0, degraded: 0, error: 0, unknown: 0, maintenance: 0 });

export function addInto(into: Counts, from: Counts): void {
  into.ok += from.ok;
  into.degraded += from.degraded;
  into.error += from.error;
  into.unknown += from.unknown;
  into.maintenance += from.maintenance;
}

export const bucketStart = (t: number, level: Level = 'fine'): number => Math.floor(t / WIDTH[level]) * WIDTH[level];

/** Counters per series entry in a flat series: ok, degraded, error, unknown, maintenance. */
export const STRIDE = 5;

/** What the readers need from a set of buckets, at either level. */
export interface BucketSource {
  /**
   * Adds each bucket of `level` into entry k = floor((start - from) / sizeMs)
   * of `into`, a flat array of STRIDE counters per entry (no objects: a read
   * of 200 components must not allocate 200,000 of them). sizeMs is a
   * multiple of the level's width.
   */
  sumSeries(into: Float64Array, from: number, sizeMs: number, level: Level): void;
}

/** One ring of equal-width buckets: slot keys (bucket numbers, 0 = empty) and five counters per slot. */
class Tier {
  private readonly keys: Int32Array;
  private readonly counts: Uint16Array;

  constructor(
    readonly width: number,
    private readonly slots: number,
  ) {
    this.keys = new Int32Array(slots);
    this.counts = new Uint16Array(slots * FIELDS.length);
  }

  /** Slot index for the bucket starting at `start`, cleared first when it held an older bucket. */
  private slot(start: number): number {
    const key = start / this.width;
    const i = ((key % this.slots) + this.slots) % this.slots;
    if (this.keys[i] !== key) {
      this.keys[i] = key;
      this.counts.fill(0, i * FIELDS.length, (i + 1) * FIELDS.length);
    }
    return i;
  }

  add(t: number, field: number, n: number): void {
    const k = this.slot(Math.floor(t / this.width) * this.width) * FIELDS.length + field;
    this.counts[k] = Math.min(MAX_COUNT, this.counts[k]! + n);
  }

  addCounts(start: number, c: Counts, replace = false): void {
    const base = this.slot(Math.floor(start / this.width) * this.width) * FIELDS.length;
    FIELDS.forEach((f, j) => {
      this.counts[base + j] = Math.min(MAX_COUNT, (replace ? 0 : this.counts[base + j]!) + c[f]);
    });
  }

  sumSeries(into: Float64Array, from: number, sizeMs: number): void {
    const n = into.length / STRIDE;
    for (let i = 0; i < this.slots; i += 1) {
      const key = this.keys[i]!;
      if (key === 0) continue;
      const start = key * this.width;
      if (start < from) continue;
      const k = Math.floor((start - from) / sizeMs);
      if (k >= n) continue;
      const base = i * FIELDS.length;
      const at = k * STRIDE;
      for (let j = 0; j < STRIDE; j += 1) into[at + j]! += this.counts[base + j]!;
    }
  }

  /** Buckets held (non-empty slots). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.slots; i += 1) if (this.keys[i] !== 0) n += 1;
    return n;
  }
}

/** Both tiers for one check: every probe lands in each. */
export class BucketRing implements BucketSource {
  private readonly tiers: Record<Level, Tier> = {
    fine: new Tier(BUCKET_MS, FINE_SPAN_MS / BUCKET_MS),
    coarse: new Tier(COARSE_MS, RETENTION_MS / COARSE_MS + 1),
  };

  /** Counts one probe. */
  add(t: number, status: HistoryStatus): void {
    this.tiers.fine.add(t, FIELD_INDEX[status], 1);
    this.tiers.coarse.add(t, FIELD_INDEX[status], 1);
  }

  /** Adds counts into one tier's bucket (a written batch landing in the shared copy). */
  addCounts(level: Level, start: number, counts: Counts): void {
    this.tiers[level].addCounts(start, counts);
  }

  /** Replaces one tier's bucket (values read back from shared storage). */
  setCounts(level: Level, start: number, counts: Counts): void {
    this.tiers[level].addCounts(start, counts, true);
  }

  sumSeries(into: Float64Array, from: number, sizeMs: number, level: Level): void {
    this.tiers[level].sumSeries(into, from, sizeMs);
  }

  /** Buckets held across both tiers (at most 312 + 721). */
  get size(): number {
    return this.tiers.fine.size + this.tiers.coarse.size;
  }
}

/** Percent up (ok + degraded) of probes that count, two decimals; null when none does. */
export function uptimePercent(c: Counts): number | null {
  const known = c.ok + c.degraded + c.error;
  return known === 0 ? null : Math.round(((c.ok + c.degraded) / known) * 10_000) / 100;
}

/** The bar's status: a problem first, then maintenance (it explains the bar), then ok. */
export function worstStatus(c: Counts): 'ok' | 'degraded' | 'error' | 'maintenance' | null {
  if (c.error > 0) return 'error';
  if (c.degraded > 0) return 'degraded';
  if (c.maintenance > 0) return 'maintenance';
  return c.ok > 0 ? 'ok' : null;
}

/** Pending fine buckets kept at most per check (two days); beyond, the oldest are dropped. */
const MAX_PENDING = (2 * DAY) / BUCKET_MS;

/**
 * Counts not yet written to shared storage, as fine buckets (they nest into
 * hours, so they answer for both levels): few while storage is up; during an
 * outage at most two days' worth, dropping the oldest, so an outage costs
 * bounded memory.
 */
export class PendingBuckets implements BucketSource {
  private readonly map = new Map<number, Bucket>();

  add(t: number, status: HistoryStatus): void {
    this.at(bucketStart(t))[status] += 1;
  }

  addCounts(start: number, counts: Counts): void {
    addInto(this.at(bucketStart(start)), counts);
  }

  delete(start: number): void {
    this.map.delete(start);
  }

  private at(start: number): Bucket {
    let b = this.map.get(start);
    if (!b) {
      b = { start, ...emptyCounts() };
      this.map.set(start, b);
      // Insertion order is time order for a live feed: the first key is the oldest.
      if (this.map.size > MAX_PENDING) this.map.delete(this.map.keys().next().value!);
    }
    return b;
  }

  sumSeries(into: Float64Array, from: number, sizeMs: number): void {
    const n = into.length / STRIDE;
    for (const b of this.map.values()) {
      if (b.start < from) continue;
      const k = Math.floor((b.start - from) / sizeMs);
      if (k >= n) continue;
      FIELDS.forEach((f, j) => (into[k * STRIDE + j]! += b[f]));
    }
  }

  entries(): Bucket[] {
    return [...this.map.values()];
  }

  get size(): number {
    return this.map.size;
  }
}
