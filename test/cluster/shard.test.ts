/**
 * Shard mode with three replicas of the built service on one real
 * PostgreSQL (CONTRACT §5.6): one probe per check per interval cluster-wide,
 * the same answers everywhere, a status change decided once, refresh, and
 * an owner's SIGKILL taken over with no `unknown` and no threshold reset.
 */
import t, { type Test } from 'tap';
import { eventually } from '../support/app';
import { startPostgres } from '../support/postgres';
import { checksOf, clusterYaml, sleep, startReplica, startTarget, untilMembers, type Replica } from './replicas';

const CHECKS = 6;
const names = Array.from({ length: CHECKS }, (_, i) => `c${i}`);

async function cluster(t: Test, yamlOpts: Partial<Parameters<typeof clusterYaml>[0]> = {}) {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const target = await startTarget();
  t.teardown(() => target.close());
  const yaml = clusterYaml({ checks: CHECKS, ...yamlOpts });
  const env = { HEALTH_CLUSTER_URL: pg.url, TARGET_PORT: String(target.port) };
  const replicas: Replica[] = [];
  for (const zone of ['zone-a', 'zone-b', 'zone-c']) {
    const r = await startReplica(zone, yaml, env);
    t.teardown(() => r.proc.cleanup());
    replicas.push(r);
  }
  await untilMembers(replicas, 3);
  return { pg, target, replicas };
}

t.test('three replicas: one probe per check per interval, the same answers everywhere, changes decided once', async (t) => {
  const { target, replicas } = await cluster(t);
  // Let ownership settle after the joins, then count one window.
  await sleep(2_000);
  const before = names.map((n) => target.hits(`/${n}`));
  const windowS = 6;
  await sleep(windowS * 1_000);
  const hits = names.map((n, i) => target.hits(`/${n}`) - before[i]!);
  const total = hits.reduce((a, b) => a + b, 0);
  t.ok(total >= CHECKS * windowS * 0.7 && total <= CHECKS * windowS * 1.3, `about one probe per check per second cluster-wide (${total} in ${windowS} s for ${CHECKS} checks; 3 per check per second would be ${3 * CHECKS * windowS})`);
  for (const [i, n] of hits.entries()) t.ok(n <= windowS * 1.6, `c${i} probed by one replica only (${n} hits in ${windowS} s)`);

  const views = await Promise.all(replicas.map(async (r) => (await r.get('/api/health/cluster')).body));
  for (const v of views) {
    t.equal(v.store, 'up');
    t.equal(v.mode, 'shard');
    t.equal(v.members.reduce((a: number, m: any) => a + m.owned_checks, 0), CHECKS, `${v.self.location}: every check owned exactly once`);
    t.same(
      Object.fromEntries(v.members.map((m: any) => [m.id, m.owned_checks])),
      Object.fromEntries(views[0].members.map((m: any) => [m.id, m.owned_checks])),
      'every replica computes the same assignment',
    );
  }

  const asked = Date.now();
  const refreshed = await replicas[1]!.get('/api/health/refresh', 'POST');
  t.equal(refreshed.status, 200);
  for (const n of names) t.ok(Date.parse(refreshed.body.checks[n].checked_at) >= asked - 50, `refresh answered with a new result for ${n}, owned or not`);

  target.fail(['/c1']);
  const sameEverywhere = await eventually(async () => {
    const all = await Promise.all(replicas.map(checksOf));
    if (all.some((c) => c === null || c.c1.status !== 'error')) return null;
    return all;
  }, 'c1 in error on every replica', 15_000);
  for (const checks of sameEverywhere) {
    t.ok(['zone-a', 'zone-b', 'zone-c'].includes(checks!.c1.probed_by), 'probed_by names a member location');
    for (const n of names) t.equal(checks![n].probed_by, sameEverywhere[0]![n].probed_by, `${n}: the same prober on every replica`);
  }
  await sleep(1_500);
  const lines = replicas.flatMap((r) => r.logs()).filter((l) => l.message === 'check c1 is error');
  t.equal(lines.length, 1, 'the status change is logged once in the cluster, by the owner');

  for (const r of replicas) {
    t.same((await r.get('/api/health/readiness?self')).body, { status: 'ok' }, `${r.name}: ready for itself while a dependency fails`);
    const metrics = (await r.get('/metrics')).body as string;
    t.match(metrics, /^health_cluster_members 3$/m);
    t.match(metrics, /^health_cluster_store_up 1$/m);
    t.match(metrics, /^health_cluster_owned_checks \d+$/m);
  }

});

t.test('SIGKILL of an owner: its checks resume on a survivor, never unknown, counters carried over', async (t) => {
  const { target, replicas } = await cluster(t, { failureThreshold: 4 });
  await sleep(1_500);
  const first = (await checksOf(replicas[0]!))!;
  const ownerZone = first.c0.probed_by as string;
  const owner = replicas.find((r) => r.name === ownerZone)!;
  const survivors = replicas.filter((r) => r !== owner);

  target.fail(['/c0']);
  await eventually(async () => (await checksOf(survivors[0]!))?.c0.consecutive_failures >= 2, 'two failures counted', 10_000);
  const killedAt = Date.now();
  await owner.kill('SIGKILL');

  const seen: Array<{ failures: number; status: string; by: string }> = [];
  const unknowns: string[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const views = await Promise.all(survivors.map(checksOf));
    for (const [i, v] of views.entries()) {
      if (!v) continue;
      for (const n of names) if (v[n].status === 'unknown') unknowns.push(`${survivors[i]!.name}:${n}`);
    }
    const c0 = views[0]?.c0;
    if (c0) seen.push({ failures: c0.consecutive_failures, status: c0.status, by: c0.probed_by });
    if (views.every((v) => v?.c0.status === 'error' && v.c0.probed_by !== ownerZone) || Date.now() > deadline) break;
    await sleep(100);
  }
  t.same(unknowns, [], 'no check served as unknown during the failover');
  const failures = seen.map((s) => s.failures);
  t.ok(failures.every((f, i) => i === 0 || f >= failures[i - 1]!), `consecutive failures never reset (${[...new Set(failures)].join(' -> ')})`);
  const last = seen.at(-1)!;
  t.equal(last.status, 'error', 'the outage turned error on the survivors');
  t.not(last.by, ownerZone, 'probed by a survivor now');
  t.ok(seen.filter((s) => s.status === 'error').every((s) => s.failures >= 4), 'error only once the threshold was crossed');

  const resumedAt = target.times('/c0').find((at) => at > killedAt + 50);
  t.ok(resumedAt !== undefined, 'c0 is probed again after the kill');
  const failoverMs = resumedAt! - killedAt;
  t.ok(failoverMs <= 3_000 + 1_100 + 1_500, `failover within leaseTime + interval (+ margin): ${failoverMs} ms`);
  for (const n of names) {
    await eventually(async () => (await checksOf(survivors[0]!))?.[n].probed_by !== ownerZone, `${n} resumed by a survivor`, 10_000);
  }
  const view = (await survivors[0]!.get('/api/health/cluster')).body;
  t.equal(view.members.length, 2, 'the dead member left the member list');
});
