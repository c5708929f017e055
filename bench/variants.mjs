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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, startBare, startSteadyService, stop, tcpChecksConfig } from './lib.mjs';

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
const { configFile: config, close } = await tcpChecksConfig(dir);

console.log(`${variants.length} variants and bare Fastify on core 0, autocannon on core 1; ${route}, 10 connections x ${SECONDS} s, ${ROUNDS} rounds`);
const ratios = variants.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const services = [];
  for (const v of variants) services.push(await startSteadyService(path.join(v, 'dist'), config, route));
  const { child: bare, url: bareUrl } = await startBare(dir, route, services[0].status, services[0].text);
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
close();
rmSync(dir, { recursive: true, force: true });
console.log(`median req/s over bare's: ${variants.map((v, i) => `${path.basename(v)}=${median(ratios[i]).toFixed(3)}`).join('  ')}`);
