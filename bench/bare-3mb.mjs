// The floor for bench/scale.mjs --10k's detailed p99 on this machine: bare Fastify serving a ready
// 3 MB body (as one buffer, and as 160 buffers streamed as the service does), read by autocannon at
// 50 req/s over 10 connections, nothing else in the process. `SECS=30 node bench/bare-3mb.mjs`
import Fastify from 'fastify';
import autocannon from 'autocannon';
import { Readable } from 'node:stream';
const body = Buffer.alloc(2_980_000, 'x');
const parts = []; for (let i = 0; i < 160; i++) parts.push(body.subarray(i * 18625, (i + 1) * 18625));
const app = Fastify();
app.get('/one', (_q, r) => r.type('application/json').send(body));
app.get('/parts', (_q, r) => { const s = new Readable({ read() {} }); for (const p of parts) s.push(p); s.push(null); return r.header('content-length', body.length).type('application/json').send(s); });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = app.server.address().port;
for (const path of ['/one', '/parts']) {
  const a = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 10, overallRate: 50, duration: Number(process.env.SECS ?? 30), timeout: 30 });
  console.log(path, `n ${a.requests.total} err ${a.errors + a.non2xx} p50 ${a.latency.p50} p90 ${a.latency.p90} p99 ${a.latency.p99} max ${a.latency.max}`);
}
await app.close();
