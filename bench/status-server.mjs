// The real service (buildApp from dist/, default log level) with COMPONENTS tcp checks and 30 days of
// history seeded into its history store (one probe a minute, a few outages), listening on argv[2].
import net from 'node:net';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { buildApp } = require('../dist/app.js');
const { parseConfig } = require('../dist/config/index.js');

const port = Number(process.argv[2]);
const components = Number(process.env.COMPONENTS ?? 200);
const peer = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
await new Promise((r) => peer.once('listening', r));
const checks = Array.from({ length: components }, (_, i) =>
  `  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${peer.address().port}, displayName: "Dependency number ${i}", group: "Group ${i % 8}", critical: ${i % 3 === 0} }`);
const config = parseConfig(`service: { name: bench }\ndefaults: { interval: 1h, timeout: 2s }\nchecks:\n${checks.join('\n')}\n`, process.env, 'bench.yml');
const app = await buildApp(config, {});
const history = app.health.history;
const now = Date.now();
for (let c = 0; c < components; c += 1) {
  for (let m = 30 * 24 * 60; m > 0; m -= 5) {
    // Every 5 minutes for 30 days; a check in ten has a 40-minute outage a week, and some slow hours.
    const at = now - m * 60_000;
    const outage = c % 10 === 0 && Math.floor(m / 40) % 250 === 0;
    const slow = c % 7 === 0 && Math.floor(m / 60) % 90 === 0;
    history.record(`dep-${c}`, { status: outage ? 'error' : slow ? 'degraded' : 'ok', durationMs: 1 + (m % 7), checkedAt: at });
  }
}
await app.listen({ host: '127.0.0.1', port });
