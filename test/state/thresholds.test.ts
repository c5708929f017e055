import t from 'tap';
import { applyLatency, applyResult, initialState } from '../../src/state/thresholds';
import type { CheckState, ProbeStatus } from '../../src/types';
import { makeConfig, probe } from '../store/make-config';

const CODE: Record<string, ProbeStatus> = { o: 'ok', d: 'degraded', e: 'error' };

/** Feeds a sequence of probe outcomes ("o", "d", "e") and returns the status after each. */
function run(sequence: string, failureThreshold: number, successThreshold: number): string {
  const config = makeConfig('db', { failureThreshold, successThreshold });
  let s: CheckState = initialState(config);
  const out: string[] = [];
  sequence.split(' ').forEach((c, i) => {
    s = applyResult(s, probe(CODE[c]!, 1000 + i), config);
    out.push(s.status[0]!);
  });
  return out.join(' ');
}

const cases: { name: string; seq: string; f: number; s: number; want: string }[] = [
  { name: 'a first failure is taken as it is, even under a threshold', seq: 'e', f: 3, s: 1, want: 'e' },
  { name: 'a first degraded result is taken as it is', seq: 'd', f: 2, s: 1, want: 'd' },
  { name: 'a first error stays error until enough successes', seq: 'e o o', f: 2, s: 2, want: 'e e o' },
  { name: 'failures under the threshold keep ok', seq: 'o e o e', f: 2, s: 1, want: 'o o o o' },
  { name: 'two consecutive failures turn error at threshold 2', seq: 'o e e', f: 2, s: 1, want: 'o o e' },
  { name: 'threshold 1 turns error at once', seq: 'o e o', f: 1, s: 1, want: 'o e o' },
  { name: 'threshold 3 needs three in a row', seq: 'o e e o e e e', f: 3, s: 1, want: 'o o o o o o e' },
  { name: 'a failing degraded check keeps degraded under the threshold', seq: 'd e e', f: 2, s: 1, want: 'd d e' },
  { name: 'recovery needs successThreshold good probes in a row', seq: 'o e e o o o', f: 2, s: 3, want: 'o o e e e o' },
  { name: 'a failure in the middle restarts the recovery count', seq: 'e o e o o', f: 1, s: 2, want: 'e e e e o' },
  { name: 'recovery may land on degraded', seq: 'e o d', f: 1, s: 2, want: 'e e d' },
  { name: 'degraded probes count as good toward recovery', seq: 'e d d', f: 1, s: 2, want: 'e e d' },
  { name: 'between ok and degraded the status moves at once', seq: 'o d o d', f: 2, s: 3, want: 'o d o d' },
  { name: 'a failing probe after recovery starts counting again', seq: 'e o e e', f: 2, s: 1, want: 'e o o e' },
];

for (const c of cases) {
  t.equal(run(c.seq, c.f, c.s), c.want, `${c.name} (${c.seq} with f=${c.f} s=${c.s})`);
}

t.test('the initial state is unknown with no timings', async (t) => {
  const s = initialState(makeConfig('cache', { critical: false }));
  t.match(s, { name: 'cache', type: 'tcp', critical: false, status: 'unknown', checkedAt: null, durationMs: null });
  t.match(s, { lastSuccessAt: null, consecutiveFailures: 0, consecutiveSuccesses: 0, error: null, causedBy: null });
});

t.test('the latest probe is always shown, even while the status holds', async (t) => {
  const config = makeConfig('db');
  const ok = applyResult(initialState(config), probe('ok', 100, { details: { v: 1 } }), config);
  t.equal(ok.lastSuccessAt, 100);
  const failing = applyResult(ok, probe('error', 200, { error: 'timed out', errorKind: 'timeout', durationMs: 9 }), config);
  t.equal(failing.status, 'ok', 'still ok under the failure threshold');
  t.match(failing, { error: 'timed out', errorKind: 'timeout', durationMs: 9, checkedAt: 200, details: {} });
  t.equal(failing.lastSuccessAt, 100, 'last success is the last good probe');
  t.equal(failing.consecutiveFailures, 1);
  t.equal(failing.consecutiveSuccesses, 0);
  const back = applyResult(failing, probe('ok', 300), config);
  t.match(back, { error: null, errorKind: null, lastSuccessAt: 300, consecutiveFailures: 0, consecutiveSuccesses: 1 });
});

t.test('degradedLatency turns a slow ok probe degraded', async (t) => {
  const config = makeConfig('db', { degradedLatency: 500 });
  const slow = applyResult(initialState(config), probe('ok', 1, { durationMs: 500.5 }), config);
  t.equal(slow.status, 'degraded');
  t.match(slow.error, /slower than 500 ms/);
  t.equal(slow.errorKind, null, 'slowness is not a failure cause');
  const exact = applyResult(initialState(config), probe('ok', 1, { durationMs: 500 }), config);
  t.equal(exact.status, 'ok', 'exactly at the limit is still ok');
  const failed = applyLatency(probe('error', 1, { durationMs: 9000 }), config);
  t.equal(failed.status, 'error', 'a slow failure stays an error');
  t.equal(failed.error, 'connection refused');
  const never = applyResult(initialState(makeConfig('db')), probe('ok', 1, { durationMs: 1e6 }), makeConfig('db'));
  t.equal(never.status, 'ok', 'null degradedLatency never degrades');
  const once = applyLatency(probe('ok', 1, { durationMs: 600 }), config);
  t.same(applyLatency(once, config), once, 'applying it twice changes nothing');
});
