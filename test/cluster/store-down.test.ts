/**
 * The cluster database failing (CONTRACT §5.6 "Store down"): stopped and
 * restarted, each replica carries on alone (one WARN), then rejoins (one
 * INFO); a store that accepts connections and never answers delays no
 * request and no probe.
 */
import t from 'tap';
import { eventually } from '../support/app';
import { startBlackhole } from '../support/blackhole';
import { startPostgres } from '../support/postgres';
import { checksOf, clusterYaml, sleep, startReplica, startTarget, untilMembers, type Replica } from './replicas';

const CHECKS = 4;
const names = Array.from({ length: CHECKS }, (_, i) => `c${i}`);
const hitsPerCheck = (target: Awaited<ReturnType<typeof startTarget>>) => names.map((n) => target.hits(`/${n}`));

async function countHits(target: Awaited<ReturnType<typeof startTarget>>, ms: number): Promise<number[]> {
  const before = hitsPerCheck(target);
  await sleep(ms);
  return hitsPerCheck(target).map((h, i) => h - before[i]!);
}

t.test('database stopped: each replica probes alone and says so once; restarted: they rejoin and share again', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const target = await startTarget();
  t.teardown(() => target.close());
  const env = { HEALTH_CLUSTER_URL: pg.url, TARGET_PORT: String(target.port) };
  const yaml = clusterYaml({ checks: CHECKS, storage: 'storage: { type: memory }' });
  const replicas: Replica[] = [];
  for (const zone of ['zone-a', 'zone-b']) {
    const r = await startReplica(zone, yaml, env);
    t.teardown(() => r.proc.cleanup());
    replicas.push(r);
  }
  await untilMembers(replicas, 2);
  await sleep(1_500);
  const shared = await countHits(target, 4_000);
  t.ok(shared.every((h) => h <= 7), `shared: each check probed by one replica (${shared.join(', ')} hits in 4 s)`);

  await pg.stop();
  for (const r of replicas) {
    await eventually(async () => (await r.get('/api/health/cluster')).body.store === 'down', `${r.name} sees the store down`, 10_000);
  }
  await sleep(1_500);
  const alone = await countHits(target, 4_000);
  t.ok(alone.every((h) => h >= 6), `alone: every replica probes every check (${alone.join(', ')} hits in 4 s from 2 replicas)`);
  for (const r of replicas) {
    const checks = (await checksOf(r))!;
    for (const n of names) {
      t.equal(checks[n].status, 'ok', `${r.name} serves ${n} from its own probes`);
      t.equal(checks[n].probed_by, r.name, `${r.name} probed ${n} itself`);
    }
    const view = (await r.get('/api/health/cluster')).body;
    t.same(view.members.map((m: any) => [m.location, m.owned_checks]), [[r.name, CHECKS]], 'alone, it owns every check');
    t.match((await r.get('/metrics')).body, /^health_cluster_store_up 0$/m);
    t.equal((await r.get('/api/health/readiness?self')).status, 200, 'still ready for itself');
    t.equal((await r.get('/api/health/liveness')).status, 200, 'and alive');
    const warns = r.logs().filter((l) => l.message.startsWith('cluster store unavailable'));
    t.equal(warns.length, 1, `${r.name}: one WARN for the outage, not one per attempt`);
    t.equal(warns[0]?.level, 'WARN');
    t.notMatch(JSON.stringify(warns[0]), /127\.0\.0\.1|postgres:\/\//, 'the WARN names no host or URL');
  }

  await pg.start();
  await untilMembers(replicas, 2, 15_000);
  for (const r of replicas) {
    const infos = r.logs().filter((l) => l.message.startsWith('cluster store reachable again'));
    t.equal(infos.length, 1, `${r.name}: one INFO when it rejoined`);
    t.equal(infos[0]?.level, 'INFO');
  }
  await sleep(1_500);
  const again = await countHits(target, 4_000);
  t.ok(again.every((h) => h <= 7), `rejoined: each check probed by one replica again (${again.join(', ')} hits in 4 s)`);
});

t.test('a store that accepts and never answers delays no request and no probe; shutdown stays bounded', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const target = await startTarget();
  t.teardown(() => target.close());
  const env = { HEALTH_CLUSTER_URL: `postgres://health:canary-cluster-pw@127.0.0.1:${hole.port}/health`, TARGET_PORT: String(target.port) };
  const r = await startReplica('zone-a', clusterYaml({ checks: CHECKS }), env);
  t.teardown(() => r.proc.cleanup());

  const slowest = { ms: 0 };
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    for (const path of ['/api/health', '/api/health/detailed', '/api/health/readiness?self', '/api/health/cluster', '/metrics']) {
      const started = Date.now();
      await r.get(path);
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
    }
    await sleep(50);
  }
  t.ok(slowest.ms < 500, `no request waited on the store (slowest ${slowest.ms} ms)`);
  const hits = await countHits(target, 3_000);
  t.ok(hits.every((h) => h >= 2), `every check is probed on schedule (${hits.join(', ')} hits in 3 s)`);
  t.equal((await r.get('/api/health/cluster')).body.store, 'down');
  t.equal((await r.get('/api/health/readiness?self')).status, 200);
  t.equal((await r.get('/api/health')).status, 200, 'its own results are served');
  t.notMatch(r.proc.stdout(), /canary-cluster-pw/, 'the store password never reaches a log');

  const signalled = Date.now();
  r.proc.child.kill('SIGTERM');
  const code = await r.proc.exited;
  t.equal(code, 0, 'exits 0');
  t.ok(Date.now() - signalled < 12_000, `shutdown bounded despite the hung store (${Date.now() - signalled} ms)`);
});
