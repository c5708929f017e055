/** The scheduler's cluster seam: `owns` skips a peer's checks (still alive for liveness), `runIn` moves a taken-over check's run. */
import t from 'tap';
import { createScheduler } from '../../src/scheduler/scheduler';
import { createResultStore } from '../../src/store/store';
import { makeConfig, probe } from '../store/make-config';
import { fakeChecker, ok, recordingLogger, sleep, until } from './helpers';

t.test('a check a peer owns is not probed when due, and the skipped runs count as the scheduler being alive', async (t) => {
  const mine = fakeChecker('mine', ok);
  const theirs = fakeChecker('theirs', ok);
  const configs = [makeConfig('mine', { interval: 30, timeout: 10 }), makeConfig('theirs', { interval: 30, timeout: 10 })];
  const store = createResultStore(configs);
  const scheduler = createScheduler({
    entries: [{ config: configs[0]!, checker: mine.checker }, { config: configs[1]!, checker: theirs.checker }],
    store,
    logger: recordingLogger(),
    owns: (name) => name === 'mine',
    random: () => 0,
  });
  t.teardown(() => scheduler.stop());
  scheduler.start();
  await until(() => mine.stats.calls >= 3);
  t.equal(theirs.stats.calls, 0, "the peer's check was never probed here");
  t.equal(scheduler.stalled(Date.now() + 10), false, 'not stalled');
  await scheduler.refresh();
  t.equal(theirs.stats.calls, 1, 'refresh probes every check, owned or not');
});

t.test('runIn brings a check forward (a takeover) and is ignored before start', async (t) => {
  const c = fakeChecker('db', ok);
  const config = makeConfig('db', { interval: 60_000, timeout: 10 });
  const scheduler = createScheduler({ entries: [{ config, checker: c.checker }], store: createResultStore([config]), logger: recordingLogger(), random: () => 0.99 });
  t.teardown(() => scheduler.stop());
  scheduler.runIn('db', 0);
  await sleep(30);
  t.equal(c.stats.calls, 0, 'nothing runs before start()');
  scheduler.start();
  await until(() => c.stats.calls === 1);
  scheduler.runIn('db', 0);
  await until(() => c.stats.calls === 2);
  scheduler.runIn('nope', 0);
  t.pass('an unknown name is ignored');
});

t.test('staleGraceMs: a result is served unknown only after 3 intervals plus the grace', async (t) => {
  let clock = 1_000_000;
  const config = makeConfig('db', { interval: 1_000 });
  const plain = createResultStore([config], { now: () => clock });
  const graced = createResultStore([config], { now: () => clock, staleGraceMs: 3_000 });
  plain.record('db', probe('ok', clock));
  graced.record('db', probe('ok', clock));
  clock += 4_000;
  t.equal(plain.get('db')?.status, 'unknown', 'standalone: stale after 3 intervals');
  t.equal(graced.get('db')?.status, 'ok', 'in a cluster: a failover in progress is not unknown');
  clock += 2_001;
  t.equal(graced.get('db')?.status, 'unknown', 'but a check nobody probes turns unknown');
});
