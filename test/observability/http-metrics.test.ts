/**
 * The HTTP metrics over real sockets: sizes and status codes per request, and
 * requests whose client goes away (SSE streams, a client that gives up) end
 * once: the in-progress gauge comes back down and they are counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { eventually, startApp } from '../support/app';

const YAML = 'checks: []\n';

function sample(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  return m ? Number(m[1]) : undefined;
}

async function listen(t: Test) {
  const svc = await startApp(YAML);
  t.teardown(() => svc.close());
  await svc.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (svc.app.server.address() as AddressInfo).port;
  const scrape = async () => (await svc.app.inject({ url: '/metrics' })).body;
  return { svc, port, scrape };
}

t.test('request and response sizes, and a counter per status code', async (t) => {
  const { svc, scrape } = await listen(t);
  const detailed = await svc.app.inject({ url: '/api/health/detailed' });
  await svc.app.inject({ url: '/api/health/nowhere' });
  await svc.app.inject({ method: 'POST', url: '/api/health/refresh', payload: '{}', headers: { 'content-type': 'application/json' } });
  const text = await scrape();
  const bytes = Buffer.byteLength(detailed.body);
  t.equal(
    sample(text, /^http_response_size_bytes_sum\{method="GET",route="\/api\/health\/detailed",status_code="200"\} (\S+)$/m),
    bytes,
    'the response body size, from its length',
  );
  t.equal(sample(text, /^http_request_size_bytes_sum\{method="POST",route="\/api\/health\/refresh",status_code="200"\} (\S+)$/m), 2, 'the request body size');
  t.equal(sample(text, /^http_request_size_bytes_count\{method="GET",route="\/api\/health\/detailed",status_code="200"\} (\S+)$/m), 1, 'a GET without a body counts as 0 bytes');
  t.equal(sample(text, /^http_status_codes_total\{status_code="404"\} (\S+)$/m), 1);
  t.ok((sample(text, /^http_status_codes_total\{status_code="200"\} (\S+)$/m) ?? 0) >= 2);
  t.notMatch(text, /http_status_codes_total\{[^}]*route=/, 'status codes only: the bounded label');
});

t.test('five SSE clients that disconnect leave the in-progress gauge where it was, and are counted', async (t) => {
  const { port, scrape } = await listen(t);
  const inProgress = async () => sample(await scrape(), /^http_requests_in_progress (\S+)$/m);
  // The scrape itself is in progress while it renders.
  t.equal(await inProgress(), 1, 'only the scrape');

  const clients = await Promise.all(
    Array.from({ length: 5 }, () => new Promise<http.ClientRequest>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/status/stream' }, (res) => {
        res.once('data', () => resolve(req));
      });
      req.on('error', () => {});
      req.on('error', reject);
    })),
  );
  t.equal(await inProgress(), 6, 'five streams and the scrape');
  for (const req of clients) req.destroy();
  await eventually(async () => (await inProgress()) === 1, 'the gauge comes back to the scrape alone', 10_000);
  const text = await scrape();
  t.equal(
    sample(text, /^http_requests_total\{method="GET",route="\/api\/status\/stream",status_code="200"\} (\S+)$/m),
    5,
    'each stream is counted once, under the status it was answered with',
  );
  t.equal(sample(text, /^http_request_duration_seconds_count\{method="GET",route="\/api\/status\/stream",status_code="200"\} (\S+)$/m), 5);
  t.notOk(/route="\/api\/status\/stream"[^\n]*\} /.test(text.split('\n').filter((l) => l.startsWith('http_response_size_bytes')).join('\n')), 'a stream has no response length to observe');
});

t.test('the access log says a stream was aborted, once, at DEBUG like every status-page request', async (t) => {
  const { svc, port } = await listen(t);
  const req = http.get({ host: '127.0.0.1', port, path: '/api/status/stream?x=1' });
  req.on('error', () => {});
  await new Promise<void>((resolve) => req.once('response', (res) => res.once('data', () => resolve())));
  req.destroy();
  const lines = await eventually(() => {
    const found = svc.logs().filter((l) => l.message === 'request completed' && (l.context as { route?: string }).route === '/api/status/stream');
    return found.length > 0 ? found : null;
  }, 'the stream is logged');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(svc.logs().filter((l) => l.message === 'request completed' && (l.context as { route?: string }).route === '/api/status/stream').length, 1, 'once');
  t.equal(lines[0]!.level, 'DEBUG', 'status-page requests log below INFO (issue 8)');
  t.match(lines[0]!.context, { method: 'GET', route: '/api/status/stream', status_code: 200, url: '/api/status/stream?x=1', aborted: true });
});

t.test('a URL the router rejects is counted and logged once, as answered, on a connection that stays open', async (t) => {
  const { svc, port, scrape } = await listen(t);
  const agent = new http.Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const { status, headers } = await new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/api/health/%zz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      })
      .on('error', reject);
  });
  t.equal(status, 400);
  t.match(headers, { 'cache-control': 'no-store', 'x-request-id': /^[0-9a-f-]{36}$/ });
  const text = await scrape();
  t.equal(sample(text, /^http_requests_in_progress (\S+)$/m), 1, 'only the scrape: the rejected request ended while its connection is open');
  t.equal(sample(text, /^http_requests_total\{method="GET",route="unmatched",status_code="400"\} (\S+)$/m), 1, 'counted under its answer');
  const lines = await eventually(() => {
    const found = svc.logs().filter((l) => l.message === 'request completed' && (l.context as { status_code?: number }).status_code === 400);
    return found.length > 0 ? found : undefined;
  }, 'the access line');
  t.match(lines[0]!.context, { route: 'unmatched', status_code: 400 });
  t.equal(lines.length, 1, 'once');
  t.notOk((lines[0]!.context as { aborted?: boolean }).aborted, 'not as aborted');
});
