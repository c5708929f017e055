/**
 * Load shedding (CONTRACT §3.1 pressure): a heap limit of 1 byte puts the
 * process under pressure as soon as under-pressure samples memory, which makes
 * the shed/not-shed decision per route testable without timing tricks.
 */
import t from 'tap';
import { buildApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logging';
import { eventually, startApp } from '../support/app';

t.test('under pressure: health routes shed with 503 + Retry-After, liveness and metrics answer, readiness says why', async (t) => {
  const h = await startApp(`pressure: { maxEventLoopDelay: 0, maxHeapUsedBytes: 1, maxRssBytes: 0 }\n`);
  t.teardown(() => h.close());
  await eventually(() => h.app.health.pressure.underPressure(), 'under pressure');

  const shed = await h.app.inject({ url: '/api/health' });
  t.equal(shed.statusCode, 503);
  t.equal(shed.headers['retry-after'], '10');
  t.same(JSON.parse(shed.body), { error: 'service_unavailable', message: 'service under pressure, retry later', status_code: 503 });
  t.ok(shed.headers['x-request-id'], 'a shed request still has its id');

  // Shed in their handlers (they answer from memory, without under-pressure's hook) and by the hook: the same answer.
  for (const [method, url] of [
    ['GET', '/api/health/detailed'],
    ['GET', '/api/health/checks/anything'],
    ['POST', '/api/health/refresh'],
    ['GET', '/no/such/route'],
    ['GET', '/api/status'],
    ['GET', '/status'],
  ] as const) {
    const res = await h.app.inject({ method, url });
    t.equal(res.statusCode, 503, `${method} ${url} is shed`);
    t.equal(res.headers['retry-after'], '10', `${method} ${url} says when to retry`);
    t.equal(JSON.parse(res.body).error, 'service_unavailable', `${method} ${url} answers the one error shape`);
  }

  const live = await h.app.inject({ url: '/api/health/liveness' });
  t.equal(live.statusCode, 200, 'a busy pod is not a dead pod: liveness is never shed');
  const metrics = await h.app.inject({ url: '/metrics' });
  t.equal(metrics.statusCode, 200, 'the scrape is how pressure is seen');
  t.match(metrics.body, /http_requests_total\{method="GET",route="\/api\/health",status_code="503"\} 1/);
  t.match(metrics.body, /^http_requests_shed_total\{reason="heapUsedBytes"\} 7$/m, 'shedding has its own counter: a 503 alone cannot tell it from an outage');

  const ready = await h.app.inject({ url: '/api/health/readiness' });
  t.equal(ready.statusCode, 503);
  t.same(JSON.parse(ready.body), { status: 'error', reason: 'under_pressure' });
  t.ok(h.logs().some((l) => l.message === 'request shed: under pressure' && l.level === 'WARN'), 'shedding is logged');
});

t.test('pressure limits of 0 are off', async (t) => {
  const h = await startApp(`pressure: { maxEventLoopDelay: 0, maxHeapUsedBytes: 0, maxRssBytes: 0 }\n`);
  t.teardown(() => h.close());
  t.equal(h.app.health.pressure.underPressure(), false);
  t.equal((await h.app.inject({ url: '/api/health' })).statusCode, 200);
});

t.test('a route without a response schema is refused when registered; one with a schema is not', async (t) => {
  const config = parseConfig('{}\n', {}, 'test.yml');
  const bare = await buildApp(config, { defaultMetrics: false, logger: createLogger({ service: 's', environment: 'e', level: 'silent' }) });
  t.throws(() => bare.get('/schemaless', async () => 'x'), /route GET \/schemaless has no response schema/);
  await bare.close();

  const ok = await buildApp(config, { defaultMetrics: false, logger: createLogger({ service: 's', environment: 'e', level: 'silent' }) });
  ok.get('/documented', { schema: { response: { 200: { type: 'string' } } } }, async () => 'x');
  await ok.ready();
  t.equal((await ok.inject({ url: '/documented' })).body, 'x');
  await ok.close();
});
