/**
 * The public status API through the running app over a real Redis: shape,
 * uptime and incidents across an outage, nothing private in any answer,
 * CORS, and the HTML page.
 */
import t, { type Test } from 'tap';
import { startRedis } from '../support/redis';
import { eventually, startApp } from '../support/app';

const json = (body: string) => JSON.parse(body) as Record<string, any>;
const CANARY = 'canary-pw-7f3a91';

async function setup(t: Test, extra = '') {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const url = `redis://:${CANARY}@127.0.0.1:${redis.port}`;
  const h = await startApp(
    `
server: { corsOrigins: ["https://status.example.com"] }
defaults: { interval: 400ms, timeout: 300ms, failureThreshold: 1, successThreshold: 1 }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}", displayName: "Session cache", group: Core }
  - { name: cache-two, type: redis, url: "\${REDIS_URL}", critical: false }
${extra}`,
    { REDIS_URL: url },
  );
  t.teardown(() => h.close());
  const get = (path: string, headers: Record<string, string> = {}) => h.app.inject({ url: path, headers });
  return { redis, h, get };
}

t.test('GET /api/status: overall status, components, history, incidents; uptime drops in an outage; the incident opens and closes', async (t) => {
  const { redis, h, get } = await setup(t);
  const bodies: string[] = [];
  const status = async () => {
    const res = await get('/api/status');
    t.equal(res.statusCode, 200);
    bodies.push(res.body);
    return json(res.body);
  };
  const first = await eventually(async () => {
    const s = await status();
    return s.components.every((c: any) => c.status === 'ok') && s.components[0].uptime['24h'] !== null ? s : null;
  }, 'both checks ok with some uptime');
  t.equal(first.status, 'ok');
  t.same(
    first.components.map((c: any) => [c.name, c.display_name, c.group]),
    [['cache', 'Session cache', 'Core'], ['cache-two', 'cache-two', 'Services']],
    'names, display names and groups from config (defaults applied)',
  );
  const c0 = first.components[0];
  t.same(c0.uptime, { '24h': 100, '7d': 100, '30d': 100 });
  t.type(c0.latency_ms.p50, 'number');
  t.ok(c0.latency_ms.p95 >= c0.latency_ms.p50, 'p95 >= p50');
  t.same(c0.uptime_coverage['30d'] < 1, true, 'seconds of data are a sliver of 30 days, and the body says so');
  t.equal(first.history.bucket_s, 3600);
  t.equal(first.history.components.cache.bars.length, 90, '90 hourly bars, one character each');
  t.equal(first.history.components.cache.bars.at(-1), 'o', 'the current bar holds the probes');
  t.same(first.incidents, []);
  t.same(first.ongoing, []);
  t.equal(first.state, 'operational');
  t.same(first.page, { title: 'health-aggregator', description: '' });
  t.ok(!Number.isNaN(Date.parse(first.updated_at)));
  const res = await get('/api/status');
  t.match(res.headers['cache-control'], /^public, max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/);
  t.equal((await get('/api/status')).body, res.body, 'while no status changes, the serialised body is reused (same updated_at)');
  t.match(res.headers['content-type'], /^application\/json/);

  await redis.stop();
  const down = await eventually(async () => {
    const s = await status();
    return s.components[0].status === 'error' && s.components[0].uptime['24h'] < 100 ? s : null;
  }, 'error and uptime below 100 after the outage starts');
  t.equal(down.status, 'error');
  const open = down.incidents.find((i: any) => i.components.includes('Session cache'));
  t.ok(open, 'an incident for cache');
  t.match(open, { source: 'probe', title: 'Session cache: outage', status: 'investigating', impact: 'major', resolved: false, resolved_at: null });
  t.type(open.duration_s, 'number');
  t.ok(down.ongoing.some((i: any) => i.id === open.id), 'and it stands among the ongoing ones (cache-two, on the same Redis, may have its own)');
  t.equal(down.state, 'major_outage');
  t.equal(down.history.components.cache.bars.at(-1), 'e', 'the current bar shows the worst status');

  await redis.start();
  const back = await eventually(async () => {
    const s = await status();
    const i = s.incidents.find((x: any) => x.id === open.id);
    return s.components.every((c: any) => c.status === 'ok') && i?.resolved && s.ongoing.length === 0 ? s : null;
  }, 'both recovered and their incidents closed');
  const closed = back.incidents.find((i: any) => i.id === open.id);
  t.equal(closed.started_at, open.started_at, 'the same incident, now ended');
  t.equal(closed.status, 'resolved');
  t.ok(Date.parse(closed.resolved_at) >= Date.parse(closed.started_at));
  t.same(back.ongoing, []);
  t.ok(back.components[0].uptime['24h'] < 100 && back.components[0].uptime['24h'] > 0, 'uptime remembers the outage');

  // Nothing private in anything the status API said, healthy, down or recovering.
  const all = bodies.join('\n');
  t.notMatch(all, CANARY, 'no password');
  t.notMatch(all, /127\.0\.0\.1|localhost|redis:\/\//, 'no host or URL');
  t.notMatch(all, /refused|timed out|error_kind|details|"error":/, 'no error text or details');
  t.notMatch(h.rawLogs(), CANARY, 'no password in the logs either');
});

const corsCases = [
  { name: 'an allowed origin is echoed', origin: 'https://status.example.com', allowed: true },
  { name: 'another origin gets no allow header', origin: 'https://evil.example.com', allowed: false },
  { name: 'a near miss (other scheme) is refused', origin: 'http://status.example.com', allowed: false },
];

t.test('CORS: only corsOrigins, on GET and on the preflight of both API routes', async (t) => {
  const { h, get } = await setup(t);
  for (const c of corsCases) {
    for (const path of ['/api/status', '/api/status/stream']) {
      const pre = await h.app.inject({
        method: 'OPTIONS',
        url: path,
        headers: { origin: c.origin, 'access-control-request-method': 'GET' },
      });
      t.equal(pre.statusCode, 204, `${c.name}: preflight ${path} answers 204`);
      t.match(pre.headers.vary, /Origin/, 'Vary: Origin');
      if (c.allowed) {
        t.equal(pre.headers['access-control-allow-origin'], c.origin, `${c.name} (${path} preflight)`);
        t.match(pre.headers['access-control-allow-methods'], /GET/);
      } else {
        t.notOk(pre.headers['access-control-allow-origin'], `${c.name} (${path} preflight)`);
        t.notOk(pre.headers['access-control-allow-methods']);
      }
    }
    const res = await get('/api/status', { origin: c.origin });
    t.equal(res.statusCode, 200);
    t.match(res.headers.vary, /Origin/);
    t.equal(res.headers['access-control-allow-origin'], c.allowed ? c.origin : undefined, `${c.name} (GET)`);
  }
  const noOrigin = await get('/api/status');
  t.notOk(noOrigin.headers['access-control-allow-origin'], 'same-origin requests need no CORS header');
});

t.test('GET /status: a self-contained page, relative URLs only, a self-only CSP', async (t) => {
  const { get } = await setup(t);
  const res = await get('/status');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  const html = res.body;
  for (const part of ['<!doctype html>', 'id="banner"', 'id="groups"', 'id="incidents"', "'status?fragment=1'", "'api/status/stream'", 'EventSource']) {
    t.ok(html.includes(part), `page has ${part}`);
  }
  t.notMatch(html, /https?:\/\/|(src|href)=["']?\/\//i, 'no absolute or protocol-relative URL');
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
  t.doesNotThrow(() => new Function(script), 'the inline script parses');
  t.notMatch(html.replace(/<link rel="icon" id="favicon" type="image\/svg\+xml" href="data:[^"]*">/, ''), /<(link|img|iframe)\b|<script\s+src/i, 'no external asset (the favicon is a data: URL)');
  const csp = String(res.headers['content-security-policy']);
  t.match(csp, /default-src 'none'/);
  t.match(csp, /connect-src 'self'/);
  t.notMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:/, 'no inline allowance, wildcard or other host');
  t.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'the inline script is allowed by its hash');
});
