import t from 'tap';
import pino from 'pino';
import { createHttpCheck } from '../../src/checks/http';
import { formatStatuses } from '../../src/checks/http-assert';
import type { Checker, HttpCheckConfig, Outcome } from '../../src/types';
import { startBlackhole } from '../support/blackhole';
import { endless, eventually, openSocketCount, reply, slow, stalled, startHttpServer, type Route } from '../support/http';
import { makeCert } from '../support/tls';

const logger = pino({ level: 'silent' });

function baseCommon() {
  return {
    name: 'payments-api', interval: 15_000, timeout: 3000, failureThreshold: 2, successThreshold: 1, critical: false,
    degradedLatency: null, displayName: 'Payments', group: 'Services', dependsOn: [],
  } as const;
}

function httpConfig(url: string, over: Partial<HttpCheckConfig> = {}): HttpCheckConfig {
  return {
    ...baseCommon(), type: 'http', url, method: 'GET', headers: {}, body: null, expectStatus: [200], expectBody: null,
    expectJson: null, followRedirects: false, certExpiryWarning: 14, caFile: null, insecureSkipVerify: false,
    maxBodyBytes: 65_536, ...over,
  };
}

function run(check: Checker, abortAfterMs = 5000): Promise<Outcome> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), abortAfterMs);
  return check.check(ac.signal).finally(() => clearTimeout(timer));
}

const echoLength: Route = (req, res) => {
  let n = 0;
  req.on('data', (d: Buffer) => (n += d.length));
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, received: n })));
};
const needsToken: Route = (req, res) => reply(req.headers.authorization === 'Bearer s3cret' ? 200 : 401, 'x')(req, res);
const notHttp: Route = (_req, res) => res.socket?.end('SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n');

const routes: Record<string, Route> = {
  '/health': reply(200, { status: 'ok', checks: { db: { status: 'up' } }, list: [{ id: 7 }] }),
  '/text': reply(200, 'service "status":"ok" and well'),
  '/down': reply(503, 'database is down: postgres://admin:hunter2@db.internal'),
  '/moved': reply(302, '', { location: '/health' }),
  '/away': reply(301, '', { location: '/moved' }),
  '/loop': reply(302, '', { location: '/loop' }),
  '/slow': slow(150, reply(200, 'late but fine')),
  '/endless': endless,
  '/echo': echoLength,
  '/private': needsToken,
  '/junk': notHttp,
};

interface Case { name: string; path: string; over?: Partial<HttpCheckConfig>; status: Outcome['status']; kind?: string; error?: string; details?: object }
const cases: Case[] = [
  { name: 'a 200 is ok with its status, size and phase timings', path: '/health', status: 'ok',
    details: { status_code: 200, response_bytes: Number, timings_ms: { connect: Number, first_byte: Number } } },
  { name: 'a slow answer is still ok (latency is the scheduler\'s business)', path: '/slow', status: 'ok' },
  { name: 'an unexpected status is an assertion naming both codes', path: '/down', status: 'error', kind: 'assertion', error: 'expected status 200, got 503' },
  { name: 'a status in an accepted range is ok', path: '/down', over: { expectStatus: [500, 501, 502, 503] }, status: 'ok' },
  { name: 'a 404 against 2xx is an assertion', path: '/nowhere', over: { expectStatus: Array.from({ length: 100 }, (_, i) => 200 + i) }, status: 'error', kind: 'assertion', error: 'expected status 200-299, got 404' },
  { name: 'a body containing the keyword is ok', path: '/text', over: { expectBody: '"status":"ok"' }, status: 'ok' },
  { name: 'a body missing the keyword is an assertion', path: '/text', over: { expectBody: '"status":"down"' }, status: 'error', kind: 'assertion', error: 'response body does not contain the expected text' },
  { name: 'a JSON field with the expected value is ok', path: '/health', over: { expectJson: { path: 'checks.db.status', equals: 'up' } }, status: 'ok' },
  { name: 'a JSON path through an array is ok', path: '/health', over: { expectJson: { path: 'list.0.id', equals: 7 } }, status: 'ok' },
  { name: 'a JSON field with another value is an assertion', path: '/health', over: { expectJson: { path: 'checks.db.status', equals: 'down' } }, status: 'error', kind: 'assertion', error: 'JSON field "checks.db.status" does not have the expected value' },
  { name: 'a missing JSON field is an assertion', path: '/health', over: { expectJson: { path: 'checks.cache.status', equals: 'up' } }, status: 'error', kind: 'assertion', error: 'JSON field "checks.cache.status" is missing' },
  { name: 'a body that is not JSON is an assertion', path: '/text', over: { expectJson: { path: 'status', equals: 'ok' } }, status: 'error', kind: 'assertion', error: 'response body is not valid JSON' },
  { name: 'a redirect not followed is the answer', path: '/moved', status: 'error', kind: 'assertion', error: 'expected status 200, got 302' },
  { name: 'a redirect not followed can be expected', path: '/moved', over: { expectStatus: [302] }, status: 'ok', details: { status_code: 302 } },
  { name: 'redirects are followed when asked', path: '/away', over: { followRedirects: true }, status: 'ok', details: { status_code: 200, redirects: 2 } },
  { name: 'a redirect loop ends after five hops', path: '/loop', over: { followRedirects: true }, status: 'error', kind: 'assertion', error: 'too many redirects (more than 5)' },
  { name: 'a POST sends its body', path: '/echo', over: { method: 'POST', body: '{"ping":1}', expectJson: { path: 'received', equals: 10 } }, status: 'ok' },
  { name: 'configured headers are sent', path: '/private', over: { headers: { Authorization: 'Bearer s3cret' } }, status: 'ok' },
  { name: 'an endless body ends in a bounded assertion error', path: '/endless', status: 'error', kind: 'assertion', error: 'response body larger than 65536 bytes', details: { response_bytes: 65_536, body_truncated: true } },
  { name: 'a peer answering with something else than HTTP is an assertion', path: '/junk', status: 'error', kind: 'assertion', error: 'invalid HTTP response' },
];

t.test('plain HTTP', async (t) => {
  const server = await startHttpServer(routes);
  t.teardown(() => server.stop());
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const check = createHttpCheck(httpConfig(server.origin + c.path, c.over), { logger });
      t.teardown(() => check.close());
      const started = Date.now();
      const out = await run(check);
      t.equal(out.status, c.status, out.error ?? 'no error');
      t.equal(out.errorKind, c.kind);
      if (c.error !== undefined) t.equal(out.error, c.error);
      if (c.details) t.match(out.details, c.details);
      t.ok(Date.now() - started < 4000, 'settled well before the abort');
      const shown = JSON.stringify(out);
      t.notMatch(shown, /127\.0\.0\.1|hunter2|s3cret|db\.internal/, 'no host, URL or secret in the outcome');
    });
  }
});

t.test('a stopped server is refused; the same checker is ok again once it is back', async (t) => {
  const server = await startHttpServer(routes);
  t.teardown(() => server.stop());
  const check = createHttpCheck(httpConfig(`${server.origin}/health`), { logger });
  t.equal((await run(check)).status, 'ok');
  await server.stop();
  t.match(await run(check), { status: 'error', errorKind: 'refused', error: 'connection refused' });
  await server.start();
  t.equal((await run(check)).status, 'ok');
});

t.test('a blackhole: settles at the abort with a timeout and leaves no connection', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const check = createHttpCheck(httpConfig(`http://127.0.0.1:${hole.port}/health`), { logger });
  const started = Date.now();
  t.match(await run(check, 100), { status: 'error', errorKind: 'timeout' });
  t.ok(Date.now() - started < 2000, 'settled at the abort');
});

t.test('a server that reads the request and never answers: closed at the abort', async (t) => {
  // (startBlackhole never reads, so it never sees our FIN after the request was written.)
  const server = await startHttpServer({ '/hang': () => {} });
  t.teardown(() => server.stop());
  const check = createHttpCheck(httpConfig(`${server.origin}/hang`), { logger });
  t.match(await run(check, 100), { status: 'error', errorKind: 'timeout' });
  t.ok(await eventually(() => server.openConnections() === 0), 'connection closed');
});

t.test('headers then a stalled body: settles at the abort and the server sees the connection close', async (t) => {
  const server = await startHttpServer({ '/stalled': stalled });
  t.teardown(() => server.stop());
  const check = createHttpCheck(httpConfig(`${server.origin}/stalled`), { logger });
  t.match(await run(check, 100), { status: 'error', errorKind: 'timeout' });
  t.ok(await eventually(() => server.openConnections() === 0), 'connection closed');
});

t.test('50 probes against a hung server and a dead port leave no growing number of sockets', async (t) => {
  const hung = await startHttpServer({ '/stalled': stalled });
  const dead = await startHttpServer({});
  await dead.stop();
  t.teardown(() => hung.stop());
  const hungCheck = createHttpCheck(httpConfig(`${hung.origin}/stalled`), { logger });
  const deadCheck = createHttpCheck(httpConfig(`${dead.origin}/health`), { logger });
  await run(hungCheck, 20);
  await run(deadCheck);
  t.ok(await eventually(() => hung.openConnections() === 0));
  const before = openSocketCount();
  for (let i = 0; i < 50; i++) {
    t.equal((await run(hungCheck, 20)).errorKind, 'timeout');
    t.equal((await run(deadCheck)).errorKind, 'refused');
  }
  t.ok(await eventually(() => hung.openConnections() === 0), 'the hung server holds none of our connections');
  t.ok(await eventually(() => openSocketCount() <= before), `sockets stay bounded (${before} before, ${openSocketCount()} after)`);
});

t.test('HTTPS', async (t) => {
  const fresh = makeCert(90);
  const expiring = makeCert(3);
  const good = await startHttpServer(routes, fresh);
  const soon = await startHttpServer(routes, expiring);
  t.teardown(async () => { await good.stop(); await soon.stop(); fresh.remove(); expiring.remove(); });

  const tlsCases: Array<{ name: string; origin: () => string; over: Partial<HttpCheckConfig>; status: string; kind?: string; days?: [number, number] }> = [
    { name: 'a self-signed certificate without its CA is a tls error', origin: () => good.origin, over: {}, status: 'error', kind: 'tls' },
    { name: 'with the CA file it is ok and reports the days left', origin: () => good.origin, over: { caFile: fresh.certFile }, status: 'ok', days: [88, 90.1] },
    { name: 'skipping verification is ok and still reports the days left', origin: () => good.origin, over: { insecureSkipVerify: true }, status: 'ok', days: [88, 90.1] },
    { name: 'a certificate expiring within the warning is degraded', origin: () => soon.origin, over: { caFile: expiring.certFile }, status: 'degraded', kind: 'tls', days: [2, 3.1] },
    { name: 'the warning threshold is configurable', origin: () => soon.origin, over: { caFile: expiring.certFile, certExpiryWarning: 2 }, status: 'ok', days: [2, 3.1] },
    { name: 'a CA file that cannot be read is a clear error', origin: () => good.origin, over: { caFile: '/nonexistent/ca.pem' }, status: 'error', kind: 'other' },
  ];
  for (const c of tlsCases) {
    t.test(c.name, async (t) => {
      const check = createHttpCheck(httpConfig(`${c.origin()}/health`, c.over), { logger });
      const out = await run(check);
      t.equal(out.status, c.status, out.error ?? 'no error');
      t.equal(out.errorKind, c.kind);
      if (c.days) {
        const days = out.details?.tls_days_remaining as number;
        t.ok(days >= c.days[0] && days <= c.days[1], `days remaining ${days}`);
        t.match(out.details, { timings_ms: { connect: Number, tls: Number, first_byte: Number } });
      }
      if (out.error) t.notMatch(out.error, /127\.0\.0\.1|localhost|\/nonexistent/);
    });
  }
});

t.test('status lists read as ranges', async (t) => {
  t.equal(formatStatuses([200]), '200');
  t.equal(formatStatuses([200, 204]), '200 or 204');
  t.equal(formatStatuses([201, 200, 202, 404]), '200-202 or 404');
});
