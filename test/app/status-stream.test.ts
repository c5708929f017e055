/**
 * GET /api/status/stream over real sockets: the initial event, one status
 * event (serialised once) reaching every client when Redis dies, app.close()
 * not held by an open stream, and the cap on concurrent streams (a 'busy'
 * event for an EventSource, 503 JSON otherwise; a slot frees on leave).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import t from 'tap';
import { parseConfig } from '../../src/config';
import type { HealthContext } from '../../src/context';
import { createMemoryHistory } from '../../src/status/history/memory';
import { statusRoutes } from '../../src/routes/status';
import { createResultStore } from '../../src/store/store';
import { startRedis } from '../support/redis';
import { eventually, startApp } from '../support/app';

interface SseEvent {
  event: string;
  data: any;
}

/** An SSE client on a raw http.get: collects parsed events and comments. */
function connect(port: number, path = '/api/status/stream') {
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  let buffer = '';
  let request: http.ClientRequest | null = null;
  const ready = new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith(':')) comments += 1;
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      });
      res.on('end', () => (ended = true));
      res.on('close', () => (ended = true));
      resolve(res);
    });
    req.on('error', reject);
    request = req;
  });
  return { ready, events, ended: () => ended, comments: () => comments, destroy: () => request?.destroy() };
}

t.test('a stream sends the state on connect, a status event when Redis dies, and releases its listener on disconnect', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const h = await startApp(
    `
defaults: { interval: 300ms, timeout: 250ms, failureThreshold: 1 }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}", displayName: Cache }
`,
    { REDIS_URL: redis.url },
  );
  t.teardown(() => h.close());
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as AddressInfo).port;
  await eventually(() => h.app.health.store.get('cache')?.status === 'ok', 'cache ok');

  const c = connect(port);
  const res = await c.ready;
  t.teardown(() => c.destroy());
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/event-stream/);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers['x-accel-buffering'], 'no');
  t.ok(res.headers['x-request-id'], 'carries a request id like every response');
  const first = await eventually(() => c.events[0], 'initial event');
  t.equal(first.event, 'snapshot');
  t.same(first.data, { status: 'ok', state: 'operational', ping_s: 15, components: [{ name: 'cache', status: 'ok', checked: true, maintenance: false }] });
  const second = connect(port);
  await second.ready;
  t.teardown(() => second.destroy());
  await eventually(() => second.events[0], 'second client connected');

  await redis.stop();
  const change = await eventually(() => c.events.find((e) => e.event === 'status' && e.data.name === 'cache'), 'status event');
  // The event carries the change and the page's new verdict: a page applies it without refetching.
  t.match(change.data, { name: 'cache', display_name: 'Cache', status: 'error', previous: 'ok', overall: 'error', state: 'major_outage', component_state: 'major_outage' });
  const same = await eventually(() => second.events.find((e) => e.event === 'status' && e.data.name === 'cache'), 'the other client too');
  t.same(same.data, change.data, 'one serialisation, sent to every stream');
  t.notMatch(JSON.stringify(c.events), /refused|127\.0\.0\.1|redis:/, 'no error text or host in events');
  c.destroy();
});

t.test('app.close() with open streams ends them and finishes promptly', async (t) => {
  const h = await startApp('checks: []\n');
  let closed = false;
  t.teardown(() => (closed ? undefined : h.close()));
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as AddressInfo).port;
  const clients = [connect(port), connect(port)];
  await Promise.all(clients.map((c) => c.ready));
  await eventually(() => clients.every((c) => c.events.length > 0), 'both got their first event');
  // Without ending the streams Fastify's server.close() waits for them: until the 10 s shutdown cap in production.
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    h.close().then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5_000))),
  ]);
  clearTimeout(timer);
  closed = finished;
  t.ok(finished, 'app.close() finished within 5 s with two streams open');
  await eventually(() => clients.every((c) => c.ended()), 'clients saw their stream end');
});

t.test('beyond the cap an EventSource is told to poll (busy), anything else gets 503 JSON; pings are events', async (t) => {
  const config = parseConfig('checks: []\n', {}, 'test.yml');
  const store = createResultStore(config.checks);
  const ctx = { config, store, history: createMemoryHistory([]) } as unknown as HealthContext;
  const app = Fastify();
  await app.register(statusRoutes, { ctx, probePaths: new Set<string>(), maxStreams: 2, heartbeatMs: 50 });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const open = [connect(port), connect(port)];
  await Promise.all(open.map((c) => c.ready));
  const third = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/api/status/stream' }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
  t.equal(third.status, 503);
  t.same(JSON.parse(third.body), { error: 'service_unavailable', message: 'too many open status streams, retry later', status_code: 503 });
  const busy = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/api/status/stream', headers: { accept: 'text/event-stream' } }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
  t.equal(busy.status, 200, 'an EventSource gets a stream it can read (a 503 would make it give up silently)');
  t.match(busy.type, /^text\/event-stream/);
  t.match(busy.body, /^retry: 30000\n\nevent: busy\ndata: \{"retry_s":30,"state":"operational"\}\n\n$/, 'a busy event, then the stream ends');
  // Pings are named events: the page's watchdog sees them (a comment is invisible to EventSource listeners).
  await eventually(() => open[0]!.events.filter((e) => e.event === 'ping').length >= 2, 'ping events arrive');
  open[0]!.destroy();
  // A slot frees when a client leaves.
  await eventually(async () => {
    const c = connect(port);
    const res = await c.ready;
    c.destroy();
    return res.statusCode === 200;
  }, 'a new stream is accepted after one left');
  for (const c of open) c.destroy();
});
