// Builds against each other, each paired with bare Fastify: every variant's service and one bare
// Fastify route serving the first variant's bytes, ALL pinned to core 0 and loaded at the same time
// from core 1. On this shared VM two separate hotpath.mjs runs drift by more than a small change
// is worth; loading the variants together makes them share whatever the machine is doing.
// Ratios are lower than hotpath.mjs's (more processes share the core); compare variants, not targets.
//
//   node bench/variants.mjs DIR [DIR ...]     (ROUTE=/api/health/liveness ROUNDS=5 SECONDS=5)
// Each DIR holds a build as dist/ (cp -r dist DIR/dist; ln -s "$PWD/node_modules" DIR/node_modules).
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, median, root, start, stop } from './lib.mjs';

execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
const variants = process.argv.slice(2);
if (variants.length === 0) {
  console.error('usage: node bench/variants.mjs DIR [DIR ...]');
  process.exit(2);
}
const route = process.env.ROUTE ?? '/api/health/liveness';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 5);

const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-variants-'));
const peer = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
await new Promise((r) => peer.once('listening', r));
const config = path.join(dir, 'bench.yml');
const checks = Array.from({ length: 12 }, (_, i) => `  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${peer.address().port}, displayName: "Dependency number ${i}", group: Core }`);
writeFileSync(config, `service: { name: bench, version: 1.0.0, gitSha: a1b2c3d4e5f6 }\ndefaults: { interval: 1h, timeout: 2s }\nchecks:\n${checks.join('\n')}\n`);

console.log(`${variants.length} variants and bare Fastify on core 0, autocannon on core 1; ${route}, 10 connections x ${SECONDS} s, ${ROUNDS} rounds`);
const ratios = variants.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const services = [];
  for (const v of variants) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${route}`;
    const child = await start(0, [path.join(v, 'dist/cli.js'), 'serve', '--config', config], { PORT: String(port), LOG_LEVEL: '' }, url);
    while ((await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status !== 200) await new Promise((res) => setTimeout(res, 50));
    services.push({ child, url });
  }
  const first = await fetch(services[0].url);
  const bodyFile = path.join(dir, 'body.json');
  writeFileSync(bodyFile, await first.text());
  const barePort = await freePort();
  const bareUrl = `http://127.0.0.1:${barePort}${route}`;
  const bare = await start(0, [path.join(root, 'bench/bare-server.mjs'), bodyFile, String(barePort), route, String(first.status)], {}, bareUrl);
  const results = await Promise.all([...services.map((s) => s.url), bareUrl].map((url) => autocannon({ url, connections: 10, duration: SECONDS })));
  const bareTotal = results.at(-1).requests.total;
  const row = results.slice(0, -1).map((x, i) => {
    const q = x.requests.total / bareTotal;
    ratios[i].push(q);
    return `${path.basename(variants[i])}=${q.toFixed(2)}`;
  });
  console.log(`round ${r + 1}: bare ${(bareTotal / SECONDS).toFixed(0)} req/s  ${row.join('  ')}`);
  await Promise.all([...services.map((s) => stop(s.child)), stop(bare)]);
}
peer.close();
rmSync(dir, { recursive: true, force: true });
console.log(`median req/s over bare's: ${variants.map((v, i) => `${path.basename(v)}=${median(ratios[i]).toFixed(3)}`).join('  ')}`);
