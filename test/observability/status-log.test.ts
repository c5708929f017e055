/** §5.5: a status change logs once, at the level its direction calls for. */
import t from 'tap';
import { createResultStore } from '../../src/store/store';
import { logStatusChanges } from '../../src/observability/status-log';
import { recordingLogger } from '../checks/checker-harness';
import { makeConfig, probe } from '../store/make-config';

const cases: Array<{ name: string; critical: boolean; steps: Array<'ok' | 'degraded' | 'error'>; want: string[] }> = [
  { name: 'a first ok result is INFO', critical: true, steps: ['ok'], want: ['info check db is ok'] },
  { name: 'ok to degraded is WARN', critical: true, steps: ['ok', 'degraded'], want: ['info check db is ok', 'warn check db is degraded'] },
  { name: 'degraded back to ok is a recovery: INFO', critical: true, steps: ['ok', 'degraded', 'ok'], want: ['info check db is ok', 'warn check db is degraded', 'info check db is ok'] },
  { name: 'a critical check to error is ERROR, back to ok INFO', critical: true, steps: ['ok', 'error', 'ok'], want: ['info check db is ok', 'error check db is error', 'info check db is ok'] },
  { name: 'a non-critical check to error is WARN', critical: false, steps: ['ok', 'error'], want: ['info check db is ok', 'warn check db is error'] },
  { name: 'error to degraded is WARN (not yet recovered)', critical: true, steps: ['error', 'degraded'], want: ['error check db is error', 'warn check db is degraded'] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const store = createResultStore([makeConfig('db', { failureThreshold: 1, critical: c.critical })], { now: () => 1_000_000 });
    const log = recordingLogger();
    logStatusChanges(store, log);
    for (const status of c.steps) store.record('db', probe(status));
    t.same(log.lines.map((l) => `${l.level} ${String(l.args[1])}`), c.want);
  });
}
