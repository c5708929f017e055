// 1,000 SSE clients on /api/status/stream of the built service: one status change (a TCP dependency
// going away) must reach every client in < 1 s. Prints the spread from the first client's event to the
// last's, the time from the moment the dependency went away, and the service's CPU for the fan-out
// (CPU during the change minus its idle CPU over as long a stretch just before, measured in the same run).
//
//   npm run build && node bench/status-sse.mjs     (CLIENTS=1000 ROUNDS=3)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cpuMs, freePort, root, sleep } from './lib.mjs';

const CLIENTS = Number(process.env.CLIENTS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });


/** One EventSource-like client: resolves `ready` on its snapshot, records when the status event lands. */
function client(port) {
  // `armed` is set just before the change: an earlier status event (a probe timing out on a loaded machine) does not count.
  const c = { snapshot: false, statusAt: null, req: null, armed: false };
  c.ready = new Promise((resolve, reject) => {
    c.req = http.get({ host: '127.0.0.1', port, path: '/api/status/stream', agent, headers: { accept: 'text/event-stream' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        if (!c.snapshot && buf.includes('event: snapshot')) {
          c.snapshot = true;
          resolve();
        }
        if (!c.armed) buf = buf.slice(-64);
        else if (c.statusAt === null && buf.includes('event: status')) c.statusAt = performance.now();
        if (buf.length > 4096) buf = buf.slice(-256);
      });
    });
    c.req.on('error', reject);
  });
  return c;
}

async function round(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-sse-'));
  const dep = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => dep.once('listening', r));
  const port = await freePort();
  const config = path.join(dir, 'sse.yml');
  writeFileSync(config, `server: { host: 127.0.0.1, port: ${port} }\nchecks:\n  - { name: dep, type: tcp, host: 127.0.0.1, port: ${dep.address().port}, interval: 500ms, timeout: 400ms, failureThreshold: 1 }\n`);
  const app = spawn('node', [path.join(root, 'dist/cli.js'), 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/status`)).ok) break;
    } catch {}
    await sleep(50);
  }
  const clients = [];
  for (let i = 0; i < CLIENTS; i += 1) {
    clients.push(client(port));
    if (i % 100 === 99) await Promise.all(clients.slice(-100).map((c) => c.ready));
  }
  await Promise.all(clients.map((c) => c.ready));
  await sleep(1000);
  // Idle baseline over the same stretch the change will take.
  const idle0 = cpuMs(app.pid);
  await sleep(1500);
  const idleMs = cpuMs(app.pid) - idle0;
  for (const c of clients) c.armed = true;
  const cpu0 = cpuMs(app.pid);
  const t0 = performance.now();
  dep.close();
  // The check turns error at its next probe (≤ 500 ms), then the event fans out.
  while (clients.some((c) => c.statusAt === null) && performance.now() - t0 < 10_000) await sleep(5);
  await sleep(1500 - Math.min(1500, performance.now() - t0));
  const fanoutMs = Math.max(0, cpuMs(app.pid) - cpu0 - idleMs);
  const got = clients.filter((c) => c.statusAt !== null).map((c) => c.statusAt);
  const first = Math.min(...got);
  const last = Math.max(...got);
  for (const c of clients) c.req.destroy();
  app.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  return { n, received: got.length, spreadMs: last - first, fromChangeMs: last - t0, firstFromChangeMs: first - t0, fanoutMs };
}

const rows = [];
for (let i = 1; i <= ROUNDS; i += 1) rows.push(await round(i));
console.log(`${CLIENTS} SSE clients on /api/status/stream; one status change (a TCP dependency closed; probe interval 500 ms), ${ROUNDS} rounds`);
console.log('round  received  first after close  last after close  spread first->last  service CPU for the change (minus idle)');
for (const r of rows) {
  console.log(`${String(r.n).padStart(5)}  ${String(r.received).padStart(8)}  ${r.firstFromChangeMs.toFixed(0).padStart(14)} ms  ${r.fromChangeMs.toFixed(0).padStart(13)} ms  ${r.spreadMs.toFixed(1).padStart(15)} ms  ${r.fanoutMs.toFixed(0).padStart(6)} ms (${((r.fanoutMs * 1000) / CLIENTS).toFixed(1)} µs per client)`);
}
const ok = rows.every((r) => r.received === CLIENTS && r.spreadMs < 1000);
console.log(ok ? 'every client got the change, first to last within 1 s: PASS' : 'FAIL: some client missed the change or the spread passed 1 s');
process.exit(ok ? 0 : 1);
