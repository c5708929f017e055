/**
 * Operator storage in a real PostgreSQL: two apps (replicas) sharing one
 * database see the same incidents and windows; a restart keeps them;
 * concurrent updates on two replicas both survive; services sharing a
 * database stay apart; with the database down writes answer 503 and reads
 * keep being served.
 */
import t from 'tap';
import { Client } from 'pg';
import pino from 'pino';
import { eventually } from '../../support/app';
import { startPostgres } from '../../support/postgres';
import { AUTH, startOperatorApp } from '../../routes/admin-support';
import { createPostgresBackend, SCHEMA_VERSION } from '../../../src/status/operator/postgres';
import { createOperatorStore } from '../../../src/status/operator/store';

const quiet = pino({ level: 'silent' });
const inHour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

t.test('two replicas on one database: the same incidents and windows, after a restart too', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const storage = `storage: { type: postgres, url: "${pg.url}" }`;
  const a = await startOperatorApp(t, { storage });
  const b = await startOperatorApp(t, { storage });

  const created = await a.post('/api/status/incidents', { title: 'Slow checkout', status: 'investigating', components: ['up'], message: 'Looking.' });
  t.equal(created.statusCode, 201, 'the write returns once it is stored');
  const id = created.json().id;
  const onB = await eventually(async () => {
    const res = await b.get(`/api/status/incidents/${id}`);
    return res.statusCode === 200 ? res.json() : null;
  }, 'replica B serves the incident A wrote', 10_000);
  t.same(onB, created.json(), 'the same document');

  const updated = await b.post(`/api/status/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed by B.' });
  t.equal(updated.statusCode, 201, 'B can update what A wrote');
  await eventually(async () => (await a.get(`/api/status/incidents/${id}`)).json().status === 'resolved', 'A sees B\'s update', 10_000);

  const window = (await a.post('/api/status/maintenances', { title: 'Failover test', components: ['down'], starts_at: inHour(-1), ends_at: inHour(1) })).json();
  await eventually(async () => (await b.get('/api/health/detailed')).json().checks.down.maintenance === true, 'B puts the check in maintenance', 10_000);
  t.ok((await b.get('/api/status/maintenances')).json().maintenances.some((w: any) => w.id === window.id));
  t.equal((await b.h.app.inject({ method: 'DELETE', url: `/api/status/maintenances/${window.id}`, headers: AUTH })).statusCode, 204);
  await eventually(async () => !('maintenance' in (await a.get('/api/health/detailed')).json().checks.down), 'A sees the cancellation', 10_000);

  await a.h.close();
  const c = await startOperatorApp(t, { storage });
  const restored = await eventually(async () => {
    const res = await c.get(`/api/status/incidents/${id}`);
    return res.statusCode === 200 ? res.json() : null;
  }, 'a restarted replica reads them back', 10_000);
  t.same(restored.updates.map((u: any) => u.message), ['Looking.', 'Fixed by B.']);

  const db = new Client({ connectionString: pg.url });
  await db.connect();
  t.teardown(() => db.end());
  const { rows } = await db.query('SELECT version FROM health_operator_schema');
  t.same(rows, [{ version: SCHEMA_VERSION }], 'the layout version is recorded');
  const services = await db.query('SELECT DISTINCT service FROM health_operator_incidents');
  t.same(services.rows, [{ service: 'operator-test' }], 'rows are keyed by service name');
});

t.test('store level: concurrent updates on two replicas are both kept; services stay apart; database down', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const make = (service: string) => {
    const store = createOperatorStore({ backend: createPostgresBackend({ url: pg.url, service }), recurring: [], logger: quiet, reloadMs: 200 });
    t.teardown(() => store.close());
    return store;
  };
  const one = make('svc');
  const two = make('svc');
  const other = make('other-svc');
  await Promise.all([one.ready(), two.ready(), other.ready()]);

  const incident = await one.createIncident({ title: 'x', status: 'investigating', impact: 'minor', components: [], message: 'first' });
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).addUpdate(incident.id, { status: 'identified', message: `update ${i}` })),
  );
  await two.reload();
  const final = two.incident(incident.id)!;
  t.equal(final.updates.length, 11, 'ten concurrent updates from two replicas, none lost');
  t.same(new Set(final.updates.map((u) => u.message)).size, 11);

  await other.reload();
  t.equal(other.incidents({}).length, 0, 'another service on the same database sees none of it');

  const window = await one.scheduleMaintenance({ title: 'w', components: ['db'], starts_at: inHour(-1), ends_at: inHour(1), message: null });
  await two.reload();
  t.equal(two.inMaintenance('db'), true, 'the other replica puts the check in maintenance');
  t.equal(two.windows('active')[0]?.id, window.id);

  await one.reload();
  await pg.stop();
  await t.rejects(one.createIncident({ title: 'y', status: 'investigating', impact: 'none', components: [], message: 'm' }), 'a write with the database down fails (the route answers 503)');
  await one.reload();
  t.equal(one.incident(incident.id)?.updates.length, 11, 'reads keep being served from memory');
  t.equal(one.inMaintenance('db'), true);
  await pg.start();
  await eventually(async () => {
    try {
      await one.createIncident({ title: 'z', status: 'investigating', impact: 'none', components: [], message: 'back' });
      return true;
    } catch {
      return false;
    }
  }, 'writes work again once the database is back', 15_000, 250);
});

t.test('the route answers 503 (not 500) when storage refuses a write', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const a = await startOperatorApp(t, { storage: `storage: { type: postgres, url: "${pg.url}" }` });
  await pg.stop();
  const res = await a.post('/api/status/incidents', { title: 'x', status: 'investigating', message: 'm' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { error: 'service_unavailable', message: 'operator storage unavailable, retry later' });
  t.notMatch(res.body, /127\.0\.0\.1|ECONNREFUSED/);
  t.equal((await a.get('/api/status/incidents')).statusCode, 200, 'reads still answer');
});
