/** The HTTP surface over a real Redis: shapes, headers, auth, bad requests, and zero probes per request. */
import t from 'tap';
import { startRedis } from '../support/redis';
import { eventually, startApp, type TestApp } from '../support/app';

const json = (body: string) => JSON.parse(body) as Record<string, any>;

async function runsTotal(h: TestApp): Promise<number> {
  const m = (await h.app.inject({ url: '/metrics' })).body;
  return [...m.matchAll(/^health_check_runs_total\{[^}]*\} (\d+)/gm)].reduce((s, x) => s + Number(x[1]), 0);
}

t.test('health routes', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const h = await startApp(
    `
service: { name: asset-anchor-api, environment: production, version: 1.4.2, gitSha: a1b2c3d }
server: { detailsToken: "\${TOKEN}" }
defaults: { interval: 1h, timeout: 2s }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}" }
  - { name: optional-cache, type: redis, url: "redis://127.0.0.1:1", critical: false, failureThreshold: 1 }
`,
    { REDIS_URL: redis.url, TOKEN: 'tok-3f9a8b7c' },
  );
  t.teardown(() => h.close());
  const auth = { authorization: 'Bearer tok-3f9a8b7c' };
  await eventually(async () => (await h.app.inject({ url: '/api/health/readiness' })).statusCode === 200, 'ready');
  await eventually(
    async () => json((await h.app.inject({ url: '/api/health/checks/optional-cache', headers: auth })).body).status === 'error',
    'optional check probed',
  );

  t.test('summary is pretty-printed so the Pingdom keyword is literal', async (t) => {
    const res = await h.app.inject({ url: '/api/health' });
    t.equal(res.statusCode, 200, 'a non-critical failure does not fail the summary');
    t.match(res.body, '"status": "ok"');
    t.match(res.headers['content-type'], /^application\/json/);
    t.equal(res.headers['cache-control'], 'no-store');
    const body = json(res.body);
    t.same(Object.keys(body), ['status', 'version', 'git_sha', 'database', 'environment', 'node_version', 'timestamp']);
    t.equal(body.version, '1.4.2');
    t.equal(body.git_sha, 'a1b2c3d');
    t.equal(body.database, 'not_configured');
    t.equal(body.environment, 'production');
    t.equal(body.node_version, process.versions.node);
    t.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 60_000, 'timestamp is now');
  });

  t.test('detailed needs the token, answers degraded with every check and its timing', async (t) => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic dG9rZW4=' }, { authorization: 'Bearer' }]) {
      const res = await h.app.inject({ url: '/api/health/detailed', headers });
      t.equal(res.statusCode, 401, `refused with ${JSON.stringify(headers)}`);
      t.equal(json(res.body).error, 'unauthorized');
      t.notMatch(res.body, 'tok-3f9a8b7c');
    }
    const res = await h.app.inject({ url: '/api/health/detailed', headers: auth });
    t.equal(res.statusCode, 200);
    const d = json(res.body);
    t.equal(d.status, 'degraded', 'a non-critical check in error degrades the whole');
    t.equal(d.service, 'asset-anchor-api');
    t.equal(d.checks.cache.status, 'ok');
    t.equal(d.checks.cache.type, 'redis');
    t.equal(d.checks.cache.critical, true);
    t.type(d.checks.cache.duration_ms, 'number');
    t.equal(d.checks.cache.error, null);
    t.equal(d.checks.cache.details.role, 'master');
    t.equal(d.checks['optional-cache'].status, 'error');
    t.equal(d.checks['optional-cache'].error_kind, 'refused');
  });

  t.test('health+json on request', async (t) => {
    const res = await h.app.inject({ url: '/api/health/detailed', headers: { ...auth, accept: 'application/health+json' } });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^application\/health\+json/);
    const d = json(res.body);
    t.equal(d.status, 'warn');
    t.equal(d.version, '1.4.2', "the draft's version is the service's public version, not its major");
    t.equal(d.releaseId, '1.4.2+a1b2c3d');
    t.equal(d.checks['cache:responseTime'][0].status, 'pass');
    t.equal(d.checks['cache:responseTime'][0].componentType, 'datastore');
    t.equal(d.checks['cache:responseTime'][0].observedUnit, 'ms');
    t.equal(d.checks['optional-cache:responseTime'][0].status, 'fail');
  });

  t.test('one check, unknown check, bad name', async (t) => {
    const one = await h.app.inject({ url: '/api/health/checks/cache', headers: auth });
    t.equal(one.statusCode, 200);
    t.equal(json(one.body).name, 'cache');
    const missing = await h.app.inject({ url: '/api/health/checks/nope', headers: auth });
    t.equal(missing.statusCode, 404);
    t.same(json(missing.body), { error: 'not_found', message: 'no check named nope', status_code: 404 });
    const bad = await h.app.inject({ url: '/api/health/checks/..%2F..%2Fetc', headers: auth });
    t.equal(bad.statusCode, 400);
    t.equal(json(bad.body).status_code, 400);
    const noauth = await h.app.inject({ url: '/api/health/checks/cache' });
    t.equal(noauth.statusCode, 401);
  });

  t.test('refresh probes now, and concurrent callers share one run', async (t) => {
    const before = await runsTotal(h);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => h.app.inject({ method: 'POST', url: '/api/health/refresh', headers: auth })),
    );
    for (const a of answers) t.equal(a.statusCode, 200);
    t.equal(await runsTotal(h), before + 2, 'two checks, one run each, for five callers');
    const unauth = await h.app.inject({ method: 'POST', url: '/api/health/refresh' });
    t.equal(unauth.statusCode, 401);
  });

  t.test('a thousand requests cause zero probes', async (t) => {
    const before = await runsTotal(h);
    for (let i = 0; i < 250; i++) {
      await Promise.all([
        h.app.inject({ url: '/api/health' }),
        h.app.inject({ url: '/api/health/detailed', headers: auth }),
        h.app.inject({ url: '/api/health/readiness' }),
        h.app.inject({ url: '/api/health/liveness' }),
      ]);
    }
    t.equal(await runsTotal(h), before);
  });

  t.test('readiness: exclude, verbose, bad values', async (t) => {
    const ok = await h.app.inject({ url: '/api/health/readiness' });
    t.same(json(ok.body), { status: 'ok' });
    const verbose = await h.app.inject({ url: '/api/health/readiness?verbose' });
    t.equal(verbose.statusCode, 200);
    t.match(verbose.headers['content-type'], /^text\/plain/);
    t.match(verbose.body, /^\[\+\]cache ok$/m);
    t.match(verbose.body, /^readyz check passed$/m);
    t.notMatch(verbose.body, /refused|127\.0\.0\.1/, 'non-critical failures show no reason text beyond status');
    const excluded = await h.app.inject({ url: '/api/health/readiness?exclude=cache&exclude=optional-cache&verbose=1' });
    t.equal(excluded.statusCode, 200);
    t.match(excluded.body, /^\[\+\]cache excluded: ok$/m);
    const typo = await h.app.inject({ url: '/api/health/readiness?exclude=cahce' });
    t.equal(typo.statusCode, 400);
    t.match(json(typo.body).message, 'cahce');
  });

  t.test('request ids: taken from X-Request-ID or X-Trace-ID, else generated, never unsafe', async (t) => {
    const given = await h.app.inject({ url: '/api/health/liveness', headers: { 'x-request-id': 'req-123' } });
    t.equal(given.headers['x-request-id'], 'req-123');
    const trace = await h.app.inject({ url: '/api/health/liveness', headers: { 'x-trace-id': 'trace-9' } });
    t.equal(trace.headers['x-request-id'], 'trace-9');
    const generated = await h.app.inject({ url: '/api/health/liveness' });
    t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    const hostile = await h.app.inject({ url: '/api/health/liveness', headers: { 'x-request-id': 'a"b\nc' } });
    t.match(hostile.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'an id with quotes or newlines is replaced');
  });

  t.test('unknown paths and wrong methods get 4xx JSON', async (t) => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['DELETE', '/api/health'],
      ['POST', '/api/health/detailed'],
      ['GET', '/api/health/refresh'],
      ['PUT', '/metrics'],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: auth });
      t.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url} -> ${res.statusCode}`);
      t.match(res.headers['content-type'], /^application\/json/);
      t.equal(json(res.body).status_code, res.statusCode);
      t.ok(res.headers['x-request-id'], 'still carries a request id');
    }
  });

  t.test('metrics: every contract name, always 200, bounded labels', async (t) => {
    const res = await h.app.inject({ url: '/metrics' });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/plain/);
    for (const name of [
      'health_check_up',
      'health_check_status',
      'health_check_duration_seconds',
      'health_check_last_success_timestamp_seconds',
      'health_check_consecutive_failures',
      'health_check_runs_total',
      'health_status',
      'http_requests_total',
      'http_request_duration_seconds',
      'http_requests_in_progress',
    ]) {
      t.match(res.body, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    t.match(res.body, /^health_check_up\{check="cache",type="redis",critical="true"\} 1$/m);
    t.match(res.body, /^health_check_up\{check="optional-cache",type="redis",critical="false"\} 0$/m);
    t.match(res.body, /^health_check_status\{check="cache",type="redis",status="ok"\} 1$/m);
    t.match(res.body, /^health_check_status\{check="cache",type="redis",status="error"\} 0$/m);
    t.match(res.body, /^health_status 0.5$/m);
    t.match(res.body, /^health_check_runs_total\{check="optional-cache",type="redis",result="error",reason="refused"\} \d+$/m);
    t.match(res.body, /^http_requests_total\{method="GET",route="\/api\/health\/checks\/:name",status_code="404"\} \d+$/m);
    t.notMatch(res.body, /127\.0\.0\.1|redis:\/\/|connection refused/, 'no URL, host or error text in labels');
    t.notMatch(res.body, /route="\/nope"/, 'unknown paths share one route label');
  });
});
