/** GET <basePath>/cluster and the cluster fields of detailed entries, in-process against a real PostgreSQL (CONTRACT §4.11). */
import t from 'tap';
import { eventually, startApp } from '../support/app';
import { startPostgres } from '../support/postgres';
import { startTarget } from './replicas';

t.test('standalone: the cluster route says there is no cluster, and entries carry no cluster fields', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  // Pressure off: on this shared machine a busy loop would otherwise answer under_pressure.
  const app = await startApp(`pressure: { maxEventLoopDelay: 0 }\nchecks:\n  - { name: api, type: http, url: "http://127.0.0.1:${target.port}/api" }\n`);
  t.teardown(() => app.close());
  const res = await app.app.inject('/api/health/cluster');
  t.equal(res.statusCode, 404);
  t.match(res.json(), { error: String, message: /not in a cluster/, status_code: 404 });
  await app.app.inject({ method: 'POST', url: '/api/health/refresh' });
  const entry = (await app.app.inject('/api/health/checks/api')).json();
  t.notOk('probed_by' in entry, 'no probed_by standalone');
  const self = await app.app.inject('/api/health/readiness?self');
  t.equal(self.statusCode, 200, `readiness?self works standalone (${self.body})`);
});

t.test('in a cluster: the route needs the details token and shows this replica, the store and the members', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const target = await startTarget();
  t.teardown(() => target.close());
  const yaml = `
server: { detailsToken: canary-details-token }
pressure: { maxEventLoopDelay: 0 }
cluster: { url: "${pg.url}", location: zone-x, leaseTime: 3s }
defaults: { interval: 1s, timeout: 500ms }
checks:
  - { name: api, type: http, url: "http://127.0.0.1:${target.port}/api" }
  - { name: web, type: http, url: "http://127.0.0.1:${target.port}/web" }
`;
  const app = await startApp(yaml);
  t.teardown(() => app.close());
  const auth = { authorization: 'Bearer canary-details-token' };
  t.equal((await app.app.inject('/api/health/cluster')).statusCode, 401, 'same auth as detailed');
  const view = await eventually(async () => {
    const body = (await app.app.inject({ url: '/api/health/cluster', headers: auth })).json();
    return body.store === 'up' && body.members.length === 1 ? body : null;
  }, 'the replica registered');
  t.match(view, { mode: 'shard', self: { id: String, location: 'zone-x', started_at: String }, store: 'up' });
  t.same(view.members.map((m: any) => [m.id, m.location, m.owned_checks]), [[view.self.id, 'zone-x', 2]]);
  t.ok(Date.now() - Date.parse(view.members[0].last_seen) < 5_000, 'last_seen is recent, on this replica clock');
  const entry = await eventually(async () => {
    const e = (await app.app.inject({ url: '/api/health/checks/api', headers: auth })).json();
    return e.status === 'ok' ? e : null;
  }, 'api probed');
  t.equal(entry.probed_by, 'zone-x');
  t.notOk('observations' in entry, 'observations only in quorum mode');
  t.equal((await app.app.inject('/api/health/readiness?self&verbose')).body.split('\n').at(-2), 'readyz check passed');
  t.notMatch(app.rawLogs(), /canary-details-token/);
});
