import t, { type Test } from 'tap';
import { createScheduler, type SchedulerOptions } from '../../src/scheduler/scheduler';
import { createResultStore } from '../../src/store/store';
import type { CheckConfig, Checker } from '../../src/types';
import { makeConfig } from '../store/make-config';
import { deferred, fakeChecker, never, ok, recordingLogger, sleep, until, untilAborted, type LogLine } from './helpers';

type Entry = { config: CheckConfig; checker: Checker };

/** A scheduler and real store over `entries`; stopped at teardown. */
function setup(t: Test, entries: Entry[], extra: Partial<SchedulerOptions> = {}) {
  const store = createResultStore(entries.map((e) => e.config));
  const lines: LogLine[] = [];
  const scheduler = createScheduler({ entries, store, logger: recordingLogger(lines), ...extra });
  t.teardown(() => scheduler.stop());
  return { store, scheduler, lines };
}

t.test('a probe past its timeout is aborted and recorded as a timeout at once', async (t) => {
  const { checker, stats } = fakeChecker('db', untilAborted);
  const { store, scheduler } = setup(t, [{ config: makeConfig('db', { timeout: 50 }), checker }]);
  await scheduler.refresh();
  const s = store.get('db')!;
  t.match(s, { status: 'error', error: 'timed out after 50 ms', errorKind: 'timeout' });
  t.ok(s.durationMs! >= 49 && s.durationMs! < 5000, `ended at its timeout (${s.durationMs} ms), not later`);
  t.equal(stats.signals[0]!.aborted, true, 'the signal was aborted');
  t.equal((stats.signals[0]!.reason as Error).name, 'TimeoutError');
  t.not(scheduler.lastProgressAt(), null, 'a timeout counts as progress');
});

t.test('a checker that ignores abort and never settles never gets a second concurrent probe', async (t) => {
  const { checker, stats } = fakeChecker('db', never);
  const { store, scheduler } = setup(t, [{ config: makeConfig('db', { interval: 20, timeout: 10 }), checker }], {
    random: () => 0,
  });
  scheduler.start();
  await until(() => store.get('db')?.checkedAt !== null);
  t.equal(store.get('db')?.error, 'timed out after 10 ms');
  await scheduler.refresh();
  await sleep(150);
  t.equal(stats.calls, 1, 'no probe piled up, from timers or refresh');
  t.equal(store.get('db')?.status, 'unknown', 'the check went stale instead');
  t.equal(await Promise.race([scheduler.stop().then(() => 'stopped'), sleep(4000).then(() => 'hung')]), 'stopped', 'stop is bounded');
});

t.test('a slow probe that settles after its timeout still never overlaps the next', async (t) => {
  const { checker, stats } = fakeChecker('db', () => sleep(40).then(ok));
  const { store, scheduler } = setup(t, [{ config: makeConfig('db', { interval: 15, timeout: 10 }), checker }]);
  scheduler.start();
  await until(() => stats.calls >= 4);
  t.equal(stats.maxConcurrent, 1);
  t.equal(store.get('db')?.errorKind, 'timeout', 'the late ok is ignored: the timeout stands');
});

t.test('whatever a checker throws becomes an error result and the scheduler keeps running', async (t) => {
  const throwing: Checker = {
    name: 'sync',
    type: 'tcp',
    check() {
      throw new Error('boom at db.internal:5432');
    },
    close: async () => {},
  };
  const rejecting = fakeChecker('async', () => Promise.reject(new Error('kaboom')));
  const { store, scheduler, lines } = setup(t, [
    { config: makeConfig('sync', { interval: 20, timeout: 10 }), checker: throwing },
    { config: makeConfig('async', { interval: 20, timeout: 10 }), checker: rejecting.checker },
  ]);
  scheduler.start();
  await until(() => rejecting.stats.calls >= 3);
  for (const name of ['sync', 'async']) {
    t.match(store.get(name), { status: 'error', errorKind: 'other', error: 'unexpected error' }, `${name} throw -> error/other`);
  }
  t.notMatch(JSON.stringify(store.snapshot()), /db\.internal|boom/, 'the thrown message is not served');
  t.ok(lines.some((l) => l.level === 'warn' && l.bindings.check === 'sync'), 'the throw is logged against its check');
});

t.test('outcomes are normalised: missing kind, missing sentence, malformed', async (t) => {
  const cases = [
    { name: 'error without a kind is other', outcome: { status: 'error' }, want: { errorKind: 'other', error: 'probe failed' } },
    { name: 'error with its kind keeps it', outcome: { status: 'error', error: 'auth failed', errorKind: 'auth' }, want: { errorKind: 'auth', error: 'auth failed' } },
    { name: 'ok with details keeps them', outcome: { status: 'ok', details: { role: 'master' } }, want: { status: 'ok', error: null, details: { role: 'master' } } },
    { name: 'a malformed outcome is an error', outcome: { status: 'fine' }, want: { status: 'error', error: 'invalid probe outcome' } },
    { name: 'undefined is an error', outcome: undefined, want: { status: 'error', errorKind: 'other' } },
  ];
  for (const c of cases) {
    const { checker } = fakeChecker('x', async () => c.outcome as never);
    const { store, scheduler } = setup(t, [{ config: makeConfig('x'), checker }]);
    await scheduler.refresh();
    t.match(store.get('x'), c.want, c.name);
  }
});

t.test('concurrent refresh callers share one run', async (t) => {
  const a = fakeChecker('a', () => sleep(20).then(ok));
  const b = fakeChecker('b', () => sleep(5).then(ok));
  const { store, scheduler } = setup(t, [
    { config: makeConfig('a'), checker: a.checker },
    { config: makeConfig('b'), checker: b.checker },
  ]);
  const runs = Array.from({ length: 10 }, () => scheduler.refresh());
  t.ok(runs.every((r) => r === runs[0]), 'every caller gets the same promise');
  await Promise.all(runs);
  t.equal(a.stats.calls, 1);
  t.equal(b.stats.calls, 1);
  t.equal(store.get('a')?.status, 'ok', 'resolved once results are recorded');
  await scheduler.refresh();
  t.equal(a.stats.calls, 2, 'a later refresh runs again');
});

t.test('refresh waits for a probe already running instead of starting another', async (t) => {
  const gate = deferred<void>();
  const { checker, stats } = fakeChecker('db', () => gate.promise.then(ok));
  const { store, scheduler } = setup(t, [{ config: makeConfig('db') , checker }], { random: () => 0 });
  scheduler.start();
  await until(() => stats.calls === 1);
  let refreshed = false;
  const r = scheduler.refresh().then(() => (refreshed = true));
  await sleep(20);
  t.equal(refreshed, false, 'still waiting for the running probe');
  gate.resolve();
  await r;
  t.equal(stats.calls, 1, 'no second probe');
  t.equal(store.get('db')?.status, 'ok');
});

t.test('stop aborts running probes, is idempotent, and no probe starts afterwards', async (t) => {
  const { checker, stats } = fakeChecker('db', untilAborted);
  const { store, scheduler } = setup(t, [{ config: makeConfig('db', { interval: 20, timeout: 15 }), checker }], {
    random: () => 0,
  });
  scheduler.start();
  await until(() => stats.calls === 1);
  const stopping = scheduler.stop();
  t.equal(scheduler.stop(), stopping, 'the same promise for every caller');
  await stopping;
  t.equal(stats.signals[0]!.aborted, true);
  t.equal((stats.signals[0]!.reason as Error).name, 'AbortError');
  t.equal(store.get('db')?.checkedAt, null, 'a probe aborted by stop records nothing');
  await scheduler.refresh();
  scheduler.start();
  await sleep(80);
  t.equal(stats.calls, 1, 'no timer, refresh or restart probes after stop');
});

t.test('first runs are spread by jitter', async (t) => {
  for (const [ra, rb, want] of [[0, 0.9, 'a b'], [0.9, 0, 'b a']] as const) {
    const order: string[] = [];
    const mk = (name: string) => fakeChecker(name, () => (order.push(name), ok())).checker;
    const values = [ra, rb];
    const { scheduler } = setup(t, [
      { config: makeConfig('a', { interval: 200, timeout: 100 }), checker: mk('a') },
      { config: makeConfig('b', { interval: 200, timeout: 100 }), checker: mk('b') },
    ], { random: () => values.shift() ?? 0.5 });
    scheduler.start();
    await until(() => order.length >= 2);
    t.equal(order.slice(0, 2).join(' '), want, `random ${ra}/${rb} runs ${want}`);
    await scheduler.stop();
  }
});

t.test('each check re-runs on its own interval', async (t) => {
  const fast = fakeChecker('fast', ok);
  const slow = fakeChecker('slow', ok);
  const { scheduler } = setup(t, [
    { config: makeConfig('fast', { interval: 20, timeout: 10 }), checker: fast.checker },
    { config: makeConfig('slow', { interval: 10_000, timeout: 10 }), checker: slow.checker },
  ], { random: () => 0 });
  scheduler.start();
  await until(() => fast.stats.calls >= 5);
  t.equal(slow.stats.calls, 1, 'the slow check ran once at start-up only');
});

t.test('stalled: no probe finished for max(3 × longest interval, 60 s)', async (t) => {
  const clock = { t: 1_000_000 };
  const gate = deferred<void>();
  const { checker } = fakeChecker('db', () => gate.promise.then(ok));
  const { scheduler } = setup(t, [{ config: makeConfig('db', { interval: 30_000, timeout: 1000 }), checker }], {
    now: () => clock.t,
    random: () => 0,
  });
  t.equal(scheduler.stalled(clock.t + 1e9), false, 'not before start');
  scheduler.start();
  t.equal(scheduler.lastProgressAt(), null);
  t.equal(scheduler.stalled(clock.t + 90_000), false, 'at the limit (3 × 30 s) it is not yet stalled');
  t.equal(scheduler.stalled(clock.t + 90_001), true, 'past it, with no progress since start');
  clock.t += 50_000;
  gate.resolve();
  await until(() => scheduler.lastProgressAt() !== null);
  t.equal(scheduler.lastProgressAt(), clock.t);
  t.equal(scheduler.stalled(clock.t + 90_000), false, 'measured from the last progress');
  t.equal(scheduler.stalled(clock.t + 90_001), true);
  t.equal(scheduler.stalled(), false, 'defaults to now()');
});

t.test('stalled uses at least 60 s, and never with no checks', async (t) => {
  const clock = { t: 0 };
  const { checker } = fakeChecker('db', never);
  const { scheduler } = setup(t, [{ config: makeConfig('db', { interval: 1000, timeout: 500 }), checker }], {
    now: () => clock.t,
    random: () => 0.99,
  });
  scheduler.start();
  t.equal(scheduler.stalled(60_000), false);
  t.equal(scheduler.stalled(60_001), true);
  const empty = setup(t, [], { now: () => clock.t }).scheduler;
  empty.start();
  t.equal(empty.stalled(1e12), false);
  await empty.refresh();
  t.pass('refresh with no checks resolves');
});

t.test('interval timers never keep the process alive', async (t) => {
  const refdTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = refdTimers();
  const { checker, stats } = fakeChecker('db', ok);
  const { scheduler } = setup(t, [{ config: makeConfig('db', { interval: 60_000, timeout: 1000 }), checker }], {
    random: () => 0.5,
  });
  scheduler.start();
  t.equal(refdTimers(), before, 'the pending first run holds no ref');
  await scheduler.refresh();
  t.equal(stats.calls, 1);
  t.equal(refdTimers(), before, 'nor does the next run, scheduled after the probe');
});
