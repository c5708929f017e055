// The hot path, paired: the service (`node dist/cli.js serve`, default log level, default
// config plus the checks a route needs) and a bare Fastify route serving the same bytes
// (bench/bare-server.mjs, exact response schema) run in fresh processes each round, BOTH
// pinned to core 0 with taskset and loaded at the same time by autocannon from this process
// (core 1). Sharing one core, whichever costs less per response answers more: the req/s
// ratio is the figure, and server CPU per response (/proc) is printed beside it.
// The machine is shared: absolute req/s swing with other work; the paired ratio is what counts.
//
//   npm run build && node bench/hotpath.mjs      (ROUTES=detailed,readiness,liveness,summary ROUNDS=5 SECONDS=5 CONNECTIONS=10 CHECKS=12)
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMs, median, root, startBare, startSteadyService, stop, tcpChecksConfig } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const CHECKS = Number(process.env.CHECKS ?? 12);
const ROUTES = {
  detailed: { path: '/api/health/detailed', target: 1.25 },
  readiness: { path: '/api/health/readiness', target: 0.9 },
  liveness: { path: '/api/health/liveness', target: 0.9 },
  summary: { path: '/api/health', target: 0.9 },
};
const chosen = (process.env.ROUTES ?? Object.keys(ROUTES).join(',')).split(',');

// The load generator runs here; keep it off the servers' core.
try {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  console.error('taskset unavailable: servers and load generator are not pinned');
}

async function round(name, configFile, dir) {
  const route = ROUTES[name];
  const { child: app, url, status, text } = await startSteadyService(path.join(root, 'dist'), configFile, route.path);
  const { child: bare, url: bareUrl } = await startBare(dir, route.path, status, text);
  const before = { app: cpuMs(app.pid), bare: cpuMs(bare.pid) };
  const [a, b] = await Promise.all([
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS }),
    autocannon({ url: bareUrl, connections: CONNECTIONS, duration: SECONDS }),
  ]);
  const row = {
    appUs: ((cpuMs(app.pid) - before.app) * 1000) / a.requests.total,
    bareUs: ((cpuMs(bare.pid) - before.bare) * 1000) / b.requests.total,
    appRps: a.requests.total / SECONDS,
    bareRps: b.requests.total / SECONDS,
    errors: a.errors + a.non2xx + b.errors + b.non2xx,
  };
  await Promise.all([stop(app), stop(bare)]);
  return row;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-'));
  const { configFile, close } = await tcpChecksConfig(dir, CHECKS);
  console.log(`paired: service and bare Fastify on core 0, autocannon on core 1; ${CONNECTIONS} connections x ${SECONDS} s each, ${ROUNDS} fresh rounds; ${CHECKS} tcp checks; default log level`);
  const summary = [];
  for (const name of chosen) {
    const rows = [];
    for (let i = 0; i < ROUNDS; i++) rows.push(await round(name, configFile, dir));
    console.log(`\n${ROUTES[name].path}`);
    console.log('round  service req/s  bare req/s  req/s ratio  service µs/resp  bare µs/resp  errors');
    rows.forEach((r, i) =>
      console.log(`${String(i + 1).padStart(5)}  ${r.appRps.toFixed(0).padStart(13)}  ${r.bareRps.toFixed(0).padStart(10)}  ${(r.appRps / r.bareRps).toFixed(2).padStart(11)}  ${r.appUs.toFixed(1).padStart(15)}  ${r.bareUs.toFixed(1).padStart(12)}  ${r.errors}`),
    );
    const ratio = median(rows.map((r) => r.appRps / r.bareRps));
    const cpu = median(rows.map((r) => r.bareUs / r.appUs));
    const target = ROUTES[name].target;
    summary.push(`${ROUTES[name].path.padEnd(24)} median req/s ratio ${ratio.toFixed(2)} (bare CPU/resp over service's: ${cpu.toFixed(2)}), target >= ${target}: ${ratio >= target ? 'pass' : 'FAIL'}`);
  }
  close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nservice vs bare Fastify serving the same bytes (higher is better):\n${summary.join('\n')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
