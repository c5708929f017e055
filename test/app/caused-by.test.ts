/**
 * §5.3 through the running service: when Redis dies, the bullmq check that
 * depends on the redis check points at it as the root cause, in detailed
 * output, health+json and its status-change log line; after the restart the
 * link is gone.
 */
import t from 'tap';
import { eventually, startApp } from '../support/app';
import { json, type Json } from '../support/matrix';
import { startRedis } from '../support/redis';

t.test('a check whose dependency is in error names it as caused_by, and stops once both recover', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  // jobs needs more failures than cache, so cache is in error first and jobs' change to error
  // can carry the link (with equal thresholds, which one turns first is a race).
  const h = await startApp(
    `
defaults: { interval: 500ms, timeout: 400ms, failureThreshold: 2, successThreshold: 1 }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}" }
  - { name: jobs, type: bullmq, redisUrl: "\${REDIS_URL}", prefix: causes, queues: [emails], minWorkers: 0, dependsOn: [cache] }
`,
    { REDIS_URL: redis.url },
  );
  t.teardown(() => h.close());
  const detailed = async (headers: Record<string, string> = {}) => {
    const res = await h.app.inject({ url: '/api/health/detailed', headers });
    return { res, body: json(res.body) };
  };
  const both = (d: Json, status: string) => d.checks.cache.status === status && d.checks.jobs.status === status;

  const up = await eventually(async () => {
    const { body } = await detailed();
    return both(body, 'ok') ? body : null;
  }, 'both ok', 20_000);
  t.equal(up.checks.jobs.caused_by, null);
  t.equal(up.checks.cache.caused_by, null);

  await redis.stop();
  const down = await eventually(async () => {
    const { body } = await detailed();
    return both(body, 'error') ? body : null;
  }, 'both in error', 20_000);
  t.equal(down.checks.jobs.caused_by, 'cache', 'the dependent names its dependency');
  t.equal(down.checks.cache.caused_by, null, 'the root names nothing');
  t.equal(down.checks.cache.error_kind, 'refused');

  const entry = json((await h.app.inject({ url: '/api/health/checks/jobs' })).body);
  t.equal(entry.caused_by, 'cache', 'the single-check route says so too');

  const ready = await h.app.inject({ url: '/api/health/readiness' });
  t.same(json(ready.body), { status: 'error', failing: ['cache', 'jobs'] });

  const lines = h.logs().filter((l) => (l.context as Json | undefined)?.to === 'error');
  // jobs may cross its threshold a probe before cache does; the store then announces jobs again
  // once its cause is known, so the last of its lines names the root.
  const jobsLine = lines.filter((l) => (l.context as Json).check === 'jobs').at(-1);
  const cacheLine = lines.find((l) => (l.context as Json).check === 'cache');
  t.equal((jobsLine?.context as Json | undefined)?.caused_by, 'cache', "jobs' change to error carries the root cause");
  t.match(jobsLine?.message, /caused by cache/, 'and its message says it');
  t.ok(cacheLine, 'cache logged its change to error');
  t.equal((cacheLine?.context as Json | undefined)?.caused_by, undefined, "cache's line names no cause");
  t.notMatch(cacheLine?.message, /caused by/);

  const { res, body: ietf } = await detailed({ accept: 'application/health+json' });
  t.match(res.headers['content-type'], /^application\/health\+json/);
  t.equal(ietf.status, 'fail');
  const jobsIetf = ietf.checks['jobs:responseTime']?.[0];
  t.match(jobsIetf, { componentId: 'jobs', status: 'fail', output: /\(caused by cache\)$/ }, 'health+json output names the root');
  t.notMatch(ietf.checks['cache:responseTime']?.[0]?.output, /caused by/);

  await redis.start();
  const back = await eventually(async () => {
    const { body } = await detailed();
    return both(body, 'ok') ? body : null;
  }, 'both ok again after the restart', 20_000);
  t.equal(back.checks.jobs.caused_by, null, 'the link is gone once jobs recovers');
  t.equal(back.checks.cache.caused_by, null);
  const ietfBack = (await detailed({ accept: 'application/health+json' })).body;
  t.equal(ietfBack.status, 'pass');
  t.notOk(ietfBack.checks['jobs:responseTime']?.[0]?.output, 'no output once it is ok');
});

t.test('a failing check whose dependency is fine names no cause', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const h = await startApp(`
defaults: { interval: 500ms, timeout: 400ms, failureThreshold: 1 }
checks:
  - { name: cache, type: redis, url: "${redis.url}" }
  - { name: jobs, type: bullmq, redisUrl: "${redis.url}", prefix: causes, queues: [orphans], minWorkers: 1, dependsOn: [cache] }
`);
  t.teardown(() => h.close());
  const d = await eventually(async () => {
    const body = json((await h.app.inject({ url: '/api/health/detailed' })).body);
    return body.checks.jobs.status === 'error' && body.checks.cache.status === 'ok' ? body : null;
  }, 'jobs in error on its own', 20_000);
  t.equal(d.checks.jobs.error, 'queue orphans has 0 workers (minimum 1)');
  t.equal(d.checks.jobs.caused_by, null, 'its own failure, not its dependency');
  const line = h.logs().find((l) => (l.context as Json | undefined)?.check === 'jobs' && (l.context as Json).to === 'error');
  t.notOk((line?.context as Json | undefined)?.caused_by);
});
