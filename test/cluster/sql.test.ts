/** The cluster store's SQL on a real PostgreSQL: versioned, idempotent migrations; leases on the database clock; ordered upserts. */
import { Pool } from 'pg';
import t, { type Test } from 'tap';
import { fromShared, toShared } from '../../src/cluster/shared-state';
import * as sql from '../../src/cluster/sql';
import { startPostgres } from '../support/postgres';
import { state } from '../support/states';

/** A PostgreSQL and pools on it, torn down pools first (idle clients of a stopped server emit errors). */
async function database(t: Test, pools = 1) {
  const pg = await startPostgres();
  const list = Array.from({ length: pools }, () => new Pool({ connectionString: pg.url }).on('error', () => undefined));
  t.teardown(async () => {
    await Promise.all(list.map((p) => p.end()));
    await pg.destroy();
  });
  return list;
}

t.test('migrations: created if missing, once, under concurrent starts, with their version recorded', async (t) => {
  const pools = await database(t, 2);
  await Promise.all(pools.map((p) => p.query(sql.migrationScript())));
  await pools[0]!.query(sql.migrationScript());
  const { rows } = await pools[0]!.query('SELECT version FROM health_cluster_schema ORDER BY version');
  t.same(rows.map((r) => r.version), [sql.SCHEMA_VERSION], 'each version applied once');
  t.equal(await sql.appliedVersion(pools[0]!), sql.SCHEMA_VERSION);
  const tables = await pools[0]!.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'health_cluster_%' ORDER BY 1`);
  t.same(tables.rows.map((r) => r.tablename), ['health_cluster_members', 'health_cluster_observations', 'health_cluster_results', 'health_cluster_schema']);
});

t.test('leases: a member is live until leaseTime passes on the database clock; services are kept apart', async (t) => {
  const [pool] = (await database(t)) as [Pool];
  await pool.query(sql.migrationScript());
  await sql.heartbeat(pool, 'svc', 'm1', 'zone-a');
  await sql.heartbeat(pool, 'svc', 'm2', 'zone-b');
  await sql.heartbeat(pool, 'other', 'm9', 'zone-z');
  await pool.query(`UPDATE health_cluster_members SET last_seen = now() - interval '5 seconds' WHERE member_id = 'm2'`);
  const live = await sql.liveMembers(pool, 'svc', 3_000);
  t.same(live.members.map((m) => m.id), ['m1'], 'silent past its lease: dead; another service: not listed');
  t.ok(Math.abs(live.dbNow - Date.now()) < 5_000, 'the database clock is reported');
  await sql.leave(pool, 'svc', 'm1');
  t.same((await sql.liveMembers(pool, 'svc', 3_000)).members, [], 'a member that leaves is gone at once');
});

t.test('results: an older write never overwrites a newer one; times travel on the database clock', async (t) => {
  const [pool] = (await database(t)) as [Pool];
  await pool.query(sql.migrationScript());
  const offset = 7_000; // this replica's clock is 7 s behind the database's
  const fresh = { ...state('db', 'error', { checkedAt: 2_000_000, consecutiveFailures: 3 }), probedBy: 'zone-a' };
  const old = state('db', 'ok', { checkedAt: 1_000_000 });
  const row = (s: typeof fresh) => ({ check: 'db', state: toShared(s, offset), checkedAtMs: s.checkedAt! + offset, probedBy: 'zone-a', member: 'm1' });
  await sql.writeResults(pool, 'svc', [row(fresh)]);
  await sql.writeResults(pool, 'svc', [row(old as typeof fresh)]);
  const [read] = await sql.resultsSince(pool, 'svc', 0);
  const back = fromShared(read!.state, offset, 'db');
  t.match(back, { status: 'error', consecutiveFailures: 3, checkedAt: 2_000_000, probedBy: 'zone-a' }, 'the newer result and its counters survive, back on this clock');
  t.equal(read!.checkedAtMs, 2_007_000, 'stored on the database clock');
  t.equal(fromShared({ name: 'other' }, 0, 'db'), null, 'a row that is not a state is ignored');
  t.same(await sql.resultsSince(pool, 'svc', Date.now() + 60_000), [], 'only rows changed since the given time');
});
