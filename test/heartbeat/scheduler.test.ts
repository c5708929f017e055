/**
 * A checker that answers `unknown` (a heartbeat with no verdict yet): the
 * scheduler records nothing, so the check keeps its state, but it counts as
 * progress, so liveness never fails for want of pings.
 */
import t from 'tap';
import { createScheduler } from '../../src/scheduler/scheduler';
import { createResultStore } from '../../src/store/store';
import type { Checker, Outcome } from '../../src/types';
import { makeConfig } from '../store/make-config';
import { recordingLogger } from '../scheduler/helpers';

t.test('an unknown outcome records nothing and still counts as progress', async (t) => {
  const config = makeConfig('waiting', { interval: 60, timeout: 40, failureThreshold: 1 });
  let answer: Outcome = { status: 'unknown' };
  const checker: Checker = { name: 'waiting', type: 'tcp', check: async () => answer, close: async () => {} };
  const store = createResultStore([config]);
  let results = 0;
  store.onResult(() => results++);
  const scheduler = createScheduler({ entries: [{ config, checker }], store, logger: recordingLogger() });
  t.teardown(() => scheduler.stop());

  await scheduler.refresh();
  t.equal(results, 0, 'nothing recorded');
  t.match(store.get('waiting'), { status: 'unknown', checkedAt: null }, 'the check keeps its state');
  t.type(scheduler.lastProgressAt(), 'number', 'the probe still counts as progress (liveness)');

  answer = { status: 'ok' };
  await scheduler.refresh();
  t.equal(results, 1, 'a verdict is recorded as usual');
  t.equal(store.get('waiting')?.status, 'ok');
});
