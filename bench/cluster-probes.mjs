// 3 replicas × N checks (CONTRACT §5.6): probes per interval at the targets,
// against N (the promise) and 3N (what three independent replicas would do).
// Prints hits per interval / N as a ratio; 1.00 ± 0.05 is the goal.
//
//   npm run build && node bench/cluster-probes.mjs      (SIZES=20,100 INTERVALS=6)
import { clusterYaml, sleep, startPostgres, startReplica, startTarget, untilMembers } from './cluster-support.mjs';

const SIZES = (process.env.SIZES ?? '20,100').split(',').map(Number);
const INTERVALS = Number(process.env.INTERVALS ?? 6);
const INTERVAL_MS = 2_000;

const pg = await startPostgres();
const rows = [];
try {
  for (const n of SIZES) {
    const target = await startTarget();
    const yaml = clusterYaml({ checks: n, interval: `${INTERVAL_MS}ms`, targetPort: target.port, clusterUrl: pg.url });
    const replicas = [];
    for (const zone of ['zone-a', 'zone-b', 'zone-c']) replicas.push(await startReplica(zone, yaml));
    await untilMembers(replicas, 3);
    await sleep(2 * INTERVAL_MS); // ownership settles after the joins
    const before = target.total();
    const from = Date.now();
    await sleep(INTERVALS * INTERVAL_MS);
    const perInterval = (target.total() - before) / INTERVALS;
    // Gaps between consecutive probes of one check: shows whether a shortfall is slow cadence or a hand-over gap.
    const gaps = [];
    for (let i = 0; i < n; i++) {
      const ts = target.times(`/c${i}`).filter((x) => x >= from);
      for (let j = 1; j < ts.length; j++) gaps.push(ts[j] - ts[j - 1]);
    }
    rows.push({ n, perInterval, ratio: perInterval / n, meanGap: gaps.reduce((a, b) => a + b, 0) / gaps.length, maxGap: Math.max(...gaps) });
    for (const r of replicas) await r.kill('SIGTERM');
    await target.close();
  }
} finally {
  await pg.destroy();
}
console.log('3 replicas, interval 2 s, counted over', INTERVALS, 'intervals after settling');
console.log('checks N | probes per interval | ratio to N (goal 1.00 ± 0.05) | without a cluster (3N) | mean / max gap between probes of one check');
for (const r of rows) {
  console.log(`${String(r.n).padStart(8)} | ${r.perInterval.toFixed(1).padStart(19)} | ${r.ratio.toFixed(3).padStart(29)} | ${String(3 * r.n).padStart(22)} | ${Math.round(r.meanGap)} / ${r.maxGap} ms`);
}
