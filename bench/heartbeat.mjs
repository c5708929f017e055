// Pings per second on one replica (memory storage, default log level) with
// p99 latency, paired against a bare Fastify route doing the same work
// (bench/heartbeat-bare.mjs: same token check, a memory write). Both servers
// are loaded at the same time, fresh processes each round; the ratio that
// counts is server CPU per ping, read from /proc (req/s alone swings ±20%
// on this shared machine).
//
//   npm run build && node bench/heartbeat.mjs     (ROUNDS=5 SECONDS=5 CONNECTIONS=10)
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMs, freePort, root, start, stop } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const TOKEN = 'bench-heartbeat-token';





async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-hb-'));
  const configFile = path.join(dir, 'bench.yml');
  // The rate limit is raised out of the way: this measures the ping path, not 429s.
  writeFileSync(configFile, `service: { name: bench }\npressure: { maxEventLoopDelay: 0 }\nchecks:\n  - { name: job, type: heartbeat, period: 1h, token: ${TOKEN}, rateLimit: 1000000 }\n`);
  const rows = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const [appPort, barePort] = await Promise.all([freePort(), freePort()]);
    // SERVICE_PATH=/api/health/liveness measures the house's own per-request cost (hooks, metrics) on the same harness.
    const appUrl = `http://127.0.0.1:${appPort}${process.env.SERVICE_PATH ?? `/api/health/heartbeats/job?token=${TOKEN}`}`;
    const bareUrl = `http://127.0.0.1:${barePort}/api/health/heartbeats/job?token=${TOKEN}`;
    // Default log level (info): a ping's access line is DEBUG, so this is what production pays.
    const app = await start(null, [path.join(root, 'dist/cli.js'), 'serve', '--config', configFile], { PORT: String(appPort) }, `http://127.0.0.1:${appPort}/api/health/liveness`);
    const bare = await start(null, [path.join(root, 'bench/heartbeat-bare.mjs'), TOKEN, String(barePort)], {}, bareUrl);
    const before = { app: cpuMs(app.pid), bare: cpuMs(bare.pid) };
    const [a, b] = await Promise.all([
      autocannon({ url: appUrl, connections: CONNECTIONS, duration: SECONDS }),
      autocannon({ url: bareUrl, connections: CONNECTIONS, duration: SECONDS }),
    ]);
    const appUs = ((cpuMs(app.pid) - before.app) * 1000) / a.requests.total;
    const bareUs = ((cpuMs(bare.pid) - before.bare) * 1000) / b.requests.total;
    rows.push({ round, appUs, bareUs, ratio: appUs / bareUs, appRps: a.requests.average, bareRps: b.requests.average, appP99: a.latency.p99, bareP99: b.latency.p99, errors: a.errors + a.non2xx + b.errors + b.non2xx });
    await Promise.all([stop(app), stop(bare)]);
  }
  rmSync(dir, { recursive: true, force: true });

  console.log(`GET /api/health/heartbeats/job?token=..., memory storage, ${CONNECTIONS} connections x ${SECONDS} s, both servers loaded at once, ${ROUNDS} rounds`);
  console.log('round  service µs/ping  bare µs/ping  ratio  service pings/s  bare pings/s  service p99  bare p99  errors');
  for (const r of rows) {
    console.log(`${String(r.round).padStart(5)}  ${r.appUs.toFixed(1).padStart(15)}  ${r.bareUs.toFixed(1).padStart(12)}  ${r.ratio.toFixed(2).padStart(5)}  ${r.appRps.toFixed(0).padStart(15)}  ${r.bareRps.toFixed(0).padStart(12)}  ${String(r.appP99).padStart(8)} ms  ${String(r.bareP99).padStart(5)} ms  ${r.errors}`);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(`median pings/s: service ${median(rows.map((r) => r.appRps)).toFixed(0)}, bare ${median(rows.map((r) => r.bareRps)).toFixed(0)}; median p99: service ${median(rows.map((r) => r.appP99))} ms, bare ${median(rows.map((r) => r.bareP99))} ms`);
  console.log(`median ratio (service CPU per ping / bare Fastify route): ${median(rows.map((r) => r.ratio)).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
