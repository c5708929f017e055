// GET /api/status with COMPONENTS components and 30 days of history: bytes on the wire (identity, gzip,
// brotli) and the cost per response against a bare Fastify route serving the same gzip bytes. Both servers
// are loaded at the same time (machine noise hits both), in fresh processes each round; the figures are
// req/s and server CPU per response from /proc (robust on a shared 2-core machine).
//
//   npm run build && node bench/status-api.mjs     (ROUNDS=3 SECONDS=5 CONNECTIONS=10 COMPONENTS=200)
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpuMs, freePort, root, start, stop } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const COMPONENTS = Number(process.env.COMPONENTS ?? 200);

const wireBytes = (url, encoding) =>
  new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) =>
      http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
        let n = 0;
        res.on('data', (b) => (n += b.length));
        res.on('end', () => resolve({ bytes: n, encoding: res.headers['content-encoding'] ?? 'identity', etag: res.headers.etag }));
      }).on('error', reject),
    );
  });

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-status-'));
  const rows = [];
  let sizes = null;
  for (let round = 1; round <= ROUNDS; round++) {
    const [appPort, barePort] = await Promise.all([freePort(), freePort()]);
    const url = `http://127.0.0.1:${appPort}/api/status`;
    const app = await start(null, [path.join(root, 'bench/status-server.mjs'), String(appPort)], { COMPONENTS: String(COMPONENTS) }, url, { waitMs: 60_000 });
    let body;
    // Seeding 30 days of history blocks the loop for a while: wait until the service answers 200 with every first result in.
    for (;;) {
      const res = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      body = await res.text();
      if (res.status === 200 && body.includes('"components"') && !body.includes('"checked":false')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000));
    // A few seconds on: the body is rebuilt after its TTL, then stays until the next (no status changes here).
    const [identity, gzip, br] = [await wireBytes(url, 'identity'), await wireBytes(url, 'gzip'), await wireBytes(url, 'br')];
    const notModified = await fetch(url, { headers: { 'if-none-match': gzip.etag } });
    sizes ??= { identity: identity.bytes, gzip: gzip.bytes, br: br.bytes, perComponent: identity.bytes / COMPONENTS, status304: notModified.status };
    const gzFile = path.join(dir, 'body.gz');
    writeFileSync(gzFile, gzipSync(body, { level: 6 }));
    const bare = await start(null, [path.join(root, 'bench/status-bare.mjs'), gzFile, String(barePort)], {}, `http://127.0.0.1:${barePort}/api/status`, { waitMs: 60_000 });
    const headers = { 'accept-encoding': 'gzip' };
    const before = { app: cpuMs(app.pid), bare: cpuMs(bare.pid) };
    const [a, b] = await Promise.all([
      autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers }),
      autocannon({ url: `http://127.0.0.1:${barePort}/api/status`, connections: CONNECTIONS, duration: SECONDS, headers }),
    ]);
    const appUs = ((cpuMs(app.pid) - before.app) * 1000) / a.requests.total;
    const bareUs = ((cpuMs(bare.pid) - before.bare) * 1000) / b.requests.total;
    rows.push({ round, appUs, bareUs, appRps: a.requests.average, bareRps: b.requests.average, errors: a.errors + a.non2xx + b.errors + b.non2xx });
    await Promise.all([stop(app), stop(bare)]);
  }
  rmSync(dir, { recursive: true, force: true });

  console.log(`GET /api/status, ${COMPONENTS} components with 30 days of history, ${CONNECTIONS} connections x ${SECONDS} s, both servers loaded at once, ${ROUNDS} rounds`);
  console.log(`bytes on the wire: identity ${sizes.identity} B (${sizes.perComponent.toFixed(0)} B per component), gzip ${sizes.gzip} B, brotli ${sizes.br} B; If-None-Match -> ${sizes.status304}`);
  console.log('round  service req/s  bare req/s  req/s ratio  service µs/resp  bare µs/resp  CPU ratio  errors');
  for (const r of rows) {
    console.log(`${String(r.round).padStart(5)}  ${r.appRps.toFixed(0).padStart(13)}  ${r.bareRps.toFixed(0).padStart(10)}  ${(r.appRps / r.bareRps).toFixed(2).padStart(11)}  ${r.appUs.toFixed(1).padStart(15)}  ${r.bareUs.toFixed(1).padStart(12)}  ${(r.appUs / r.bareUs).toFixed(2).padStart(9)}  ${r.errors}`);
  }
  const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(`median req/s ratio (service / bare Fastify, same bytes): ${median(rows.map((r) => r.appRps / r.bareRps)).toFixed(2)}`);
  console.log(`median CPU per response ratio (service / bare Fastify): ${median(rows.map((r) => r.appUs / r.bareUs)).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
