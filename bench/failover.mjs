// Failover time over KILLS owner kills (CONTRACT §5.6): SIGKILL the replica
// that owns c0, measure from the kill to the next probe of c0 at the target
// (by a survivor), start a replacement, repeat. Printed against the promise,
// leaseTime + interval, as a ratio.
//
//   npm run build && node bench/failover.mjs      (KILLS=20)
import { clusterYaml, median, sleep, startPostgres, startReplica, startTarget, untilMembers } from './cluster-support.mjs';

const KILLS = Number(process.env.KILLS ?? 20);
const LEASE_MS = 3_000;
const INTERVAL_MS = 1_000;
const BUDGET_MS = LEASE_MS + INTERVAL_MS;

const pg = await startPostgres();
const target = await startTarget();
const yaml = clusterYaml({ checks: 10, interval: `${INTERVAL_MS}ms`, leaseTime: `${LEASE_MS}ms`, targetPort: target.port, clusterUrl: pg.url });
let replicas = [];
const times = [];
let next = 0;
try {
  for (let i = 0; i < 3; i++) replicas.push(await startReplica(`zone-${next++}`, yaml));
  await untilMembers(replicas, 3);
  for (let k = 0; k < KILLS; k++) {
    await sleep(1_000 + Math.random() * 1_000); // kill at a random point of the interval
    const detailed = await replicas[0].get('/api/health/detailed');
    const owner = replicas.find((r) => r.zone === detailed.checks.c0.probed_by);
    if (!owner) throw new Error('no owner found for c0');
    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    replicas = replicas.filter((r) => r !== owner);
    let resumed;
    while (!(resumed = target.times('/c0').find((t) => t > killedAt + 20))) {
      if (Date.now() - killedAt > 30_000) throw new Error('c0 never resumed');
      await sleep(20);
    }
    times.push(resumed - killedAt);
    replicas.push(await startReplica(`zone-${next++}`, yaml));
    await untilMembers(replicas, 3);
  }
} finally {
  for (const r of replicas) await r.kill('SIGTERM');
  await target.close();
  await pg.destroy();
}
const med = median(times);
const max = Math.max(...times);
console.log(`failover over ${times.length} owner kills (leaseTime ${LEASE_MS} ms, interval ${INTERVAL_MS} ms, budget leaseTime + interval = ${BUDGET_MS} ms)`);
console.log(`all (ms): ${times.join(' ')}`);
console.log(`median ${med} ms (${(med / BUDGET_MS).toFixed(2)} of budget), max ${max} ms (${(max / BUDGET_MS).toFixed(2)} of budget)`);
