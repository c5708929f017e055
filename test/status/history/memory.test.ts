/** Memory history: bucketing, uptime windows, latency, incidents from status changes, and its bounds. */
import t from 'tap';
import { BUCKET_MS } from '../../../src/status/history/buckets';
import { createMemoryHistory } from '../../../src/status/history/memory';
import { DAY, HOUR, MINUTE } from '../../../src/status/history/types';
import type { CheckStatus } from '../../../src/types';
import type { HistoryStatus } from '../../../src/status/history/types';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function history(now = NOW) {
  let clock = now;
  const h = createMemoryHistory(['db', 'cache'], { now: () => clock });
  return { h, set: (t: number) => (clock = t) };
}

/** Records `n` probes of `status` for db, one a minute, ending at `end`. */
function probes(h: ReturnType<typeof history>['h'], status: HistoryStatus, n: number, end: number, durationMs = 10) {
  for (let i = n - 1; i >= 0; i -= 1) h.record('db', { status, durationMs, checkedAt: end - i * MINUTE });
}

t.test('uptime counts ok and degraded as up, per window, and excludes unknown', async (t) => {
  const { h } = history();
  probes(h, 'ok', 90, NOW - 1);
  probes(h, 'degraded', 10, NOW - 2 * HOUR);
  probes(h, 'error', 100, NOW - 2 * DAY); // outside 24 h, inside 7 d
  probes(h, 'error', 300, NOW - 10 * DAY); // outside 7 d, inside 30 d
  probes(h, 'unknown', 500, NOW - 3 * HOUR);
  t.same(h.uptime('db'), { '24h': 100, '7d': 50, '30d': 20 });
});

t.test('uptime is null for a window without known probes, and for an unknown check', async (t) => {
  const { h } = history();
  probes(h, 'unknown', 10, NOW);
  t.same(h.uptime('db'), { '24h': null, '7d': null, '30d': null });
  t.same(h.uptime('cache'), { '24h': null, '7d': null, '30d': null });
  t.same(h.uptime('nope'), { '24h': null, '7d': null, '30d': null });
});

t.test('data older than 30 days drops out of every window', async (t) => {
  const { h, set } = history();
  probes(h, 'error', 10, NOW);
  t.same(h.uptime('db')['30d'], 0);
  set(NOW + 31 * DAY);
  t.same(h.uptime('db'), { '24h': null, '7d': null, '30d': null });
});

t.test('buckets: aligned bars, oldest first, worst status and uptime each, null where nothing landed', async (t) => {
  const { h } = history();
  const hourStart = Math.floor(NOW / HOUR) * HOUR;
  h.record('db', { status: 'ok', durationMs: 1, checkedAt: hourStart + 1 });
  h.record('db', { status: 'ok', durationMs: 1, checkedAt: hourStart - HOUR + 1 });
  h.record('db', { status: 'error', durationMs: 1, checkedAt: hourStart - HOUR + 2 * BUCKET_MS });
  h.record('db', { status: 'degraded', durationMs: 1, checkedAt: hourStart - 2 * HOUR + 1 });
  const bars = h.buckets('db', 4, HOUR);
  t.equal(bars.length, 4);
  t.same(
    bars.map((b) => [b.start, b.status, b.uptime]),
    [
      [hourStart - 3 * HOUR, null, null],
      [hourStart - 2 * HOUR, 'degraded', 100],
      [hourStart - HOUR, 'error', 50],
      [hourStart, 'ok', 100],
    ],
  );
});

t.test('latency p50/p95 from recent raw samples; samples older than 24 h do not count', async (t) => {
  const { h } = history();
  t.same(h.latency('db'), { p50: null, p95: null });
  for (let i = 1; i <= 100; i += 1) h.record('db', { status: 'ok', durationMs: i, checkedAt: NOW - i * 1000 });
  h.record('db', { status: 'ok', durationMs: 99_999, checkedAt: NOW - 2 * DAY });
  t.same(h.latency('db'), { p50: 50, p95: 95 });
});

const incidentCases: Array<{ name: string; changes: Array<[CheckStatus, CheckStatus]>; expect: Array<[string, number | null]> }> = [
  { name: 'ok -> error opens one, error -> ok closes it', changes: [['ok', 'error'], ['error', 'ok']], expect: [['error', 2]] },
  { name: 'degraded then error is one incident, escalated to error', changes: [['ok', 'degraded'], ['degraded', 'error'], ['error', 'degraded']], expect: [['error', null]] },
  { name: 'unknown neither opens nor closes', changes: [['ok', 'error'], ['error', 'unknown'], ['unknown', 'error']], expect: [['error', null]] },
  { name: 'unknown -> ok closes an open incident (stale, then recovered)', changes: [['ok', 'degraded'], ['degraded', 'unknown'], ['unknown', 'ok']], expect: [['degraded', 3]] },
  { name: 'two stretches are two incidents, most recent first', changes: [['ok', 'error'], ['error', 'ok'], ['ok', 'degraded']], expect: [['degraded', null], ['error', 2]] },
  { name: 'first result ok or a close without an open incident creates nothing', changes: [['unknown', 'ok'], ['degraded', 'ok']], expect: [] },
];

for (const c of incidentCases) {
  t.test(`incidents: ${c.name}`, async (t) => {
    const { h } = history();
    // Changes 10 minutes apart: further than the 5 minutes within which a reopened incident continues (feed.test.ts).
    c.changes.forEach(([prev, next], i) => h.statusChanged('db', prev, next, NOW + (i + 1) * 10 * MINUTE));
    const got = h.incidents(10);
    t.same(
      got.map((i) => [i.status, i.end === null ? null : (i.end - NOW) / (10 * MINUTE)]),
      c.expect,
    );
    for (const i of got) t.equal(i.check, 'db');
  });
}

t.test('incidents of unconfigured checks are ignored, and limit is honoured', async (t) => {
  const { h } = history();
  h.statusChanged('ghost', 'ok', 'error', NOW);
  t.same(h.incidents(10), []);
  for (let i = 0; i < 10; i += 1) {
    h.statusChanged('db', 'ok', 'error', NOW + i * 20 * MINUTE);
    h.statusChanged('db', 'error', 'ok', NOW + (i * 20 + 1) * MINUTE);
  }
  const three = h.incidents(3);
  t.equal(three.length, 3);
  t.equal(three[0]!.start, NOW + 180 * MINUTE, 'newest first');
});

t.test('memory stays bounded after 100k records over 60 days and 10k status flaps', async (t) => {
  const { h, set } = history();
  const start = NOW - 60 * DAY;
  for (let i = 0; i < 100_000; i += 1) {
    const at = start + i * ((60 * DAY) / 100_000);
    h.record('db', { status: i % 7 === 0 ? 'error' : 'ok', durationMs: i % 100, checkedAt: at });
    h.record('ghost', { status: 'ok', durationMs: 1, checkedAt: at });
  }
  for (let i = 0; i < 5_000; i += 1) {
    // 12 minutes apart, so each is its own incident (not merged into one).
    h.statusChanged('db', 'ok', 'error', NOW + i * 12 * MINUTE);
    h.statusChanged('db', 'error', 'ok', NOW + i * 12 * MINUTE + 1);
  }
  const f = h.footprint();
  t.ok(f.buckets <= 312 + 721, `buckets ${f.buckets} <= 1033 (26 h of 5-minute buckets, 30 days of hourly ones)`);
  t.ok(f.buckets > 1000, 'and the last 30 days are all there');
  t.equal(f.samples, 500, 'raw samples capped');
  t.ok(f.incidents <= 200, `incidents ${f.incidents} capped`);
  set(NOW);
  const u = h.uptime('db')['30d']!;
  t.ok(u > 84 && u < 88, `30 d uptime ${u} ≈ 6/7 over what was kept`);
});

t.test('windows say how much of each window has data: two hours of probes are not "30 d: 100 %"', async (t) => {
  const { h } = history();
  probes(h, 'ok', 120, NOW - 1);
  const w = h.windows('db');
  t.same(w.uptime, { '24h': 100, '7d': 100, '30d': 100 });
  t.ok(w.coverage['24h'] >= 8 && w.coverage['24h'] <= 8.7, `24 h coverage ${w.coverage['24h']} ≈ 2/24`);
  t.ok(w.coverage['7d'] >= 1.1 && w.coverage['7d'] <= 1.3, `7 d coverage ${w.coverage['7d']} ≈ 2/168`);
  t.ok(w.coverage['30d'] >= 0.25 && w.coverage['30d'] <= 0.3, `30 d coverage ${w.coverage['30d']} ≈ 2/720`);
  t.same(h.windows('cache').coverage, { '24h': 0, '7d': 0, '30d': 0 }, 'no data, no coverage');
  probes(h, 'ok', 10 * 24 * 60, NOW - 1);
  t.ok(h.windows('db').coverage['7d'] > 99.9, 'ten days of probes cover the 7 d window');
});

t.test('maintenance probes count neither up nor down, and the bar says maintenance', async (t) => {
  const { h } = history();
  probes(h, 'ok', 30, NOW - 1);
  probes(h, 'maintenance', 30, NOW - 31 * MINUTE);
  t.same(h.uptime('db')['24h'], 100);
  t.equal(h.buckets('db', 2, HOUR)[0]!.status, 'maintenance', 'the hour before NOW');
});
