/** Memory history: bucketing, uptime windows, latency, incidents from status changes, and its bounds. */
import t from 'tap';
import { BUCKET_MS } from '../../../src/status/history/buckets';
import { createMemoryHistory } from '../../../src/status/history/memory';
import { DAY, HOUR, MINUTE } from '../../../src/status/history/types';
import type { CheckStatus } from '../../../src/types';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function history(now = NOW) {
  let clock = now;
  const h = createMemoryHistory(['db', 'cache'], { now: () => clock });
  return { h, set: (t: number) => (clock = t) };
}

/** Records `n` probes of `status` for db, one a minute, ending at `end`. */
function probes(h: ReturnType<typeof history>['h'], status: CheckStatus, n: number, end: number, durationMs = 10) {
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
    c.changes.forEach(([prev, next], i) => h.statusChanged('db', prev, next, NOW + (i + 1) * MINUTE));
    const got = h.incidents(10);
    t.same(
      got.map((i) => [i.status, i.end === null ? null : (i.end - NOW) / MINUTE]),
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
    h.statusChanged('db', 'ok', 'error', NOW + i * 2 * MINUTE);
    h.statusChanged('db', 'error', 'ok', NOW + (i * 2 + 1) * MINUTE);
  }
  const three = h.incidents(3);
  t.equal(three.length, 3);
  t.equal(three[0]!.start, NOW + 18 * MINUTE, 'newest first');
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
    h.statusChanged('db', 'ok', 'error', NOW + i * 2);
    h.statusChanged('db', 'error', 'ok', NOW + i * 2 + 1);
  }
  const f = h.footprint();
  t.ok(f.buckets <= 8640, `buckets ${f.buckets} <= 8640 (30 days of 5-minute buckets)`);
  t.ok(f.buckets > 8000, 'and the last 30 days are all there');
  t.equal(f.samples, 1000, 'raw samples capped');
  t.ok(f.incidents <= 200, `incidents ${f.incidents} capped`);
  set(NOW);
  const u = h.uptime('db')['30d']!;
  t.ok(u > 84 && u < 88, `30 d uptime ${u} ≈ 6/7 over what was kept`);
});
