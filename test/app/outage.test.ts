/**
 * End to end over real servers: a dependency dies and comes back while the
 * service keeps answering; a dependency hangs and probes end at their timeout.
 */
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { startPostgres } from '../support/postgres';
import { startRedis } from '../support/redis';
import { eventually, startApp } from '../support/app';

const json = (body: string) => JSON.parse(body) as Record<string, any>;

t.test('a stopped database turns error after failureThreshold probes, fails readiness, keeps liveness, and recovers', async (t) => {
  const pg = await startPostgres();
  const redis = await startRedis();
  t.teardown(async () => {
    await pg.destroy();
    await redis.destroy();
  });
  const h = await startApp(
    `
defaults: { interval: 700ms, timeout: 600ms, failureThreshold: 2, successThreshold: 1 }
checks:
  - { name: database, type: postgres, url: "\${PG_URL}" }
  - { name: cache, type: redis, url: "\${REDIS_URL}" }
`,
    { PG_URL: pg.url, REDIS_URL: redis.url },
  );
  t.teardown(() => h.close());
  const get = (url: string) => h.app.inject({ url });

  await eventually(async () => (await get('/api/health/readiness')).statusCode === 200, 'ready');
  const healthy = json((await get('/api/health/detailed')).body);
  t.equal(healthy.status, 'ok');
  t.equal(healthy.checks.database.status, 'ok');
  t.equal(healthy.checks.cache.status, 'ok');

  await pg.stop();
  const down = await eventually(async () => {
    const d = json((await get('/api/health/detailed')).body);
    return d.checks.database.status === 'error' ? d : null;
  }, 'database error');
  t.ok(down.checks.database.consecutive_failures >= 2, 'error only after two failed probes');
  t.equal(down.status, 'error');
  t.equal(down.checks.cache.status, 'ok', 'the other check is unaffected');
  t.notMatch(down.checks.database.error, /127\.0\.0\.1|localhost|postgres:\/\//, 'error text names no host');

  const ready = await get('/api/health/readiness');
  t.equal(ready.statusCode, 503);
  t.same(json(ready.body), { status: 'error', failing: ['database'] });
  const live = await get('/api/health/liveness');
  t.equal(live.statusCode, 200, 'a database outage must not restart the pod');
  t.equal(json(live.body).status, 'ok');
  const summary = await get('/api/health');
  t.equal(summary.statusCode, 503);
  t.equal(json(summary.body).database, 'disconnected');

  // The transition to error is logged once, at ERROR, after exactly failureThreshold failures.
  const toError = h.logs().filter((l) => (l.context as any)?.check === 'database' && (l.context as any)?.to === 'error');
  t.equal(toError.length, 1, 'one log line for the change');
  t.equal(toError[0]?.level, 'ERROR');
  t.equal((toError[0]?.context as any).consecutive_failures, 2, 'turned error on the second consecutive failure');

  const refused = await eventually(async () => {
    const d = json((await get('/api/health/checks/database')).body);
    return d.error_kind === 'refused' ? d : null;
  }, 'refused while the server is down');
  t.equal(refused.error, 'connection refused');

  await pg.start();
  await eventually(async () => (await get('/api/health/readiness')).statusCode === 200, 'ready again after restart');
  const back = json((await get('/api/health')).body);
  t.equal(back.status, 'ok');
  t.equal(back.database, 'connected');
  const recovered = h.logs().filter((l) => (l.context as any)?.check === 'database' && (l.context as any)?.from === 'error');
  t.equal(recovered.length, 1);
  t.equal(recovered[0]?.level, 'INFO');
});

const hungTypes = [
  { type: 'postgres', url: (port: number) => `postgres://probe@127.0.0.1:${port}/db` },
  { type: 'redis', url: (port: number) => `redis://127.0.0.1:${port}` },
];

for (const c of hungTypes) {
  t.test(`a ${c.type} that accepts and never answers times out at the check's timeout while routes keep answering`, async (t) => {
    const hole = await startBlackhole();
    t.teardown(() => hole.close());
    const h = await startApp(
      `
checks:
  - { name: hung, type: ${c.type}, url: "${c.url(hole.port)}", interval: 400ms, timeout: 250ms, failureThreshold: 1 }
`,
    );
    t.teardown(() => h.close());
    // While the first probe hangs, readiness answers (starting) instead of waiting for it.
    const early = await h.app.inject({ url: '/api/health/readiness' });
    t.equal(early.statusCode, 503);

    const entry = await eventually(async () => {
      const e = json((await h.app.inject({ url: '/api/health/checks/hung' })).body);
      return e.status === 'error' ? e : null;
    }, 'timeout result');
    t.equal(entry.error_kind, 'timeout');
    t.equal(entry.error, 'timed out after 250 ms');
    t.ok(entry.duration_ms >= 240, `probe lasted its timeout (${entry.duration_ms} ms)`);

    const ready = await h.app.inject({ url: '/api/health/readiness' });
    t.equal(ready.statusCode, 503);
    t.same(json(ready.body), { status: 'error', failing: ['hung'] });

    // Several more timed-out probes must not pile up connections on the hung peer.
    const runs = async () => {
      const m = (await h.app.inject({ url: '/metrics' })).body;
      return [...m.matchAll(/^health_check_runs_total\{[^}]*check="hung"[^}]*\} (\d+)/gm)].reduce((s, x) => s + Number(x[1]), 0);
    };
    await eventually(async () => (await runs()) >= 5, 'five probes');
    t.ok(hole.openConnections() <= 2, `connections held on the blackhole stay bounded (${hole.openConnections()})`);
  });
}
