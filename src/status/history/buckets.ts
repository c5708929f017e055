/**
 * Time-bucketed probe counts for one check in a fixed ring: 5-minute buckets
 * over 30 days is 8640 slots, whatever the probe rate, so memory is bounded
 * by the number of checks alone. A slot is reused when its time comes round
 * again (its old bucket is then older than the retention).
 */
import type { CheckStatus } from '../../types';
import { MINUTE, RETENTION_MS } from './types';

/** Width of one stored bucket, ms. */
export const BUCKET_MS = 5 * MINUTE;
const SLOTS = RETENTION_MS / BUCKET_MS;

/** Probe counts per status and a latency sum, for one bucket or a sum of several. */
export interface Counts {
  ok: number;
  degraded: number;
  error: number;
  unknown: number;
  /** Sum of probe durations, ms, and how many were summed. */
  latencySum: number;
  latencyCount: number;
}

export interface Bucket extends Counts {
  /** Epoch ms, a multiple of BUCKET_MS. */
  readonly start: number;
}

export const emptyCounts = (): Counts => ({ ok: 0, degraded: 0, error: 0, unknown: 0, latencySum: 0, latencyCount: 0 });

/** Counts one probe into a bucket (a latency that is not a finite, non-negative number is not averaged in). */
function countProbe(b: Bucket, status: CheckStatus, durationMs: number): void {
  b[status] += 1;
  if (Number.isFinite(durationMs) && durationMs >= 0) {
    b.latencySum += durationMs;
    b.latencyCount += 1;
  }
}

export function addInto(into: Counts, from: Counts): void {
  into.ok += from.ok;
  into.degraded += from.degraded;
  into.error += from.error;
  into.unknown += from.unknown;
  into.latencySum += from.latencySum;
  into.latencyCount += from.latencyCount;
}

export const bucketStart = (t: number): number => Math.floor(t / BUCKET_MS) * BUCKET_MS;

/** What the readers need from a set of buckets. */
export interface BucketSource {
  sumInto(into: Counts, from: number, to: number): Counts;
  sumSeries(into: Counts[], from: number, sizeMs: number): Counts[];
}

export class BucketRing implements BucketSource {
  private readonly slots: Array<Bucket | undefined> = new Array<Bucket | undefined>(SLOTS);

  /** The bucket holding `start`, created (replacing an expired one) when missing. */
  private at(start: number): Bucket {
    const i = ((start / BUCKET_MS) % SLOTS + SLOTS) % SLOTS;
    const found = this.slots[i];
    if (found && found.start === start) return found;
    const fresh: Bucket = { start, ...emptyCounts() };
    this.slots[i] = fresh;
    return fresh;
  }

  /** Counts one probe. */
  add(t: number, status: CheckStatus, durationMs: number): void {
    countProbe(this.at(bucketStart(t)), status, durationMs);
  }

  /** Adds counts into the bucket starting at `start` (a pending batch landing). */
  addCounts(start: number, counts: Counts): void {
    addInto(this.at(bucketStart(start)), counts);
  }

  /** Replaces the bucket starting at `start` (values read back from shared storage). */
  setCounts(start: number, counts: Counts): void {
    const b = this.at(bucketStart(start));
    b.ok = b.degraded = b.error = b.unknown = b.latencySum = b.latencyCount = 0;
    addInto(b, counts);
  }

  /** Adds every bucket with from <= start < to into `into`. */
  sumInto(into: Counts, from: number, to: number): Counts {
    for (const b of this.slots) if (b && b.start >= from && b.start < to) addInto(into, b);
    return into;
  }

  /** Adds each bucket into `into[k]` where k = floor((start - from) / sizeMs), in one pass over the ring. */
  sumSeries(into: Counts[], from: number, sizeMs: number): Counts[] {
    for (const b of this.slots) {
      if (!b || b.start < from) continue;
      const c = into[Math.floor((b.start - from) / sizeMs)];
      if (c) addInto(c, b);
    }
    return into;
  }

  /** Every non-empty bucket (for flushing a pending batch). */
  *entries(): IterableIterator<Bucket> {
    for (const b of this.slots) if (b) yield b;
  }

  /** Buckets held (at most 8640). */
  get size(): number {
    let n = 0;
    for (const b of this.slots) if (b) n += 1;
    return n;
  }
}

/** Percent up (ok + degraded) of known probes, two decimals; null when none is known. */
export function uptimePercent(c: Counts): number | null {
  const known = c.ok + c.degraded + c.error;
  return known === 0 ? null : Math.round(((c.ok + c.degraded) / known) * 10_000) / 100;
}

export function worstStatus(c: Counts): 'ok' | 'degraded' | 'error' | null {
  if (c.error > 0) return 'error';
  if (c.degraded > 0) return 'degraded';
  return c.ok > 0 ? 'ok' : null;
}

/**
 * Counts not yet written to shared storage: few buckets (a flush interval's
 * worth) while storage is up; during an outage it grows to at most a ring's
 * worth of buckets, dropping the oldest, so an outage costs bounded memory.
 */
export class PendingBuckets implements BucketSource {
  private readonly map = new Map<number, Bucket>();

  add(t: number, status: CheckStatus, durationMs: number): void {
    countProbe(this.at(bucketStart(t)), status, durationMs);
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
      if (this.map.size > SLOTS) this.map.delete(Math.min(...this.map.keys()));
    }
    return b;
  }

  sumInto(into: Counts, from: number, to: number): Counts {
    for (const b of this.map.values()) if (b.start >= from && b.start < to) addInto(into, b);
    return into;
  }

  sumSeries(into: Counts[], from: number, sizeMs: number): Counts[] {
    for (const b of this.map.values()) {
      const c = b.start >= from ? into[Math.floor((b.start - from) / sizeMs)] : undefined;
      if (c) addInto(c, b);
    }
    return into;
  }

  entries(): Bucket[] {
    return [...this.map.values()];
  }

  get size(): number {
    return this.map.size;
  }
}
