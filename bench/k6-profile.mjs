// The observability guide's k6 load profile, reproduced with autocannon against the
// service's own routes: stages of virtual users (ramp to 50, hold 50, ramp to 100, hold 100,
// ramp down), each user alternating GET /api/health and GET /api/health/detailed, with the
// guide's thresholds printed as pass or fail: p95 latency < 500 ms, failed requests < 1%.
//
// Differences from k6, said plainly: a virtual user is an autocannon connection sending one
// request a second (autocannon's smallest connectionRate; k6's script sleeps 2 s, so this is
// about twice its load); a ramp is run as one stage at its midpoint; p95 is bounded by
// autocannon's p97.5 (it reports no p95), so a pass is conservative. The stages are scaled by
// SCALE (default 0.1: the guide's 11 minutes in 66 s; SCALE=1 for the full profile).
//
//   npm run build && node bench/k6-profile.mjs
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, root, serviceEnv, start, stop } from './lib.mjs';

const SCALE = Number(process.env.SCALE ?? 0.1);
// The guide's stages: { duration, target }.
const STAGES = [
  { minutes: 1, from: 0, to: 50 },
  { minutes: 3, from: 50, to: 50 },
  { minutes: 1, from: 50, to: 100 },
  { minutes: 5, from: 100, to: 100 },
  { minutes: 1, from: 100, to: 0 },
];

try {
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
} catch {
  // unpinned
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-k6-'));
  const peer = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => peer.once('listening', r));
  const checks = Array.from({ length: 12 }, (_, i) => `  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${peer.address().port} }`);
  const configFile = path.join(dir, 'k6.yml');
  writeFileSync(configFile, `checks:\n${checks.join('\n')}\n`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await start(0, [path.join(root, 'dist/cli.js'), 'serve', '--config', configFile], serviceEnv(port), `${base}/api/health/liveness`);

  // A replica takes traffic once ready (its first probes done): before that /api/health is 503 by design.
  while ((await fetch(`${base}/api/health/readiness`)).status !== 200) await new Promise((r) => setTimeout(r, 50));
  let total = 0;
  let failed = 0;
  let worstP975 = 0;
  console.log(`k6 profile (guide), SCALE=${SCALE}; service on core 0, load on core 1; /api/health and /api/health/detailed alternating`);
  console.log('stage  seconds  users  requests  failed  p50 ms  p97.5 ms  p99 ms');
  for (const [i, s] of STAGES.entries()) {
    const users = Math.max(1, Math.round((s.from + s.to) / 2));
    const r = await autocannon({
      url: base,
      connections: users,
      connectionRate: 1,
      duration: Math.max(1, Math.round(s.minutes * 60 * SCALE)),
      requests: [{ method: 'GET', path: '/api/health' }, { method: 'GET', path: '/api/health/detailed' }],
    });
    const bad = r.errors + r.timeouts + r.non2xx;
    total += r.requests.total;
    failed += bad;
    worstP975 = Math.max(worstP975, r.latency.p97_5);
    console.log(`${String(i + 1).padStart(5)}  ${String(Math.round(s.minutes * 60 * SCALE)).padStart(7)}  ${String(users).padStart(5)}  ${String(r.requests.total).padStart(8)}  ${String(bad).padStart(6)}  ${String(r.latency.p50).padStart(6)}  ${String(r.latency.p97_5).padStart(8)}  ${String(r.latency.p99).padStart(6)}`);
  }
  await stop(app);
  peer.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = total === 0 ? 1 : failed / total;
  console.log(`http_req_duration p(95)<500: worst stage p97.5 = ${worstP975} ms -> ${worstP975 < 500 ? 'pass' : 'FAIL'}`);
  console.log(`http_req_failed rate<0.01: ${failed}/${total} = ${(rate * 100).toFixed(3)}% -> ${rate < 0.01 ? 'pass' : 'FAIL'}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
