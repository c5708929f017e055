/**
 * Reads shared by both stores: uptime, coverage and bars from one or more
 * bucket sources per check (postgres storage reads its shared copy plus what
 * it has not written yet), so both answer with the same arithmetic.
 *
 * A window [now - W, now] is read from fine (5-minute) buckets for its last
 * 24 hours and from hourly buckets before that, cut at an hour boundary so
 * no probe is counted twice.
 */
import { BUCKET_MS, COARSE_MS, type BucketSource, type Counts, emptyCounts, hasData, type Level, uptimePercent, worstStatus } from './buckets';
import { type Coverage, DAY, type HistoryBucket, type Uptime, type Windows } from './types';

const WINDOWS = [
  ['24h', DAY],
  ['7d', 7 * DAY],
  ['30d', 30 * DAY],
] as const;

const series = (sources: readonly BucketSource[], from: number, n: number, size: number, level: Level): Counts[] => {
  const sums = Array.from({ length: Math.max(0, n) }, emptyCounts);
  for (const s of sources) s.sumSeries(sums, from, size, level);
  return sums;
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
    const sum = emptyCounts();
    let covered = 0;
    const take = (c: Counts, start: number, width: number) => {
      sum.ok += c.ok;
      sum.degraded += c.degraded;
      sum.error += c.error;
      // A bucket with data covers its overlap with the window.
      if (hasData(c)) covered += Math.min(start + width, now) - Math.max(start, from);
    };
    if (name === '24h') {
      fine.forEach((c, k) => take(c, fineFrom + k * BUCKET_MS, BUCKET_MS));
    } else {
      fine.forEach((c, k) => fineFrom + k * BUCKET_MS >= cut && take(c, fineFrom + k * BUCKET_MS, BUCKET_MS));
      coarse.forEach((c, k) => {
        const start = coarseFrom + k * COARSE_MS;
        if (start + COARSE_MS > from) take(c, start, COARSE_MS);
      });
    }
    uptime[name] = uptimePercent(sum);
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
  return series(sources, from, n, sizeMs, level).map((c, k) => ({ start: from + k * sizeMs, status: worstStatus(c), uptime: uptimePercent(c) }));
}
