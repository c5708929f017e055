import t from 'tap';
import { databaseField, healthJson, httpStatusFor, prepareDetailed, prepareSummary, summaryStatus } from '../../src/routes/views';
import type { ServiceInfo } from '../../src/types';
import { snapshot, state } from '../support/states';

const info: ServiceInfo = { name: 'asset-anchor-api', environment: 'production', version: '1.4.2', gitSha: 'a1b2c3d4e5f6' };
const now = new Date('2025-08-10T12:34:56.789Z');

t.test('summary: ok/error only, literal Pingdom keyword, contract key order', async (t) => {
  const snap = snapshot('degraded', [state('database', 'degraded')]);
  const text = prepareSummary(snap, info).render(now);
  t.equal(
    text,
    `{
  "status": "ok",
  "version": "1.4.2",
  "git_sha": "a1b2c3d4e5f6",
  "database": "connected",
  "environment": "production",
  "node_version": "${process.versions.node}",
  "timestamp": "2025-08-10T12:34:56.789Z"
}`,
  );
  t.equal(summaryStatus(snapshot('error', [])), 'error');
  t.equal(httpStatusFor(snapshot('error', [])), 503);
  t.equal(httpStatusFor(snapshot('degraded', [])), 200);
});

t.test('check details holding the timestamp placeholder cannot break the splice', async (t) => {
  const snap = snapshot('ok', [state('database', 'ok', { details: { note: '\u0000timestamp\u0000' } })]);
  const a = JSON.parse(prepareDetailed(snap, info).render(now));
  t.equal(a.timestamp, now.toISOString());
  t.equal(a.checks.database.details.note, '\u0000timestamp\u0000');
});

const dbCases = [
  { name: 'named database wins over the first postgres check', checks: [state('main', 'error'), state('database', 'ok')], want: 'connected' },
  { name: 'else the first postgres check', checks: [state('main', 'error'), state('replica', 'ok')], want: 'disconnected' },
  { name: 'not probed yet', checks: [state('database', 'unknown')], want: 'unknown' },
  { name: 'no postgres check', checks: [state('cache', 'ok', { type: 'redis' })], want: 'not_configured' },
];
for (const c of dbCases) {
  t.test(`database field: ${c.name}`, async (t) => t.equal(databaseField(snapshot('ok', c.checks)), c.want));
}

t.test('detailed: every field of a check entry, durations rounded to 0.01 ms', async (t) => {
  const snap = snapshot('error', [state('database', 'error', { causedBy: 'network' })]);
  const d = JSON.parse(prepareDetailed(snap, info).render(now));
  t.same(d, {
    status: 'error',
    service: 'asset-anchor-api',
    version: '1.4.2',
    git_sha: 'a1b2c3d4e5f6',
    environment: 'production',
    timestamp: '2025-08-10T12:34:56.789Z',
    checks: {
      database: {
        type: 'postgres',
        status: 'error',
        critical: true,
        duration_ms: 1.23,
        checked_at: '2025-08-10T12:34:50.001Z',
        last_success_at: null,
        consecutive_failures: 2,
        error: 'connection refused',
        error_kind: 'refused',
        caused_by: 'network',
        details: {},
      },
    },
  });
});

t.test('health+json: pass/warn/fail, a critical unknown is fail', async (t) => {
  const snap = snapshot('error', [
    state('database', 'ok', { details: { connections: 12 } }),
    state('cache', 'degraded', { type: 'redis' }),
    state('jobs', 'unknown', { type: 'bullmq' }),
    state('optional', 'unknown', { type: 'http', critical: false }),
  ]);
  const h = healthJson(snap, info, now);
  t.equal(h.status, 'fail');
  t.equal(h.serviceId, 'asset-anchor-api');
  t.equal(h.releaseId, '1.4.2+a1b2c3d4e5f6');
  const first = (k: string) => (h.checks[k] as Array<Record<string, unknown>>)[0]!;
  t.equal(first('database:responseTime').status, 'pass');
  t.equal(first('database:connections').observedValue, 12);
  t.equal(first('cache:responseTime').status, 'warn');
  t.equal(first('jobs:responseTime').status, 'fail');
  t.equal(first('optional:responseTime').status, 'warn');
  t.equal(first('jobs:responseTime').componentType, 'component');
});
