/**
 * Secret hygiene end to end (CONTRACT §3.3, §4.2, §4.5): canary secrets go into
 * every place a config can hold one, every check fails in every way we can
 * provoke (and some succeed, so the secret really is used), and then every
 * output the service has — each route in-process and over a real socket, every
 * log line at debug, /metrics, and the CLI's validate/check/serve output — is
 * searched for the canary. Responses are also searched for host names.
 */
import net from 'node:net';
import t, { type Test } from 'tap';
import { eventually, startApp } from '../support/app';
import { startBlackhole } from '../support/blackhole';
import { startHttpServer, type Route } from '../support/http';
import { freePort } from '../support/ports';
import { startPostgres } from '../support/postgres';
import { startRedis } from '../support/redis';
import { startS3 } from '../support/s3';
import { runCli } from '../support/service';
import { makeCert } from '../support/tls';

// Every secret carries MARK; those with a character that needs URL-encoding
// carry TAIL after it, so a leak of the part after a raw "@" or "/" is caught too.
const MARK = '7f3a9c';
const TAIL = 'q9z8tail';
const S = {
  pg: `CANARY-${MARK}-pg@${TAIL}`,
  redis: `CANARY-${MARK}-redis@${TAIL}`,
  httpBearer: `CANARY-${MARK}-http-bearer`,
  httpQuery: `CANARY-${MARK}-query`,
  s3Key: `CANARY${MARK}AKID`,
  s3Secret: `CANARY-${MARK}-s3secret/${TAIL}`,
  details: `CANARY-${MARK}-details`,
  cookie: `sess=CANARY-${MARK}-cookie`,
};
const BAD_HOST = 'canary-host-5e1d.invalid';
const enc = encodeURIComponent;

/** Every form in which a secret could leak; matched case-insensitively. */
const needles = [
  MARK,
  TAIL,
  ...Object.values(S).flatMap((s) => [s, enc(s), Buffer.from(s).toString('base64'), Buffer.from(`:${s}`).toString('base64')]),
].map((n) => n.toLowerCase());

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return [...new Set(needles.filter((n) => lower.includes(n)))];
}

/** Hosts of the config a response must never show (logs may). */
const HOSTS = [BAD_HOST, '127.0.0.1', 'localhost'];

type Got = { what: string; status: number; type: string; body: string };

t.test('no canary secret in any response, log line, metric or CLI output', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const redis = await startRedis(['--requirepass', S.redis]);
  t.teardown(() => redis.destroy());
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const bucket = 'canary-bucket';
  const s3 = await startS3([bucket]);
  t.teardown(() => s3.destroy());
  const closed = await freePort();
  const cert = makeCert();
  t.teardown(() => cert.remove());

  const authorised = (req: { headers: Record<string, unknown>; url?: string }) =>
    req.headers.authorization === `Bearer ${S.httpBearer}` && (req.url ?? '').includes(`token=${enc(S.httpQuery)}`);
  // A hostile or careless dependency that echoes the request, secrets and all.
  const echo = (status: number): Route => (req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
  const ok: Route = (req, res) =>
    authorised(req) ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}') : echo(401)(req, res);
  const api = await startHttpServer({ '/ok': ok, '/echo500': echo(500), '/echo200': echo(200) });
  t.teardown(() => api.stop());
  const tlsApi = await startHttpServer({ '/ok': ok }, cert);
  t.teardown(() => tlsApi.stop());

  const q = `?token=${enc(S.httpQuery)}`;
  const httpHeaders = `{ Authorization: "Bearer ${S.httpBearer}", Cookie: "${S.cookie}", X-Api-Key: "${S.httpBearer}" }`;
  const redisUrl = (pw: string, port = redis.port, host = '127.0.0.1') => `redis://:${enc(pw)}@${host}:${port}`;
  const pgUrl = (user: string, port: number, host = '127.0.0.1') => `postgres://${user}:${enc(S.pg)}@${host}:${port}/postgres`;
  const s3Keys = `accessKeyId: "${S.s3Key}", secretAccessKey: "${S.s3Secret}", forcePathStyle: true`;

  // name -> [yaml fields, expected status, expected error_kind]
  const checks: Array<[string, string, 'ok' | 'error', string | null]> = [
    ['pg-ok', `type: postgres, url: "${pgUrl('postgres', pg.port)}"`, 'ok', null],
    ['pg-auth', `type: postgres, url: "${pgUrl('ghost', pg.port)}"`, 'error', 'auth'],
    ['pg-refused', `type: postgres, url: "${pgUrl('postgres', closed)}"`, 'error', 'refused'],
    ['pg-timeout', `type: postgres, url: "${pgUrl('postgres', hole.port)}"`, 'error', 'timeout'],
    ['pg-dns', `type: postgres, url: "${pgUrl('postgres', 5432, BAD_HOST)}"`, 'error', 'dns'],
    ['redis-ok', `type: redis, url: "${redisUrl(S.redis)}"`, 'ok', null],
    ['redis-wrong-pw', `type: redis, url: "${redisUrl(`${S.redis}-wrong`)}"`, 'error', 'auth'],
    ['redis-refused', `type: redis, url: "${redisUrl(S.redis, closed)}"`, 'error', 'refused'],
    ['redis-timeout', `type: redis, url: "${redisUrl(S.redis, hole.port)}"`, 'error', 'timeout'],
    ['redis-dns', `type: redis, url: "${redisUrl(S.redis, 6379, BAD_HOST)}"`, 'error', 'dns'],
    ['http-ok', `type: http, url: "${api.origin}/ok${q}", headers: ${httpHeaders}`, 'ok', null],
    ['http-status', `type: http, url: "${api.origin}/echo500${q}", headers: ${httpHeaders}`, 'error', 'assertion'],
    ['http-body', `type: http, url: "${api.origin}/echo200${q}", headers: ${httpHeaders}, expectBody: "never-in-the-body"`, 'error', 'assertion'],
    ['http-tls', `type: http, url: "${tlsApi.origin}/ok${q}", headers: ${httpHeaders}`, 'error', 'tls'],
    ['http-refused', `type: http, url: "http://127.0.0.1:${closed}/ok${q}", headers: ${httpHeaders}`, 'error', 'refused'],
    ['http-timeout', `type: http, url: "http://127.0.0.1:${hole.port}/ok${q}", headers: ${httpHeaders}`, 'error', 'timeout'],
    ['http-dns', `type: http, url: "http://${BAD_HOST}/ok${q}", headers: ${httpHeaders}`, 'error', 'dns'],
    ['s3-auth', `type: s3, bucket: ${bucket}, endpoint: "${s3.endpoint}", ${s3Keys}`, 'error', 'auth'],
    ['s3-refused', `type: s3, bucket: ${bucket}, endpoint: "http://127.0.0.1:${closed}", ${s3Keys}`, 'error', 'refused'],
    ['s3-timeout', `type: s3, bucket: ${bucket}, endpoint: "http://127.0.0.1:${hole.port}", ${s3Keys}`, 'error', 'timeout'],
    ['s3-dns', `type: s3, bucket: ${bucket}, endpoint: "http://${BAD_HOST}:9000", ${s3Keys}`, 'error', 'dns'],
    ['jobs-ok', `type: bullmq, redisUrl: "${redisUrl(S.redis)}", queues: [emails], minWorkers: 0`, 'ok', null],
    ['jobs-wrong-pw', `type: bullmq, redisUrl: "${redisUrl(`${S.redis}-wrong`)}", queues: [emails], minWorkers: 0`, 'error', 'auth'],
    ['jobs-dns', `type: bullmq, redisUrl: "${redisUrl(S.redis, 6379, BAD_HOST)}", queues: [emails], minWorkers: 0`, 'error', 'dns'],
    ['tcp-dns', `type: tcp, host: ${BAD_HOST}, port: 5000`, 'error', 'dns'],
  ];
  const servePort = await freePort();
  const yaml = `
service: { name: canary-test }
server: { port: ${servePort}, host: 127.0.0.1, detailsToken: "${S.details}", shutdownDelay: 0 }
defaults: { interval: 2s, timeout: 1s, failureThreshold: 1 }
checks:
${checks.map(([name, fields]) => `  - { name: ${name}, ${fields} }`).join('\n')}
`;
  const names = checks.map(([n]) => n);
  // Negative control: the search does find every secret where it really is.
  t.same(
    Object.values(S).filter((s) => leaks(`x${s}x`).length === 0 || leaks(enc(s)).length === 0),
    [],
    'the canary search finds each secret, raw and URL-encoded',
  );
  t.ok(leaks(yaml).length >= 3, 'the config really holds the canaries');
  const auth = { authorization: `Bearer ${S.details}` };
  const wrongAuth: Array<Record<string, string>> = [{ authorization: `Bearer ${S.details}x` }, { authorization: S.details }, {}];

  /** Every route, as every kind of caller; `send` is inject or a real socket. */
  async function everyRoute(send: (method: string, url: string, headers?: Record<string, string>) => Promise<Got>): Promise<Got[]> {
    const out: Got[] = [];
    const get = async (url: string, headers?: Record<string, string>, method = 'GET') => out.push(await send(method, url, headers));
    await get('/api/health');
    await get('/api/health/detailed', auth);
    await get('/api/health/detailed', { ...auth, accept: 'application/health+json' });
    for (const h of wrongAuth) await get('/api/health/detailed', h);
    for (const name of names) await get(`/api/health/checks/${name}`, auth);
    await get('/api/health/checks/pg-ok', wrongAuth[0]);
    await get('/api/health/checks/no-such-check', auth);
    await get('/api/health/refresh', auth, 'POST');
    await get('/api/health/refresh', { ...auth, accept: 'application/health+json' }, 'POST');
    await get('/api/health/refresh', wrongAuth[0], 'POST');
    await get('/api/health/readiness');
    await get('/api/health/readiness?verbose');
    await get('/api/health/readiness?exclude=pg-dns&verbose=1');
    await get('/api/health/liveness');
    await get('/metrics');
    await get('/nope');
    await get('/api/health/nope', auth, 'DELETE');
    return out;
  }

  function assertClean(t: Test, got: Got[], where: string) {
    for (const g of got) {
      t.same(leaks(g.body), [], `${where}: ${g.what} -> ${g.status} shows no secret`);
      const hosts = HOSTS.filter((h) => g.body.includes(h));
      t.same(hosts, [], `${where}: ${g.what} shows no host`);
    }
    const metrics = got.find((g) => g.what === 'GET /metrics');
    t.ok(metrics && metrics.status === 200, `${where}: /metrics answered`);
    const labels = [...(metrics?.body ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}=${m[2]}`);
    t.ok(labels.length > 50, `${where}: metrics carry labels`);
    const bad = labels.filter((l) => /:\/\/|\s|\.invalid|127\.0\.0\.1|localhost|@/.test(l.slice(l.indexOf('=') + 1)));
    t.same(bad, [], `${where}: no metric label carries a URL, host or error text`);
  }

  const expectKinds = async (entries: () => Promise<Record<string, { status: string; error_kind: string | null }>>) => {
    const settled = await eventually(async () => {
      const e = await entries();
      return names.every((n) => e[n] && e[n].status !== 'unknown' && (checks.find(([c]) => c === n)![2] === 'ok' ? true : e[n].error_kind !== null))
        ? e
        : null;
    }, 'every check has a result', 30_000, 100);
    for (const [name, , status, kind] of checks) {
      t.equal(settled[name]?.status, status, `${name} is ${status}`);
      t.equal(settled[name]?.error_kind, kind, `${name} failed as ${kind ?? 'nothing'}`);
    }
  };

  await t.test('in-process app: every route and every log line', async (t) => {
    const h = await startApp(yaml);
    t.teardown(() => h.close());
    const inject = async (method: string, url: string, headers: Record<string, string> = {}): Promise<Got> => {
      const r = await h.app.inject({ method: method as 'GET', url, headers });
      return { what: `${method} ${url}`, status: r.statusCode, type: String(r.headers['content-type']), body: `${JSON.stringify(r.headers)}\n${r.body}` };
    };
    await expectKinds(async () => JSON.parse((await inject('GET', '/api/health/detailed', auth)).body.split('\n').slice(1).join('\n')).checks);
    const got = await everyRoute(inject);
    t.equal(got.filter((g) => g.status === 401).length, wrongAuth.length + 2, 'wrong tokens refused');
    assertClean(t, got, 'inject');
    const logs = h.rawLogs();
    t.ok(logs.split('\n').length > 30, 'debug logs were written');
    t.match(logs, /"level":"DEBUG"/);
    t.same(leaks(logs), [], 'no secret in any log line');
  });

  await t.test('CLI validate, check and check --json print no secret', async (t) => {
    for (const args of [['validate'], ['check'], ['check', '--json']]) {
      const p = runCli(args, { yaml, env: { LOG_LEVEL: 'debug' } });
      t.teardown(() => p.cleanup());
      const code = await p.exited;
      t.equal(code, args[0] === 'validate' ? 0 : 1, `${args.join(' ')} exit code`);
      const out = p.stdout() + p.stderr();
      t.ok(p.stdout().length > 200, `${args.join(' ')} printed its report`);
      t.same(leaks(out), [], `${args.join(' ')}: no secret in stdout/stderr`);
      if (args[0] === 'check') t.same(HOSTS.filter((x) => p.stdout().includes(x)), [], `${args.join(' ')}: no host in the report`);
    }
  });

  await t.test('serve: real socket responses, stdout and stderr', async (t) => {
    const p = runCli(['serve'], { yaml, env: { LOG_LEVEL: 'debug' } });
    t.teardown(() => p.cleanup());
    await eventually(() => p.stdout().includes('listening') || p.child.exitCode !== null, 'serve listening', 20_000);
    const send = async (method: string, url: string, headers: Record<string, string> = {}): Promise<Got> => {
      const r = await fetch(`http://127.0.0.1:${servePort}${url}`, { method, headers });
      const body = await r.text();
      return { what: `${method} ${url}`, status: r.status, type: r.headers.get('content-type') ?? '', body: `${JSON.stringify([...r.headers])}\n${body}` };
    };
    await expectKinds(async () => JSON.parse((await send('GET', '/api/health/detailed', auth)).body.split('\n').slice(1).join('\n')).checks);
    const got = await everyRoute(send);
    assertClean(t, got, 'serve');
    // A raw request with the token in odd places: the request line and a junk header.
    await new Promise<void>((resolve) => {
      const s = net.connect(servePort, '127.0.0.1', () =>
        s.end(`GET /api/health/detailed?token=${S.details} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`u:${S.details}`).toString('base64')}\r\nX-Leak: ${S.details}\r\nConnection: close\r\n\r\n`),
      );
      s.on('data', () => {});
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    p.child.kill('SIGTERM');
    t.equal(await p.exited, 0, 'serve exits 0 on SIGTERM');
    t.match(p.stdout(), /"level":"DEBUG"/, 'serve logged at debug');
    t.same(leaks(p.stdout()), [], 'no secret in serve stdout');
    t.same(leaks(p.stderr()), [], 'no secret in serve stderr');
  });
});
