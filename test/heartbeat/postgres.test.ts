/**
 * Heartbeats with PostgreSQL storage: two replicas (built services) share a
 * test database. A ping on one is served by the other within about a second,
 * the last ping survives a restart of both, and while the database is down a
 * ping answers 503 (so the job's retry re-sends it) and the last known state
 * is still served. Each replica here evaluates the check itself; with the
 * cluster's shard mode only the owner does, reading the same table.
 */
import t from 'tap';
import { eventually } from '../support/app';
import { startPostgres } from '../support/postgres';
import { runCli } from '../support/service';
import { startService, type RunningService } from './built';

const TOKEN = 'canary-hb-pg-token-3c1d';

t.test('two replicas sharing PostgreSQL', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const yaml = (port: number) => `
service: { name: shared-hb }
server: { port: ${port}, host: 127.0.0.1 }
pressure: { maxEventLoopDelay: 0 }
storage: { type: postgres, url: "${pg.url}" }
checks:
  - { name: export, type: heartbeat, period: 1h, grace: 10m, token: ${TOKEN} }
`;
  const statusOf = async (s: RunningService) => (await s.detailed()).checks.export!;
  const [a, b] = await Promise.all([startService(t, yaml), startService(t, yaml)]);
  for (const s of [a, b]) {
    await eventually(async () => (await statusOf(s)).status === 'unknown', 'storage read, never pinged: unknown', 10_000, 100);
  }

  const res = await fetch(`${a.base}/api/health/heartbeats/export/start?token=${TOKEN}&rid=run-1`, { method: 'POST', body: 'nightly run' });
  t.equal(res.status, 200, 'replica A takes the start');
  await eventually(async () => (await statusOf(b)).details.running === 1, 'replica B sees the run in progress', 5_000, 20);
  const sent = Date.now();
  t.equal((await fetch(`${a.base}/api/health/heartbeats/export/0?token=${TOKEN}&rid=run-1`)).status, 200, 'and its end');
  await eventually(async () => {
    const e = await statusOf(b);
    return e.status === 'ok' && e.details.last_exit_code === 0;
  }, 'replica B serves the end of the run', 5_000, 20);
  const lag = Date.now() - sent;
  t.ok(lag < 2_000, `replica B served A's ping after ${lag} ms (design: poll 250 ms + evaluation every 250 ms)`);
  const onB = await statusOf(b);
  t.type(onB.details.last_duration_ms, 'number', 'the run, tied by rid across requests, has its duration');

  const failAt = Date.now();
  t.equal((await fetch(`${b.base}/api/health/heartbeats/export/fail?token=${TOKEN}`)).status, 200, 'replica B takes a failure');
  await eventually(async () => (await statusOf(a)).status === 'error', 'replica A serves it', 5_000, 20);
  t.comment(`replica A served B's failure after ${Date.now() - failAt} ms`);
  t.equal((await fetch(`${a.base}/api/health/heartbeats/export?token=${TOKEN}`)).status, 200);
  await eventually(async () => (await statusOf(b)).status === 'ok', 'a success clears it everywhere', 5_000, 20);

  await Promise.all([a.stop(), b.stop()]);
  const c = await startService(t, yaml);
  const after = await eventually(async () => {
    const e = await statusOf(c);
    return e.status !== 'unknown' ? e : null;
  }, 'a restarted replica has a verdict from the stored pings', 10_000, 50);
  t.equal(after.status, 'ok', 'the last ping survived the restart');
  t.type(after.details.last_ping_at, 'string');

  const check = runCli(['check'], { yaml: yaml(1) });
  t.teardown(() => check.cleanup());
  t.equal(await check.exited, 0, 'check exits 0');
  t.match(check.stdout(), /export\s+heartbeat\s+yes\s+ok\b/, 'check prints the last stored state (a heartbeat is not probed)');

  await pg.stop();
  const down = await fetch(`${c.base}/api/health/heartbeats/export?token=${TOKEN}`);
  t.equal(down.status, 503, 'storage down: the ping is refused so the job retries');
  t.ok(down.headers.get('retry-after'), 'with Retry-After');
  t.equal((await statusOf(c)).status, 'ok', 'the last known state is still served');
  await pg.start();
  await eventually(async () => (await fetch(`${c.base}/api/health/heartbeats/export?token=${TOKEN}`)).status === 200, 'pings are taken again once it returns', 15_000, 200);
  await c.stop();
  t.notOk(c.proc.stdout().includes(TOKEN), 'no token in the logs');
  t.ok(c.proc.stdout().includes('heartbeat storage unavailable'), 'the outage is logged once');
});
