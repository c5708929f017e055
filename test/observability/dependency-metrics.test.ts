/**
 * db_*, health_redis_* and health_disk_used_ratio read from real servers
 * through the real app: a PostgreSQL primary with a pg_basebackup replica, a
 * server nobody listens on, a Redis with maxmemory, and this machine's /tmp.
 */
import t from 'tap';
import os from 'node:os';
import { statfsSync } from 'node:fs';
import pino from 'pino';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { buildApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { eventually } from '../support/app';
import { freePort } from '../support/ports';
import { startPostgres, startReplica } from '../support/postgres';
import { startRedis } from '../support/redis';

/** `name{labels} value` lines of one family, as label-string -> value. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) out.set(m[1] ?? '', Number(m[2]));
  }
  return out;
}
const value = (text: string, name: string, check: string) => samples(text, name).get(`{check="${check}"}`);
const typeOf = (text: string, name: string) => new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Two sessions take two row locks in opposite orders: the server kills one with 40P01. */
async function deadlock(url: string): Promise<void> {
  const a = await connect(url);
  const b = await connect(url);
  try {
    await a.query('CREATE TABLE IF NOT EXISTS locks (id int PRIMARY KEY); INSERT INTO locks VALUES (1), (2) ON CONFLICT DO NOTHING');
    await a.query('BEGIN; UPDATE locks SET id = id WHERE id = 1');
    await b.query('BEGIN; UPDATE locks SET id = id WHERE id = 2');
    const first = a.query('UPDATE locks SET id = id WHERE id = 2').catch((e: { code?: string }) => e.code);
    const second = b.query('UPDATE locks SET id = id WHERE id = 1').catch((e: { code?: string }) => e.code);
    const codes = await Promise.all([first, second]);
    if (!codes.includes('40P01')) throw new Error(`no deadlock: ${JSON.stringify(codes)}`);
  } finally {
    await a.end().catch(() => {});
    await b.end().catch(() => {});
  }
}

t.test('postgres: connections, deadlocks, query duration, connection errors, replication lag on both sides', async (t) => {
  const primary = await startPostgres();
  t.teardown(() => primary.destroy());
  const replica = await startReplica(primary);
  t.teardown(() => replica.destroy());
  const nobody = await freePort();

  const config = parseConfig(
    `
defaults: { interval: 300ms, timeout: 250ms }
checks:
  - { name: primary, type: postgres, url: "${primary.url}" }
  - { name: replica, type: postgres, url: "${replica.url}" }
  - { name: gone, type: postgres, url: "postgres://postgres@127.0.0.1:${nobody}/postgres", critical: false }
`,
    {},
    'pg.yml',
  );
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  t.teardown(() => app.close());
  await app.ready();
  const scrape = async () => (await app.inject({ url: '/metrics' })).body;

  await deadlock(primary.url);
  const text = await eventually(async () => {
    const s = await scrape();
    return (value(s, 'db_deadlocks_total', 'primary') ?? 0) >= 1 && (value(s, 'db_connection_errors_total', 'gone') ?? 0) >= 2 ? s : null;
  }, 'the deadlock and two failed connections are exported');

  t.equal(typeOf(text, 'db_deadlocks_total'), 'counter', "the server's deadlock count is exposed as a counter");
  t.equal(value(text, 'db_deadlocks_total', 'primary'), 1, 'exactly the one deadlock the server counted');
  t.equal(typeOf(text, 'db_connection_errors_total'), 'counter');
  t.equal(value(text, 'db_connection_errors_total', 'primary'), 0, 'a healthy check exports 0 failed connections, not nothing');
  t.equal(value(text, 'db_connections_max', 'primary'), 100, "max_connections (the server's default)");
  const used = value(text, 'db_connections_used', 'primary') ?? 0;
  t.ok(used >= 1 && used <= 100, `connections used is the server's count (${used})`);
  t.notOk(samples(text, 'db_connections_used').has('{check="gone"}'), 'a server that never answered has no connection gauge');
  const queries = samples(text, 'db_query_duration_seconds_count');
  t.ok((queries.get('{check="primary"}') ?? 0) >= 1, 'each probe query is observed');
  t.notOk(queries.has('{check="gone"}'), 'a failed connection observes no query');
  t.equal(value(text, 'db_replication_lag_seconds', 'replica'), 0, 'a replica that has replayed everything it received lags 0 s');
  t.notOk(/stat/.test([...samples(text, 'db_deadlocks_total').keys()].join()), 'labels: check only');

  // Pause replay on the standby, then write on the primary: WAL arrives and waits, so the replica lags.
  const standby = await connect(replica.url);
  t.teardown(() => standby.end().catch(() => {}));
  await standby.query('SELECT pg_wal_replay_pause()');
  const writer = await connect(primary.url);
  t.teardown(() => writer.end().catch(() => {}));
  await writer.query('CREATE TABLE IF NOT EXISTS ticks (at timestamptz)');
  const lagging = await eventually(async () => {
    await writer.query('INSERT INTO ticks VALUES (now())');
    const s = await scrape();
    return (value(s, 'db_replication_lag_seconds', 'replica') ?? 0) > 0 && value(s, 'db_replication_lag_seconds', 'primary') !== undefined ? s : null;
  }, 'the paused replica lags and the primary reports its replica', 20_000, 200);
  t.ok((value(lagging, 'db_replication_lag_seconds', 'replica') ?? 0) > 0, 'the paused replica reports replay lag');
  t.ok((value(lagging, 'db_replication_lag_seconds', 'primary') ?? -1) >= 0, "the primary reports its worst replica's replay lag");
  t.notOk(samples(lagging, 'db_replication_lag_seconds').has('{check="gone"}'));
  await standby.query('SELECT pg_wal_replay_resume()');
});

t.test("redis: memory, clients, fragmentation and the server's own hit, miss and eviction counts", async (t) => {
  const redis = await startRedis(['--maxmemory', '100mb']);
  t.teardown(() => redis.destroy());
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  t.teardown(() => client.disconnect());
  await client.set('present', '1');
  await client.get('present');
  await client.get('present');
  await client.get('absent');

  const config = parseConfig(`checks:\n  - { name: cache, type: redis, url: "${redis.url}", interval: 300ms, timeout: 250ms }\n`, {}, 'redis.yml');
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  t.teardown(() => app.close());
  await app.ready();
  const text = await eventually(async () => {
    const s = (await app.inject({ url: '/metrics' })).body;
    return value(s, 'health_redis_memory_used_bytes', 'cache') !== undefined ? s : null;
  }, 'the redis probe reports INFO');

  t.equal(value(text, 'health_redis_keyspace_hits_total', 'cache'), 2, "the server's keyspace_hits");
  t.equal(value(text, 'health_redis_keyspace_misses_total', 'cache'), 1, "the server's keyspace_misses");
  t.equal(value(text, 'health_redis_evicted_keys_total', 'cache'), 0, 'nothing evicted');
  for (const name of ['health_redis_keyspace_hits_total', 'health_redis_keyspace_misses_total', 'health_redis_evicted_keys_total']) {
    t.equal(typeOf(text, name), 'counter', `${name} is a counter`);
  }
  t.equal(value(text, 'health_redis_memory_max_bytes', 'cache'), 100 * 1024 * 1024, 'maxmemory');
  t.ok((value(text, 'health_redis_memory_used_bytes', 'cache') ?? 0) > 0, 'used memory');
  t.ok((value(text, 'health_redis_mem_fragmentation_ratio', 'cache') ?? 0) > 0, 'fragmentation ratio');
  t.ok((value(text, 'health_redis_connected_clients', 'cache') ?? 0) >= 2, 'our client and the probe are connected');
});

t.test('redis without maxmemory exports no memory limit', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const config = parseConfig(`checks:\n  - { name: cache, type: redis, url: "${redis.url}", interval: 300ms, timeout: 250ms }\n`, {}, 'redis.yml');
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  t.teardown(() => app.close());
  await app.ready();
  const text = await eventually(async () => {
    const s = (await app.inject({ url: '/metrics' })).body;
    return value(s, 'health_redis_memory_used_bytes', 'cache') !== undefined ? s : null;
  }, 'the redis probe reports INFO');
  t.equal(value(text, 'health_redis_memory_max_bytes', 'cache'), undefined, 'unlimited is absent, not 0');
});

t.test('disk: the used share of the filesystem, as df counts it', async (t) => {
  const dir = os.tmpdir();
  const config = parseConfig(`checks:\n  - { name: scratch, type: disk, path: "${dir}", maxUsage: 100%, degradedUsage: 100%, interval: 300ms, timeout: 250ms }\n`, {}, 'disk.yml');
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  t.teardown(() => app.close());
  await app.ready();
  const text = await eventually(async () => {
    const s = (await app.inject({ url: '/metrics' })).body;
    return value(s, 'health_disk_used_ratio', 'scratch') !== undefined ? s : null;
  }, 'the disk check reports');
  const st = statfsSync(dir);
  const used = (st.blocks - st.bfree) / (st.blocks - st.bfree + st.bavail);
  const ratio = value(text, 'health_disk_used_ratio', 'scratch')!;
  t.ok(ratio >= 0 && ratio <= 1, `a ratio (${ratio})`);
  t.ok(Math.abs(ratio - used) < 0.01, `close to statfs's own figure (${used})`);
});
