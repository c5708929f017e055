/**
 * Reads shared by both stores: uptime, coverage and bars from one or more
 * bucket sources per check (postgres storage reads its shared copy plus what
 * it has not written yet), so both answer with the same arithmetic.
 *
 * A window [now - W, now] is read from fine (5-minute) buckets for its last
 * 24 hours and from hourly buckets before that, cut at an hour boundary so
 * no probe is counted twice.
 */
import { BUCKET_MS, COARSE_MS, type BucketSource, type Counts, type Level, STRIDE, uptimePercent, worstStatus } from './buckets';
import { type Coverage, DAY, type HistoryBucket, type Uptime, type Windows } from './types';

const WINDOWS = [
  ['24h', DAY],
  ['7d', 7 * DAY],
  ['30d', 30 * DAY],
] as const;

const series = (sources: readonly BucketSource[], from: number, n: number, size: number, level: Level): Float64Array => {
  const sums = new Float64Array(Math.max(0, n) * STRIDE);
  for (const s of sources) s.sumSeries(sums, from, size, level);
  return sums;
};

/** Entry k of a flat series as Counts. */
const countsAt = (a: Float64Array, k: number): Counts => {
  const i = k * STRIDE;
  return { ok: a[i]!, degraded: a[i + 1]!, error: a[i + 2]!, unknown: a[i + 3]!, maintenance: a[i + 4]! };
};

const percentOf = (part: number, whole: number) => Math.min(100, Math.round((part / whole) * 10_000) / 100);

export function readWindows(sources: readonly BucketSource[], now: number): Windows {
  const fineFrom = Math.floor((now - DAY) / BUCKET_MS) * BUCKET_MS;
  const fine = series(sources, fineFrom, Math.floor((now - fineFrom) / BUCKET_MS) + 1, BUCKET_MS, 'fine');
  // Longer windows take fine buckets from this hour on, hourly ones before it.
  const cut = Math.ceil(fineFrom / COARSE_MS) * COARSE_MS;
  const coarseFrom = Math.floor((now - 30 * DAY) / COARSE_MS) * COARSE_MS;
  const coarse = series(sources, coarseFrom, (cut - coarseFrom) / COARSE_MS, COARSE_MS, 'coarse');

  const uptime: Record<string, number | null> = {};
  const coverage: Record<string, number> = {};
  for (const [name, span] of WINDOWS) {
    const from = now - span;
    let up = 0;
    let down = 0;
    let covered = 0;
    const take = (a: Float64Array, k: number, start: number, width: number) => {
      const i = k * STRIDE;
      up += a[i]! + a[i + 1]!;
      down += a[i + 2]!;
      // A bucket with data (unknown is none) covers its overlap with the window.
      if (a[i]! + a[i + 1]! + a[i + 2]! + a[i + 4]! > 0) covered += Math.min(start + width, now) - Math.max(start, from);
    };
    const fineStartK = name === '24h' ? 0 : Math.max(0, (cut - fineFrom) / BUCKET_MS);
    for (let k = fineStartK; k < fine.length / STRIDE; k += 1) take(fine, k, fineFrom + k * BUCKET_MS, BUCKET_MS);
    if (name !== '24h') {
      for (let k = 0; k < coarse.length / STRIDE; k += 1) {
        const start = coarseFrom + k * COARSE_MS;
        if (start + COARSE_MS > from) take(coarse, k, start, COARSE_MS);
      }
    }
    uptime[name] = up + down === 0 ? null : Math.round((up / (up + down)) * 10_000) / 100;
    coverage[name] = percentOf(Math.max(0, covered), span);
  }
  return { uptime: uptime as unknown as Uptime, coverage: coverage as unknown as Coverage };
}

/** `count` bars of `sizeMs` each, oldest first, the last holding now; hourly buckets for bars of an hour or more. */
export function readBuckets(sources: readonly BucketSource[], now: number, count: number, sizeMs: number): HistoryBucket[] {
  const n = Math.max(0, Math.min(Math.floor(count), 10_000));
  const level: Level = sizeMs >= COARSE_MS && sizeMs % COARSE_MS === 0 ? 'coarse' : 'fine';
  // Bars are aligned to sizeMs so they do not shift between two reads.
  const from = (Math.floor(now / sizeMs) - n + 1) * sizeMs;
  const sums = series(sources, from, n, sizeMs, level);
  return Array.from({ length: n }, (_, k) => {
    const c = countsAt(sums, k);
    return { start: from + k * sizeMs, status: worstStatus(c), uptime: uptimePercent(c) };
  });
}
