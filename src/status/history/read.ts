/**
 * Reads shared by both stores: uptime and bars from one or more bucket rings
 * per check (postgres storage reads its shared copy plus what it has not
 * written yet), so both answer with the same arithmetic.
 */
import { type BucketSource, emptyCounts, uptimePercent, worstStatus } from './buckets';
import { DAY, type HistoryBucket, type Uptime } from './types';

export function readUptime(rings: readonly BucketSource[], now: number): Uptime {
  const sum = (windowMs: number) => {
    const c = emptyCounts();
    for (const r of rings) r.sumInto(c, now - windowMs, Infinity);
    return uptimePercent(c);
  };
  return { '24h': sum(DAY), '7d': sum(7 * DAY), '30d': sum(30 * DAY) };
}

export function readBuckets(rings: readonly BucketSource[], now: number, count: number, sizeMs: number): HistoryBucket[] {
  const n = Math.max(0, Math.min(Math.floor(count), 10_000));
  // Bars are aligned to sizeMs so they do not shift between two reads.
  const from = (Math.floor(now / sizeMs) - n + 1) * sizeMs;
  const sums = Array.from({ length: n }, emptyCounts);
  for (const r of rings) r.sumSeries(sums, from, sizeMs);
  return sums.map((c, k) => ({ start: from + k * sizeMs, status: worstStatus(c), uptime: uptimePercent(c) }));
}
