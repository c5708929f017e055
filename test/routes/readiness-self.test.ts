/** readiness?self (CONTRACT §4.3): the replica itself, whatever its dependencies say. */
import t from 'tap';
import { decideSelfReadiness } from '../../src/routes/readiness';
import { snapshot, state } from '../support/states';

const base = { shuttingDown: false, underPressure: false, sharedLoaded: false };

const cases = [
  { name: 'every dependency in error, results to serve -> ready', checks: [state('db', 'error'), state('cache', 'error')], input: base, code: 200, body: { status: 'ok' } },
  { name: 'a critical result gone stale is still something to serve -> ready', checks: [state('db', 'unknown', { checkedAt: 1 })], input: base, code: 200, body: { status: 'ok' } },
  { name: 'no first results yet -> starting', checks: [state('db', 'ok'), state('cache', 'unknown')], input: base, code: 503, body: { status: 'error', reason: 'starting' } },
  { name: "no own results yet, but the cluster's shared results loaded -> ready", checks: [state('db', 'unknown')], input: { ...base, sharedLoaded: true }, code: 200, body: { status: 'ok' } },
  { name: 'shutting down -> not ready', checks: [state('db', 'ok')], input: { ...base, shuttingDown: true }, code: 503, body: { status: 'error', reason: 'shutting_down' } },
  { name: 'under pressure -> not ready', checks: [state('db', 'ok')], input: { ...base, underPressure: true }, code: 503, body: { status: 'error', reason: 'under_pressure' } },
  { name: 'no checks at all -> ready', checks: [], input: base, code: 200, body: { status: 'ok' } },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = decideSelfReadiness(snapshot('error', c.checks), c.input);
    t.equal(r.ready ? 200 : 503, c.code);
    t.same(r.body, c.body);
    t.equal(r.lines.at(-1), r.ready ? 'readyz check passed' : 'readyz check failed');
  });
}
