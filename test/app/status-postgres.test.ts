/**
 * `storage: {type: postgres}` through the running app, against a real
 * PostgreSQL: history one instance writes is seen by a replica and after a
 * restart; a PostgreSQL outage costs one WARN line, not an answer, and
 * writing resumes when it returns.
 */
import { Client } from 'pg';
import t from 'tap';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startRedis } from '../support/redis';
import { eventually, startApp, type TestApp } from '../support/app';

const json = (body: string) => JSON.parse(body) as Record<string, any>;
const CANARY = 'canary-pg-pw-51c0de';
// One write/read-back round is 5 s: allow several.
const ROUNDS = 40_000;

async function storedProbes(pg: TestPostgres): Promise<number> {
  const c = new Client({ connectionString: pg.url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string | null }>(
      "SELECT sum(ok + degraded + error + unknown)::text AS n FROM health_status_buckets WHERE check_name = 'cache'",
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

t.test('history in PostgreSQL: shared by a replica, kept across a restart, and an outage of it breaks nothing', async (t) => {
  const pg = await startPostgres();
  const redis = await startRedis();
  t.teardown(async () => {
    await redis.destroy();
    await pg.destroy();
  });
  const yaml = `
storage: { type: postgres, url: "\${HISTORY_URL}" }
defaults: { interval: 300ms, timeout: 250ms, failureThreshold: 1 }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}" }
`;
  const env = { HISTORY_URL: `postgres://postgres:${CANARY}@127.0.0.1:${pg.port}/postgres`, REDIS_URL: redis.url };
  const apps: TestApp[] = [];
  const start = async () => {
    const h = await startApp(yaml, env);
    apps.push(h);
    return h;
  };
  t.teardown(async () => {
    for (const h of apps) await h.close();
  });
  const status = async (h: TestApp) => {
    const res = await h.app.inject({ url: '/api/status' });
    t.notMatch(res.body, CANARY);
    return json(res.body);
  };
  const isCache = (i: any) => i.source === 'probe' && i.components.includes('cache');
  const closedIncident = (s: Record<string, any>) => s.incidents.find((i: any) => isCache(i) && i.resolved);

  // One instance lives through a Redis outage.
  const a = await start();
  await eventually(async () => (await status(a)).components[0].status === 'ok', 'a: cache ok');
  await redis.stop();
  await eventually(async () => (await status(a)).components[0].status === 'error', 'a: cache error');
  await redis.start();
  const seenByA = await eventually(async () => closedIncident(await status(a)), 'a: incident closed');

  // A replica started now reads what the first one wrote.
  const b = await start();
  const seenByB = await eventually(async () => {
    const s = await status(b);
    const i = closedIncident(s);
    return i && s.components[0].uptime['24h'] < 100 ? s : null;
  }, 'b: the incident and the lower uptime from PostgreSQL', ROUNDS);
  t.equal(closedIncident(seenByB).started_at, seenByA.started_at, 'the replica shows the same incident');
  t.equal(seenByB.incidents.filter(isCache).length, 1, 'one incident, not one per replica');

  // Both gone; a fresh process remembers.
  await a.close();
  await b.close();
  apps.length = 0;
  const c = await start();
  const afterRestart = await eventually(async () => {
    const s = await status(c);
    return closedIncident(s) && s.components[0].uptime['24h'] < 100 ? s : null;
  }, 'restart: history read back', ROUNDS);
  t.equal(closedIncident(afterRestart).started_at, seenByA.started_at, 'the incident survived the restart');

  // PostgreSQL dies: the service keeps answering and says so once.
  await eventually(async () => (await storedProbes(pg)) > 0, 'c has written', ROUNDS);
  await pg.stop();
  const warned = await eventually(
    () => c.logs().filter((l) => l.level === 'WARN' && /status history storage unavailable/.test(String(l.message))),
    'a WARN about the history storage',
    ROUNDS,
  );
  for (let i = 0; i < 5; i += 1) {
    const s = await c.app.inject({ url: '/api/status' });
    t.equal(s.statusCode, 200, '/api/status answers while PostgreSQL is down');
    t.equal((await c.app.inject({ url: '/api/health' })).statusCode, 200, 'health answers (Redis is fine)');
    t.equal((await c.app.inject({ url: '/api/health/readiness' })).statusCode, 200, 'ready: history storage is not a dependency');
    await new Promise((r) => setTimeout(r, 1_500));
  }
  t.equal(
    c.logs().filter((l) => l.level === 'WARN' && /status history storage unavailable/.test(String(l.message))).length,
    1,
    'one WARN per outage, not one per round',
  );
  t.equal(warned.length, 1);
  const during = (await status(c)).components[0].uptime['24h'];
  t.type(during, 'number', 'history still served from memory');

  await pg.start();
  const before = await storedProbes(pg);
  await eventually(() => c.logs().some((l) => /status history storage is reachable again/.test(String(l.message))), 'recovery logged', ROUNDS);
  await eventually(async () => (await storedProbes(pg)) > before, 'writing resumed, including what was held during the outage', ROUNDS);
  t.notMatch(c.rawLogs(), CANARY, 'no password in the logs');
  t.notMatch(c.rawLogs(), new RegExp(`127\\.0\\.0\\.1:${pg.port}`), 'no PostgreSQL host in the logs');
});
