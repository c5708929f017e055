/**
 * Quorum mode with three locations, each replica probing through its own
 * target (so "one location's view fails" is real): one failing view is not
 * an outage, two are; the outage is decided once, so it is one incident
 * (read back through /api/status, history in the cluster's PostgreSQL) and
 * one log line, not one per replica.
 */
import t from 'tap';
import { eventually } from '../support/app';
import { startPostgres } from '../support/postgres';
import { checksOf, clusterYaml, sleep, startReplica, startTarget, untilMembers, type Replica, type Target } from './replicas';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

t.test('quorum: one zone failing is still ok, two failing is an error, decided once', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const targets: Target[] = [];
  const replicas: Replica[] = [];
  const yaml = clusterYaml({ checks: 2, mode: 'quorum', failureThreshold: 1 });
  for (const zone of ZONES) {
    const target = await startTarget();
    t.teardown(() => target.close());
    targets.push(target);
    const r = await startReplica(zone, yaml, { HEALTH_CLUSTER_URL: pg.url, TARGET_PORT: String(target.port) });
    t.teardown(() => r.proc.cleanup());
    replicas.push(r);
  }
  await untilMembers(replicas, 3);
  const allSee = async (pred: (c0: any) => boolean, what: string, ms = 15_000) =>
    eventually(async () => {
      const views = await Promise.all(replicas.map(checksOf));
      return views.every((v) => v !== null && pred(v.c0)) ? views : null;
    }, what, ms);

  const calm = await allSee((c0) => c0.status === 'ok' && c0.observations?.length === 3, 'three fresh observations of c0');
  t.same(calm[0]!.c0.observations.map((o: any) => o.location).sort(), ZONES, 'one observation per location');
  for (const target of targets) t.ok(target.hits('/c0') >= 1, 'every location probes c0 itself');

  targets[0]!.fail('all');
  await allSee((c0) => c0.observations.some((o: any) => o.location === 'zone-a' && o.status === 'error'), "zone-a's failing view is observed");
  const statuses = new Set<string>();
  for (let i = 0; i < 15; i++) {
    for (const v of await Promise.all(replicas.map(checksOf))) if (v) statuses.add(v.c0.status);
    await sleep(200);
  }
  t.same([...statuses], ['ok'], "one location's view failing is not an outage");

  targets[1]!.fail('all');
  const outage = await allSee((c0) => c0.status === 'error', 'c0 in error once two locations fail');
  const errorsSeen = outage[0]!.c0.observations.filter((o: any) => o.status === 'error').map((o: any) => o.location).sort();
  t.same(errorsSeen, ['zone-a', 'zone-b'], 'the observations say which locations failed');
  t.equal(outage[0]!.c0.error_kind, 'assertion', 'the error is explained by a failing observation');
  t.ok(outage.every((v) => v!.c0.probed_by === outage[0]!.c0.probed_by), 'every replica serves the same decision');

  targets[0]!.fail('none');
  targets[1]!.fail('none');
  await allSee((c0) => c0.status === 'ok', 'c0 ok again');

  const errorLines = replicas.flatMap((r) => r.logs()).filter((l) => l.message === 'check c0 is error');
  t.equal(errorLines.length, 1, 'the change to error is logged once in the cluster');
  for (const r of replicas) {
    const incidents = await eventually(async () => {
      const body = (await r.get('/api/status')).body;
      const mine = (body.incidents as any[]).filter((i) => i.source === 'probe' && i.components.includes('c0'));
      return mine.length > 0 && mine.every((i) => i.resolved) ? mine : null;
    }, `${r.name} shows the closed incident`, 20_000);
    t.equal(incidents.length, 1, `${r.name}: one incident for the outage, not one per replica`);
  }
});
