import t from 'tap';
import net from 'node:net';
import { createScheduler } from '../../src/scheduler/scheduler';
import { createResultStore } from '../../src/store/store';
import type { Checker, Outcome } from '../../src/types';
import { startBlackhole } from '../support/blackhole';
import { makeConfig } from '../store/make-config';
import { recordingLogger, until } from './helpers';

/** The smallest honest checker: waits for the peer to speak, and lets go of its socket when aborted. */
function greetingChecker(port: number): Checker {
  return {
    name: 'hung',
    type: 'tcp',
    check: (signal) =>
      new Promise<Outcome>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => {});
        socket.once('data', () => {
          socket.destroy();
          resolve({ status: 'ok' });
        });
        signal.addEventListener('abort', () => {
          socket.destroy();
          reject(signal.reason);
        }, { once: true });
      }),
    close: async () => {},
  };
}

t.test('a dependency that accepts and never answers: the probe ends at its timeout and leaks no socket', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const config = makeConfig('hung', { port: hole.port, interval: 60, timeout: 40, failureThreshold: 1 });
  const store = createResultStore([config]);
  const scheduler = createScheduler({ entries: [{ config, checker: greetingChecker(hole.port) }], store, logger: recordingLogger() });
  t.teardown(() => scheduler.stop());

  const refreshing = scheduler.refresh();
  await until(() => hole.openConnections() === 1);
  t.pass('the probe really connected');
  await refreshing;
  t.match(store.get('hung'), { status: 'error', error: 'timed out after 40 ms', errorKind: 'timeout' });
  t.ok(store.get('hung')!.durationMs! < 5000, 'ended at its timeout, not whenever the peer gave up');
  await until(() => hole.openConnections() === 0);
  t.pass('the aborted probe closed its socket');

  scheduler.start();
  let most = 0;
  const watch = setInterval(() => (most = Math.max(most, hole.openConnections())), 2);
  t.teardown(() => clearInterval(watch));
  let probes = 0;
  store.onResult(() => probes++);
  await until(() => probes >= 3);
  t.equal(most <= 1, true, `never more than one socket open at a time (saw ${most})`);
  await scheduler.stop();
  await until(() => hole.openConnections() === 0);
  t.equal(store.snapshot().status, 'error', 'served as an error, never a hang');
});
