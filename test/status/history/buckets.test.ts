import t from 'tap';
import { BUCKET_MS, BucketRings, COARSE_MS, emptyCounts, STRIDE, type Level } from '../../../src/status/history/buckets';
import { DAY, HOUR } from '../../../src/status/history/types';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

/** Check c's counts in the one bucket of `level` starting at `start`: [ok, degraded, error, unknown, maintenance]. */
function countsAt(rings: BucketRings, c: number, level: Level, start: number): number[] {
  const into = new Float64Array(STRIDE);
  rings.source(c).sumSeries(into, start, level === 'fine' ? BUCKET_MS : COARSE_MS, level);
  return [...into];
}

t.test('counts are exact past one byte, for the check that needs it and no other', async (t) => {
  const cases = [
    { name: 'a 30 s check (10 a bucket) stays in one-byte counters', probes: 10, fine: 10, coarse: 10 },
    { name: 'one byte full', probes: 255, fine: 255, coarse: 255 },
    { name: '256 probes widen the check', probes: 256, fine: 256, coarse: 256 },
    { name: 'a 250 ms check: 1,200 probes in 5 minutes', probes: 1200, fine: 1200, coarse: 1200 },
    { name: 'saturates at 65,535 as before', probes: 70_000, fine: 65_535, coarse: 65_535 },
  ];
  for (const c of cases) {
    const rings = new BucketRings(3);
    const start = Math.floor(NOW / BUCKET_MS) * BUCKET_MS;
    for (let i = 0; i < c.probes; i += 1) rings.add(1, start + (i % 1000), 'ok');
    rings.add(0, start, 'error');
    rings.add(2, start, 'degraded');
    t.same(countsAt(rings, 1, 'fine', start), [c.fine, 0, 0, 0, 0], `${c.name}: fine`);
    t.same(countsAt(rings, 1, 'coarse', Math.floor(NOW / HOUR) * HOUR), [c.coarse, 0, 0, 0, 0], `${c.name}: coarse`);
    t.same(countsAt(rings, 0, 'fine', start), [0, 0, 1, 0, 0], `${c.name}: the check before it untouched`);
    t.same(countsAt(rings, 2, 'fine', start), [0, 1, 0, 0, 0], `${c.name}: the check after it untouched`);
  }
});

t.test('counts read back from storage replace a bucket, widening when they need to', async (t) => {
  const rings = new BucketRings(2);
  const start = Math.floor(NOW / HOUR) * HOUR;
  rings.add(0, start, 'ok');
  rings.setCounts(0, 'coarse', start, { ...emptyCounts(), ok: 300, error: 2 });
  t.same(countsAt(rings, 0, 'coarse', start), [300, 0, 2, 0, 0]);
  rings.addCounts(0, 'coarse', start, { ...emptyCounts(), ok: 5 });
  t.same(countsAt(rings, 0, 'coarse', start), [305, 0, 2, 0, 0], 'and add on top');
  t.same(countsAt(rings, 1, 'coarse', start), [0, 0, 0, 0, 0], 'the other check has none');
});

t.test('a ring holds its span and no more: older buckets are gone, not shown', async (t) => {
  const rings = new BucketRings(1);
  const old = NOW - 27 * HOUR;
  rings.add(0, old, 'error');
  t.same(countsAt(rings, 0, 'fine', Math.floor(old / BUCKET_MS) * BUCKET_MS), [0, 0, 1, 0, 0], 'held while newest');
  rings.add(0, NOW, 'ok');
  t.same(countsAt(rings, 0, 'fine', Math.floor(old / BUCKET_MS) * BUCKET_MS).slice(0, 3), [0, 0, 0], '27 h before the newest: past the 26 h ring');
  t.same(countsAt(rings, 0, 'coarse', Math.floor(old / HOUR) * HOUR), [0, 0, 1, 0, 0], 'still in the 30-day ring');
  rings.add(0, old, 'error');
  t.same(countsAt(rings, 0, 'fine', Math.floor(NOW / BUCKET_MS) * BUCKET_MS), [1, 0, 0, 0, 0], 'a probe older than the ring does not overwrite a newer bucket');
  rings.add(0, NOW + 31 * DAY, 'ok');
  t.equal(rings.size(0), 2, 'a month later only the newest bucket of each tier is held');
});
