/**
 * Time-bucketed probe counts per check, in two fixed rings: 5-minute buckets
 * for the last 26 hours (the 24 h window and its edges) and hourly buckets
 * for 30 days (the 7 d and 30 d windows, and the bars). About 5.2 KB per
 * check whatever the probe rate (1,033 slots of five one-byte counters;
 * 10.3 KB for a check fast enough to count more than 255 probes in a bucket),
 * so 10,000 checks with full history hold ~52 MB. A slot is reused when its
 * time comes round again (its old bucket is then older than the ring's span).
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

/** Counts up to this fit a check's narrow (Uint8) counters; a larger one widens that check's tier to Uint16. */
const NARROW_MAX = 0xff;

/**
 * One ring of equal-width buckets for every check, in one arena: no key per
 * slot, since a check's newest bucket number (its head) says which bucket
 * each slot holds (the `slots` buckets up to the head, by bucket number
 * modulo `slots`). Counters are one byte (a 30 s check puts 10 probes in a
 * 5-minute bucket and 120 in an hour); the first count above 255 moves that
 * check's tier, and only it, to two-byte counters of its own, so answers are
 * the same as with two bytes everywhere.
 */
class TierArena {
  private readonly narrow: Uint8Array;
  private readonly wide: (Uint16Array | undefined)[];
  /** Newest bucket number per check; -Infinity while none is held. */
  private readonly heads: Float64Array;
  private readonly region: number;

  constructor(
    readonly width: number,
    private readonly slots: number,
    checks: number,
  ) {
    this.region = slots * STRIDE;
    this.narrow = new Uint8Array(checks * this.region);
    // Touched now, so the memory a full history holds is resident from the start (RSS on day one is
    // RSS on day 30: a memory request sized from a fresh process is not outgrown a month later).
    this.narrow.fill(0);
    this.wide = new Array<Uint16Array | undefined>(checks).fill(undefined);
    this.heads = new Float64Array(checks).fill(-Infinity);
  }

  /**
   * Offset (in the check's counters) of bucket `key`'s slot, moving the ring
   * on first when the key is newer than its head (the slots passed are
   * cleared); -1 when the bucket is older than the ring holds.
   */
  private slot(c: number, key: number): number {
    const head = this.heads[c]!;
    if (key > head) {
      const counters = this.wide[c] ?? this.narrow;
      const base = this.wide[c] ? 0 : c * this.region;
      if (key - head >= this.slots) counters.fill(0, base, base + this.region);
      else for (let k = head + 1; k <= key; k += 1) counters.fill(0, base + this.offset(k), base + this.offset(k) + STRIDE);
      this.heads[c] = key;
    } else if (key <= head - this.slots) return -1;
    return this.offset(key);
  }

  private offset(key: number): number {
    return (((key % this.slots) + this.slots) % this.slots) * STRIDE;
  }

  /** Check c's counters as two-byte ones (copied from its narrow ones the first time). */
  private widen(c: number): Uint16Array {
    let w = this.wide[c];
    if (!w) {
      w = new Uint16Array(this.region);
      w.set(this.narrow.subarray(c * this.region, (c + 1) * this.region));
      this.wide[c] = w;
    }
    return w;
  }

  /** Writes check c's counter at `offset` (already capped at MAX_COUNT). */
  private put(c: number, offset: number, value: number): void {
    const w = this.wide[c];
    if (w) w[offset] = value;
    else if (value <= NARROW_MAX) this.narrow[c * this.region + offset] = value;
    else this.widen(c)[offset] = value;
  }

  private get(c: number, offset: number): number {
    const w = this.wide[c];
    return w ? w[offset]! : this.narrow[c * this.region + offset]!;
  }

  add(c: number, t: number, field: number, n: number): void {
    const s = this.slot(c, Math.floor(t / this.width));
    if (s < 0) return;
    this.put(c, s + field, Math.min(MAX_COUNT, this.get(c, s + field) + n));
  }

  addCounts(c: number, start: number, counts: Counts, replace = false): void {
    const s = this.slot(c, Math.floor(start / this.width));
    if (s < 0) return;
    FIELDS.forEach((f, j) => this.put(c, s + j, Math.min(MAX_COUNT, (replace ? 0 : this.get(c, s + j)) + counts[f])));
  }

  sumSeries(c: number, into: Float64Array, from: number, sizeMs: number): void {
    const n = into.length / STRIDE;
    const head = this.heads[c]!;
    if (head === -Infinity) return;
    const w = this.wide[c];
    const counters = w ?? this.narrow;
    const base = w ? 0 : c * this.region;
    // Bucket numbers held run from head - slots + 1 to head, oldest first.
    for (let key = Math.max(head - this.slots + 1, Math.ceil(from / this.width)); key <= head; key += 1) {
      const k = Math.floor((key * this.width - from) / sizeMs);
      if (k >= n) break;
      const at = base + this.offset(key);
      for (let j = 0; j < STRIDE; j += 1) into[k * STRIDE + j]! += counters[at + j]!;
    }
  }

  /** Buckets check c holds with at least one probe counted. */
  size(c: number): number {
    const head = this.heads[c]!;
    if (head === -Infinity) return 0;
    let held = 0;
    for (let key = head - this.slots + 1; key <= head; key += 1) {
      const at = this.offset(key);
      for (let j = 0; j < STRIDE; j += 1) {
        if (this.get(c, at + j) > 0) {
          held += 1;
          break;
        }
      }
    }
    return held;
  }
}

/**
 * Both tiers for a fixed list of checks (by index): every probe lands in
 * each. About 5.2 KB per check (1,033 slots of five one-byte counters), in
 * two arenas for all checks rather than typed arrays per check.
 */
export class BucketRings {
  private readonly tiers: Record<Level, TierArena>;

  constructor(checks: number) {
    this.tiers = {
      fine: new TierArena(BUCKET_MS, FINE_SPAN_MS / BUCKET_MS, checks),
      coarse: new TierArena(COARSE_MS, RETENTION_MS / COARSE_MS + 1, checks),
    };
  }

  /** Counts one probe of check c. */
  add(c: number, t: number, status: HistoryStatus): void {
    this.tiers.fine.add(c, t, FIELD_INDEX[status], 1);
    this.tiers.coarse.add(c, t, FIELD_INDEX[status], 1);
  }

  /** Adds counts into one tier's bucket (a written batch landing in the shared copy). */
  addCounts(c: number, level: Level, start: number, counts: Counts): void {
    this.tiers[level].addCounts(c, start, counts);
  }

  /** Replaces one tier's bucket (values read back from shared storage). */
  setCounts(c: number, level: Level, start: number, counts: Counts): void {
    this.tiers[level].addCounts(c, start, counts, true);
  }

  /** Check c's buckets as a source for the readers. */
  source(c: number): BucketSource {
    return { sumSeries: (into, from, sizeMs, level) => this.tiers[level].sumSeries(c, into, from, sizeMs) };
  }

  /** Buckets check c holds across both tiers (at most 312 + 721). */
  size(c: number): number {
    return this.tiers.fine.size(c) + this.tiers.coarse.size(c);
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
