// Compares the cost of GET /api/health/detailed on the real service against a
// bare Fastify route serving the same JSON. Both servers are loaded at the same
// time (so machine noise hits both), in fresh processes each round, and the
// figure is server CPU time per response, read from /proc — robust on a shared
// 2-core machine where req/s alone swings ±20%.
//
//   npm run bench                 (ROUNDS=5 SECONDS=5 CONNECTIONS=10 CHECKS=12)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const CHECKS = Number(process.env.CHECKS ?? 12);
const CLK_TCK = 100; // Linux USER_HZ

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
}

/** Spawns a server and resolves once `readyUrl` answers. */
async function start(cmd, args, env, readyUrl) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = null;
  child.on('exit', (code) => (exited = code));
  for (let i = 0; i < 400; i++) {
    if (exited !== null) throw new Error(`${cmd} ${args.join(' ')} exited ${exited}`);
    try {
      await fetch(readyUrl);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${cmd} not answering at ${readyUrl}`);
}

const stop = (child) => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL'); });

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-'));
  // Real dependencies for the checks: a TCP listener that accepts and closes.
  const peer = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => peer.once('listening', r));
  const peerPort = peer.address().port;
  const checks = Array.from({ length: CHECKS }, (_, i) => `  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${peerPort}, displayName: "Dependency number ${i}", group: Core }`);
  const configFile = path.join(dir, 'bench.yml');
  writeFileSync(configFile, `service: { name: bench, version: 1.0.0, gitSha: a1b2c3d4e5f6 }\ndefaults: { interval: 1h, timeout: 2s }\nchecks:\n${checks.join('\n')}\n`);

  const rows = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const [appPort, barePort] = await Promise.all([freePort(), freePort()]);
    const url = `http://127.0.0.1:${appPort}/api/health/detailed`;
    // LOG_LEVEL=warn: the comparison is about the route, not about writing an access log line.
    let app = await start('node', [path.join(root, 'dist/cli.js'), 'serve', '--config', configFile], { PORT: String(appPort), LOG_LEVEL: 'warn' }, url);
    // Wait for every check's first result so the body is the steady-state one.
    let body;
    for (;;) {
      body = await (await fetch(url)).text();
      if (!body.includes('"unknown"')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const bodyFile = path.join(dir, 'body.json');
    writeFileSync(bodyFile, body);
    // SELF_CHECK=1 loads two bare servers: the ratio must then be ~1, or the harness is biased.
    const bare = await start('node', [path.join(root, 'bench/bare-server.mjs'), bodyFile, String(barePort)], {}, `http://127.0.0.1:${barePort}/api/health/detailed`);
    if (process.env.SELF_CHECK) {
      await stop(app);
      app = await start('node', [path.join(root, 'bench/bare-server.mjs'), bodyFile, String(appPort)], {}, url);
    }

    const before = { app: cpuMs(app.pid), bare: cpuMs(bare.pid) };
    const [a, b] = await Promise.all([
      autocannon({ url, connections: CONNECTIONS, duration: SECONDS }),
      autocannon({ url: `http://127.0.0.1:${barePort}/api/health/detailed`, connections: CONNECTIONS, duration: SECONDS }),
    ]);
    const appUs = ((cpuMs(app.pid) - before.app) * 1000) / a.requests.total;
    const bareUs = ((cpuMs(bare.pid) - before.bare) * 1000) / b.requests.total;
    rows.push({ round, bytes: body.length, appUs, bareUs, ratio: appUs / bareUs, appRps: a.requests.average, bareRps: b.requests.average, appP99: a.latency.p99, bareP99: b.latency.p99, errors: a.errors + a.non2xx + b.errors + b.non2xx });
    await Promise.all([stop(app), stop(bare)]);
  }
  peer.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`GET /api/health/detailed, ${CHECKS} checks, ${rows[0].bytes}-byte body, ${CONNECTIONS} connections x ${SECONDS} s, both servers loaded at once, ${ROUNDS} rounds`);
  console.log('round  service µs/resp  bare µs/resp  ratio  service req/s  bare req/s  service p99  bare p99  errors');
  for (const r of rows) {
    console.log(`${String(r.round).padStart(5)}  ${r.appUs.toFixed(1).padStart(15)}  ${r.bareUs.toFixed(1).padStart(12)}  ${r.ratio.toFixed(2).padStart(5)}  ${r.appRps.toFixed(0).padStart(13)}  ${r.bareRps.toFixed(0).padStart(10)}  ${String(r.appP99).padStart(8)} ms  ${String(r.bareP99).padStart(5)} ms  ${r.errors}`);
  }
  const ratios = rows.map((r) => r.ratio).sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)];
  console.log(`median ratio (service CPU per response / bare Fastify route): ${median.toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
