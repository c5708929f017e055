import t from 'tap';
import { createResultStore } from '../../src/store/store';
import type { CheckState, ProbeResult } from '../../src/types';
import { makeConfig, probe } from './make-config';

/** A store over `db` (critical, interval 1000 ms) and `cache` (non-critical), on a hand-moved clock. */
function setup() {
  const clock = { t: 1_000_000 };
  const store = createResultStore(
    [makeConfig('db', { interval: 1000 }), makeConfig('cache', { interval: 1000, critical: false, dependsOn: [] })],
    { now: () => clock.t },
  );
  const changes: string[] = [];
  store.onStatusChange((prev, next) => changes.push(`${next.name}:${prev.status}->${next.status}`));
  return { clock, store, changes };
}

t.test('before any probe every check is unknown and the service is not started', async (t) => {
  const { store } = setup();
  const s = store.snapshot();
  t.equal(s.version, 0);
  t.equal(s.status, 'error', 'a critical unknown is error');
  t.equal(s.started, false);
  t.same(s.checks.map((c) => [c.name, c.status]), [['db', 'unknown'], ['cache', 'unknown']], 'checks in config order');
  t.equal(store.get('nope'), undefined);
});

t.test('record applies thresholds and a new immutable snapshot per change', async (t) => {
  const { clock, store } = setup();
  const s0 = store.snapshot();
  t.equal(store.snapshot(), s0, 'same object while nothing changed');
  store.record('db', probe('ok', clock.t));
  const s1 = store.snapshot();
  t.not(s1, s0, 'a record makes a new snapshot');
  t.ok(s1.version > s0.version, 'with a higher version');
  t.equal(store.snapshot(), s1, 'and the same again until the next change');
  t.match(s1, { status: 'ok', started: true });
  t.ok(Object.isFrozen(s1) && Object.isFrozen(s1.checks) && Object.isFrozen(s1.checks[0]), 'frozen all the way to the states');
  store.record('db', probe('error', clock.t));
  t.equal(store.get('db')?.status, 'ok', 'one failure under threshold 2 keeps ok');
  store.record('db', probe('error', clock.t));
  t.equal(store.get('db')?.status, 'error');
  t.equal(store.snapshot().status, 'error');
  t.throws(() => store.record('nope', probe('ok')), /no check named "nope"/);
});

t.test('degradedLatency is applied on record and passed to result listeners', async (t) => {
  const clock = { t: 50 };
  const store = createResultStore([makeConfig('db', { degradedLatency: 100 })], { now: () => clock.t });
  const seen: [string, ProbeResult, CheckState][] = [];
  const off = store.onResult((name, result, state) => seen.push([name, result, state]));
  store.record('db', probe('ok', 50, { durationMs: 250 }));
  t.equal(seen.length, 1);
  t.equal(seen[0]![0], 'db');
  t.equal(seen[0]![1].status, 'degraded', 'metrics count the run as degraded');
  t.equal(seen[0]![2].status, 'degraded');
  t.equal(seen[0]![2], store.get('db'), 'the state passed is the served one');
  off();
  store.record('db', probe('ok', 60));
  t.equal(seen.length, 1, 'unsubscribed');
});

t.test('a result older than three intervals is served as unknown, lazily and memoised', async (t) => {
  const { clock, store, changes } = setup();
  store.record('db', probe('ok', clock.t));
  store.record('cache', probe('ok', clock.t + 500));
  const fresh = store.snapshot();
  clock.t += 3000;
  t.equal(store.snapshot(), fresh, 'exactly three intervals old is still fresh');
  clock.t += 1;
  const stale = store.snapshot();
  t.not(stale, fresh, 'a passed deadline makes a new snapshot');
  t.ok(stale.version > fresh.version);
  t.match(store.get('db'), { status: 'unknown', errorKind: 'timeout', checkedAt: 1_000_000 });
  t.match(store.get('db')?.error, /no result for over 3000 ms/);
  t.equal(store.get('cache')?.status, 'ok', 'the younger result is still fresh');
  t.equal(stale.status, 'error', 'a stale critical check makes the service error');
  t.equal(stale.started, true, 'but it has started');
  t.equal(store.snapshot(), stale, 'memoised again until the next deadline');
  clock.t += 500;
  t.equal(store.get('cache')?.status, 'unknown', 'the next deadline passes too');
  t.equal(store.snapshot().status, 'error');
  t.same(changes, ['db:unknown->ok', 'cache:unknown->ok', 'db:ok->unknown', 'cache:ok->unknown']);
  store.record('db', probe('ok', clock.t));
  t.equal(store.get('db')?.status, 'ok', 'a fresh result brings it back');
  t.equal(store.get('db')?.error, null);
  t.equal(changes.at(-1), 'db:unknown->ok');
});

t.test('a check that was never probed never goes stale', async (t) => {
  const { clock, store, changes } = setup();
  const s = store.snapshot();
  clock.t += 1e9;
  t.equal(store.snapshot(), s);
  t.same(changes, []);
});

t.test('onStatusChange fires exactly once per status change', async (t) => {
  const { clock, store, changes } = setup();
  const seq: ProbeResult['status'][] = ['ok', 'ok', 'error', 'error', 'error', 'ok', 'degraded', 'degraded', 'ok'];
  for (const s of seq) {
    store.record('db', probe(s, clock.t));
    store.snapshot();
    store.snapshot();
  }
  t.same(changes, ['db:unknown->ok', 'db:ok->error', 'db:error->ok', 'db:ok->degraded', 'db:degraded->ok']);
});

t.test('a throwing listener neither breaks the store nor the other listeners', async (t) => {
  const errors: unknown[] = [];
  const store = createResultStore([makeConfig('db')], { logger: { error: (...a: unknown[]) => void errors.push(a) } as never });
  let calls = 0;
  store.onStatusChange(() => {
    throw new Error('bad listener');
  });
  store.onStatusChange(() => void calls++);
  store.onResult(() => {
    throw new Error('bad listener');
  });
  store.record('db', probe('ok', Date.now()));
  t.equal(calls, 1);
  t.equal(store.get('db')?.status, 'ok');
  t.equal(errors.length, 2, 'both failures reported');
});

t.test('causedBy is set in served states while the dependency is in error', async (t) => {
  const clock = { t: 10 };
  const store = createResultStore(
    [makeConfig('cache', { failureThreshold: 1 }), makeConfig('api', { failureThreshold: 1, dependsOn: ['cache'] })],
    { now: () => clock.t },
  );
  const changes: CheckState[] = [];
  store.onStatusChange((_prev, next) => changes.push(next));
  store.record('cache', probe('error', 10));
  store.record('api', probe('error', 10));
  t.equal(store.get('api')?.causedBy, 'cache');
  t.equal(changes.at(-1)?.causedBy, 'cache', 'the status change carries the cause');
  store.record('cache', probe('ok', 11));
  t.equal(store.get('api')?.causedBy, null, 'cleared once the dependency recovers');
  t.equal(store.get('api')?.status, 'error');
});

t.test('a check already in error that learns its cause is announced once more (as cause learnt, not a status change)', async (t) => {
  const clock = { t: 10 };
  const store = createResultStore(
    [makeConfig('cache', { failureThreshold: 2 }), makeConfig('api', { failureThreshold: 1, dependsOn: ['cache'] })],
    { now: () => clock.t },
  );
  const changes: Array<[CheckState, CheckState]> = [];
  store.onStatusChange((prev, next) => changes.push([prev, next]));
  store.onCauseLearnt((prev, next) => changes.push([prev, next]));
  let statusOnly = 0;
  store.onStatusChange(() => void statusOnly++);
  store.record('cache', probe('ok', 10));
  store.record('api', probe('ok', 10));
  changes.length = 0;
  statusOnly = 0;
  store.record('api', probe('error', 11));
  t.same(changes.map(([p, n]) => [n.name, p.status, n.status, n.causedBy]), [['api', 'ok', 'error', null]], 'api turns error before cache does');
  store.record('cache', probe('error', 12));
  store.record('cache', probe('error', 13));
  t.same(
    changes.map(([p, n]) => [n.name, p.status, n.status, n.causedBy]),
    [
      ['api', 'ok', 'error', null],
      ['cache', 'ok', 'error', null],
      ['api', 'error', 'error', 'cache'],
    ],
    'then cache turns error and api is announced again naming its root',
  );
  store.record('cache', probe('error', 14));
  t.equal(changes.length, 3, 'nothing new, nothing announced');
  t.equal(statusOnly, 2, 'status-change listeners heard only the two real changes');
});

t.test('duplicate check names are refused', async (t) => {
  t.throws(() => createResultStore([makeConfig('a'), makeConfig('a')]), /duplicate check name "a"/);
});

t.test('adopt serves a state decided elsewhere as it is, and reports its changes as not decided here', async (t) => {
  const store = createResultStore([makeConfig('db', { failureThreshold: 3 })], { now: () => 1_000 });
  const metas: boolean[] = [];
  let results = 0;
  store.onStatusChange((_p, _n, meta) => metas.push(meta.decided));
  store.onResult(() => void results++);
  const peer = { ...store.get('db')!, status: 'error' as const, checkedAt: 900, consecutiveFailures: 3, error: 'connection refused', errorKind: 'refused' as const };
  store.adopt('db', peer);
  t.equal(store.get('db')!.status, 'error', 'no threshold applied to an adopted state');
  t.equal(store.get('db')!.consecutiveFailures, 3, 'counters kept');
  t.equal(results, 0, 'no result listener for a state probed elsewhere');
  store.record('db', probe('ok', 950));
  t.same(metas, [false, true], 'adopted change not decided here; own probe decided');
  t.throws(() => store.adopt('nope', peer), /no check named/);
});
