import t from 'tap';
import { decideReadiness } from '../../src/routes/readiness';
import { snapshot, state } from '../support/states';

const none = new Set<string>();
const base = { shuttingDown: false, underPressure: false, exclude: none };

const cases = [
  { name: 'all critical checks ok -> ready', checks: [state('db', 'ok'), state('cache', 'degraded')], input: base, code: 200, body: { status: 'ok' } },
  { name: 'a critical check in error -> failing lists it', checks: [state('db', 'error'), state('cache', 'ok')], input: base, code: 503, body: { status: 'error', failing: ['db'] } },
  { name: 'a non-critical check in error does not matter', checks: [state('db', 'ok'), state('s3', 'error', { critical: false })], input: base, code: 200, body: { status: 'ok' } },
  { name: 'a critical check not probed yet -> starting', checks: [state('db', 'ok'), state('cache', 'unknown')], input: base, code: 503, body: { status: 'error', reason: 'starting' } },
  { name: 'a critical result gone stale -> failing', checks: [state('db', 'unknown', { checkedAt: 1 })], input: base, code: 503, body: { status: 'error', failing: ['db'] } },
  { name: 'excluded failing check is ignored', checks: [state('db', 'error'), state('cache', 'ok')], input: { ...base, exclude: new Set(['db']) }, code: 200, body: { status: 'ok' } },
  { name: 'shutting down wins over everything', checks: [state('db', 'ok')], input: { ...base, shuttingDown: true }, code: 503, body: { status: 'error', reason: 'shutting_down' } },
  { name: 'under pressure -> not ready', checks: [state('db', 'ok')], input: { ...base, underPressure: true }, code: 503, body: { status: 'error', reason: 'under_pressure' } },
  { name: 'no checks at all -> ready', checks: [], input: base, code: 200, body: { status: 'ok' } },
  { name: 'failures are reported before starting', checks: [state('db', 'error'), state('cache', 'unknown')], input: base, code: 503, body: { status: 'error', failing: ['db'] } },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = decideReadiness(snapshot('ok', c.checks), c.input);
    t.equal(r.ready ? 200 : 503, c.code);
    t.same(r.body, c.body);
    t.equal(r.lines.at(-1), r.ready ? 'readyz check passed' : 'readyz check failed');
  });
}

t.test('verbose lines show the error kind only, never the error text', async (t) => {
  const r = decideReadiness(snapshot('error', [state('db', 'error', { error: 'secret host x' }), state('cache', 'ok')]), base);
  t.same(r.lines, ['[-]db failed: refused', '[+]cache ok', 'readyz check failed']);
});
