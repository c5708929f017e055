import { startPostgres } from '../support/postgres';
import { clusterYaml, sleep, startReplica, startTarget } from './replicas';
(async () => {
  const pg = await startPostgres();
  const target = await startTarget();
  const yaml = clusterYaml({ checks: 6 });
  const env = { HEALTH_CLUSTER_URL: pg.url, TARGET_PORT: String(target.port) };
  const rs = await Promise.all(['a', 'b', 'c'].map((n) => startReplica(n, yaml, env)));
  await sleep(3000);
  for (const r of rs) console.log(r.name, JSON.stringify((await r.get('/api/health/cluster')).body));
  const before = Array.from({ length: 6 }, (_, i) => target.hits(`/c${i}`));
  await sleep(5000);
  console.log('hits in 5s', Array.from({ length: 6 }, (_, i) => target.hits(`/c${i}`) - before[i]!));
  for (const r of rs) { const d = (await r.get('/api/health/detailed')).body; console.log(r.name, Object.entries(d.checks).map(([k, v]: any) => `${k}:${v.status}:${v.probed_by}:${v.consecutive_failures}`).join(' ')); }
  target.fail(['/c0']);
  await sleep(3000);
  for (const r of rs) { const d = (await r.get('/api/health/detailed')).body; console.log(r.name, Object.entries(d.checks).map(([k, v]: any) => `${k}:${v.status}:${v.probed_by}:${v.consecutive_failures}`).join(' ')); }
  console.log((await rs[0]!.get('/metrics')).body.split('\n').filter((l: string) => l.startsWith('health_cluster')).join('\n'));
  console.log((await rs[0]!.get('/api/health/readiness?self')).body);
  for (const r of rs) { console.log(r.name, r.logs().filter(l => l.level !== 'DEBUG').map(l => l.message).join(' | ')); console.log(r.proc.stderr()); }
  for (const r of rs) await r.kill('SIGTERM');
  await target.close();
  await pg.destroy();
})();
