import t from 'tap';
import { createResultStore } from '../../src/store/store';
import { createDeadlines } from '../../src/store/deadlines';
import type { CheckConfig, CheckState } from '../../src/types';
import { makeConfig, probe } from './make-config';

/** Configs whose every property read is counted per check: shows which checks a record touches. */
function countedConfigs(n: number, over: (i: number) => Parameters<typeof makeConfig>[1] = () => ({})) {
  const reads = new Array<number>(n).fill(0);
  const configs = Array.from({ length: n }, (_, i) => {
    const c = makeConfig(`c${i}`, over(i));
    return new Proxy(c, {
      get(target, key, receiver) {
        reads[i]! += 1;
        return Reflect.get(target, key, receiver) as unknown;
      },
    }) as CheckConfig;
  });
  return { configs, reads, reset: () => reads.fill(0) };
}

t.test('a record reads only its own check, however many there are', async (t) => {
  const clock = { t: 1_000_000 };
  const { configs, reads, reset } = countedConfigs(2000);
  const store = createResultStore(configs, { now: () => clock.t });
  for (let i = 0; i < 2000; i++) store.record(`c${i}`, probe('ok', clock.t));
  store.snapshot();
  reset();
  for (let k = 0; k < 50; k++) {
    clock.t += 10;
    store.record('c7', probe(k % 5 === 0 ? 'error' : 'ok', clock.t));
    store.snapshot();
    store.get('c1999');
  }
  const touched = reads.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
  t.same(touched, [7], 'no other check config was read by 50 records and reads');
});

t.test('a record replaces only its own served state; every other one is the same object', async (t) => {
  const clock = { t: 1_000_000 };
  const names = Array.from({ length: 500 }, (_, i) => `c${i}`);
  const store = createResultStore(names.map((n) => makeConfig(n)), { now: () => clock.t, rebuildMs: 0 });
  for (const n of names) store.record(n, probe('ok', clock.t));
  const before = store.snapshot();
  store.record('c42', probe('ok', clock.t, { durationMs: 9 }));
  const after = store.snapshot();
  t.not(after, before);
  const differ = after.checks.map((s, i) => (s === before.checks[i] ? -1 : i)).filter((i) => i >= 0);
  t.same(differ, [42]);
  t.equal(after.checks[42]!.durationMs, 9);
});

t.test('status-change events fire at once, exactly once per change, among many checks', async (t) => {
  const clock = { t: 1_000_000 };
  const store = createResultStore(Array.from({ length: 1000 }, (_, i) => makeConfig(`c${i}`, { failureThreshold: 2 })), { now: () => clock.t });
  const seen: string[] = [];
  store.onStatusChange((prev, next, meta) => seen.push(`${next.name}:${prev.status}->${next.status}:${meta.decided}`));
  store.record('c3', probe('ok', clock.t));
  t.same(seen, ['c3:unknown->ok:true'], 'heard during record, before any read');
  store.record('c3', probe('error', clock.t));
  store.record('c500', probe('error', clock.t));
  t.same(seen, ['c3:unknown->ok:true', 'c500:unknown->error:true'], 'a first result is taken as it is; one failure under threshold is no change');
  store.record('c3', probe('error', clock.t));
  store.record('c3', probe('error', clock.t));
  t.equal(seen.at(-1), 'c3:ok->error:true');
  t.equal(seen.length, 3);
});

t.test('the Snapshot is rebuilt at most once per rebuildMs while no status changes, and at once when one does', async (t) => {
  const clock = { t: 1_000_000 };
  const store = createResultStore([makeConfig('db'), makeConfig('cache', { critical: false })], { now: () => clock.t, rebuildMs: 250 });
  store.record('db', probe('ok', clock.t));
  const first = store.snapshot();
  t.equal(first.checks[0]!.status, 'ok', 'a status change shows on the next read');
  for (let k = 1; k <= 100; k++) store.record('db', probe('ok', clock.t, { durationMs: k }));
  t.equal(store.snapshot(), first, 'timings alone wait for the rebuild window');
  t.equal(store.get('db')!.durationMs, 100, 'get() serves the latest state meanwhile');
  clock.t += 249;
  t.equal(store.snapshot(), first, 'still inside the window');
  clock.t += 1;
  const second = store.snapshot();
  t.not(second, first);
  t.equal(second.version, first.version + 1, 'one rebuild for a hundred results');
  t.equal(second.checks[0]!.durationMs, 100, 'with the latest of them');
  t.equal(store.snapshot(), second, 'and the same object until the next change');
  store.record('cache', probe('error', clock.t));
  const third = store.snapshot();
  t.not(third, second, 'a status change is not held back by the window');
  t.match(third, { status: 'degraded' });
  store.record('db', probe('error', clock.t));
  t.equal(store.snapshot(), third, 'a failure under threshold is not a status change');
  t.equal(store.get('db')!.consecutiveFailures, 1);
  store.record('db', probe('error', clock.t));
  const fourth = store.snapshot();
  t.match(fourth, { status: 'error' }, 'crossing the threshold shows at once');
  clock.t += 2_000;
  t.equal(store.snapshot(), fourth, 'no rebuild without a change, however long it waits (short of staleness)');
});

t.test('a status-change listener that reads the snapshot sees the change it is told about', async (t) => {
  const clock = { t: 1_000_000 };
  const store = createResultStore([makeConfig('db', { failureThreshold: 1 })], { now: () => clock.t });
  const overall: string[] = [];
  store.onStatusChange(() => overall.push(store.snapshot().status));
  store.record('db', probe('ok', clock.t));
  store.record('db', probe('error', clock.t));
  t.same(overall, ['ok', 'error']);
});

t.test('staleness stays exact per check with a fake clock, among many intervals', async (t) => {
  const clock = { t: 1_000_000 };
  const intervals = [1000, 2000, 5000, 1000, 3000];
  const store = createResultStore(intervals.map((interval, i) => makeConfig(`c${i}`, { interval })), { now: () => clock.t });
  const seen: string[] = [];
  store.onStatusChange((prev, next) => next.status === 'unknown' && seen.push(`${next.name}@${clock.t - 1_000_000}`));
  intervals.forEach((_, i) => store.record(`c${i}`, probe('ok', clock.t)));
  clock.t += 2000;
  store.record('c3', probe('ok', clock.t)); // c3 probed again: its deadline moves to 2000 + 3000
  for (let step = 0; step <= 16_000; step += 1) {
    clock.t = 1_000_000 + step;
    if (step % 2 === 0) store.snapshot();
    else store.get('c0');
  }
  t.same(seen, ['c0@3001', 'c3@5001', 'c1@6001', 'c4@9001', 'c2@15001'], 'each one the first ms after 3 intervals, once');
  t.match(store.get('c2'), { status: 'unknown', errorKind: 'timeout', error: /no result for over 15000 ms/ });
});

t.test('an adopted state already older than three intervals is served stale at once', async (t) => {
  const store = createResultStore([makeConfig('db')], { now: () => 10_000 });
  store.adopt('db', { ...store.get('db')!, status: 'ok', checkedAt: 6_999, lastSuccessAt: 6_999 });
  t.equal(store.get('db')!.status, 'unknown');
  store.adopt('db', { ...store.get('db')!, status: 'ok', checkedAt: 7_000, lastSuccessAt: 7_000, error: null, errorKind: null });
  t.equal(store.get('db')!.status, 'ok', 'exactly three intervals old is fresh');
});

t.test('the deadline heap stays bounded however often one check is recorded', async (t) => {
  const d = createDeadlines(10);
  for (let k = 0; k < 10_000; k++) d.set(k % 3, 1_000 + k);
  t.ok(d.size <= 4 * 10 + 64, `holds ${d.size} entries`);
  t.same(d.due(20_000).sort(), [0, 1, 2], 'only current deadlines are due');
  t.same(d.due(30_000), [], 'each once');
  d.set(5, 100);
  d.clear(5);
  t.same(d.due(200), [], 'a cleared deadline never comes due');
});

/** redis <- cache <- api, plus `web` needing api and `other` needing nothing. */
function chain() {
  const clock = { t: 1_000 };
  const store = createResultStore(
    [
      makeConfig('api', { failureThreshold: 1, dependsOn: ['cache'] }),
      makeConfig('web', { failureThreshold: 1, dependsOn: ['api'] }),
      makeConfig('cache', { failureThreshold: 1, dependsOn: ['redis'] }),
      makeConfig('redis', { failureThreshold: 1 }),
      makeConfig('other', { failureThreshold: 1 }),
    ],
    { now: () => clock.t, rebuildMs: 0 },
  );
  for (const n of ['api', 'web', 'cache', 'redis', 'other']) store.record(n, probe('error', clock.t));
  return { clock, store };
}

const causes = (store: ReturnType<typeof createResultStore>) => Object.fromEntries(store.snapshot().checks.map((c) => [c.name, c.causedBy]));

t.test('caused_by follows the chain to its root and moves only the dependents', async (t) => {
  const { clock, store } = chain();
  t.same(causes(store), { api: 'redis', web: 'redis', cache: 'redis', redis: null, other: null }, 'every check in the chain names the root');
  const other = store.get('other');
  const learnt: string[] = [];
  store.onCauseLearnt((_p, n) => learnt.push(`${n.name}:${n.causedBy}`));
  store.record('redis', probe('ok', clock.t));
  t.same(causes(store), { api: 'cache', web: 'cache', cache: null, redis: null, other: null }, 'the root recovers: cache is the root now');
  t.same(learnt.sort(), ['api:cache', 'web:cache'], 'each dependent announced once with its new root');
  t.equal(store.get('other'), other, 'an unrelated check is untouched');
  store.record('cache', probe('ok', clock.t));
  t.same(causes(store), { api: null, web: 'api', cache: null, redis: null, other: null });
  store.record('redis', probe('error', clock.t));
  t.same(causes(store), { api: null, web: 'api', cache: null, redis: null, other: null }, 'a dependency of a healthy check names nothing for it');
});

t.test('a dependency going stale is no longer a cause', async (t) => {
  const { clock, store } = chain();
  store.record('api', probe('error', clock.t + 2000));
  store.record('web', probe('error', clock.t + 2000));
  clock.t += 3001;
  t.same(causes(store), { api: null, web: 'api', cache: null, redis: null, other: null }, 'cache and redis are unknown now, not error');
  t.equal(store.get('cache')!.status, 'unknown');
});

t.test('a hub with many dependents: one change of the hub moves exactly its dependents', async (t) => {
  const clock = { t: 1_000 };
  const n = 300;
  const configs = [makeConfig('db', { failureThreshold: 1 }), ...Array.from({ length: n }, (_, i) => makeConfig(`svc${i}`, { failureThreshold: 1, dependsOn: i % 2 === 0 ? ['db'] : [] }))];
  const store = createResultStore(configs, { now: () => clock.t, rebuildMs: 0 });
  for (const c of configs) store.record(c.name, probe('error', clock.t));
  const before = new Map<string, CheckState>(store.snapshot().checks.map((c) => [c.name, c]));
  store.record('db', probe('ok', clock.t));
  const moved = store.snapshot().checks.filter((c) => before.get(c.name) !== c).map((c) => c.name);
  t.equal(moved.length, 1 + n / 2, 'the hub and its dependents only');
  t.ok(moved.every((m) => m === 'db' || Number(m.slice(3)) % 2 === 0));
});
