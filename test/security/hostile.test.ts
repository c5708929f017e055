/**
 * Hostile input (issue 4 item 5, CONTRACT §4): tables of requests no honest
 * caller sends. Every answer is < 500 (the dependency here is healthy, so no
 * 503 is documented for any of them), every error is the one JSON shape with
 * no stack and no echo of a secret, and nothing a request carries makes the
 * service probe: only POST refresh with the right token may.
 */
import t from 'tap';
import { eventually, startApp, type TestApp } from '../support/app';
import { startRedis } from '../support/redis';
import { buildRequest, isErrorShape, rawRequest } from './wire';

const TOKEN = 'hostile-details-token-4b1e';
const BASE = '/api/health';
const ROUTES: Record<string, string[]> = {
  [BASE]: ['GET', 'HEAD'],
  [`${BASE}/detailed`]: ['GET', 'HEAD'],
  [`${BASE}/checks/cache`]: ['GET', 'HEAD'],
  [`${BASE}/refresh`]: ['POST'],
  [`${BASE}/readiness`]: ['GET', 'HEAD'],
  [`${BASE}/liveness`]: ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};
const auth = { authorization: `Bearer ${TOKEN}` };

interface Case {
  readonly name: string;
  readonly method?: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Expected status (or list of acceptable ones). */
  readonly status: number | number[];
  /** Strings the response must not contain (what the caller sent, say). */
  readonly noEcho?: string[];
}

async function sumRuns(h: TestApp): Promise<number> {
  const body = (await h.app.inject({ url: '/metrics' })).body;
  return [...body.matchAll(/^health_check_runs_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

t.test('hostile requests get 4xx JSON, never a stack or a probe', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  // An hour between probes: after the first run, any new run was caused by a request.
  const h = await startApp(
    `
server: { detailsToken: "${TOKEN}" }
defaults: { interval: 1h, timeout: 2s }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}" }
`,
    { REDIS_URL: redis.url },
  );
  t.teardown(() => h.close());
  await eventually(async () => (await h.app.inject({ url: `${BASE}/readiness` })).statusCode === 200, 'first probe done');
  const runsBefore = await sumRuns(h);
  t.equal(runsBefore, 1, 'exactly the start-up probe so far');

  const cases: Case[] = [];
  // Wrong methods on every route, with a valid token so auth is not why they fail.
  for (const [url, allowed] of Object.entries(ROUTES)) {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].filter((m) => !allowed.includes(m))) {
      cases.push({ name: `${method} ${url} is not a route`, method, url, headers: auth, status: [404, 405] });
    }
  }
  // Malformed Accept: still answered, in some JSON.
  for (const accept of ['*/*;q=abc', ','.repeat(10 * 1024), 'application/health+json;;;', 'APPLICATION/HEALTH+JSON', 'text/html', '\t', 'a/b/c/d']) {
    cases.push({ name: `detailed with Accept ${JSON.stringify(accept.slice(0, 30))}`, url: `${BASE}/detailed`, headers: { ...auth, accept }, status: 200 });
    cases.push({ name: `summary with Accept ${JSON.stringify(accept.slice(0, 30))}`, url: BASE, headers: { accept }, status: 200 });
  }
  // Tokens: every near miss is 401 and not echoed.
  const bad = [
    '', 'Bearer', 'Bearer ', `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}x`, `Bearer x${TOKEN}`, `Bearer ${TOKEN.toUpperCase()}`,
    `Bearer ${TOKEN} ${TOKEN}`, `Basic ${TOKEN}`, TOKEN, `Bearer ${'A'.repeat(16 * 1024)}`, `Bearer ${TOKEN.slice(0, 4)}`, 'Bearer \u0000',
    `Token ${TOKEN}`, `Bearer\t${TOKEN}x`, `Bearer ${Buffer.from(TOKEN).toString('base64')}`,
  ];
  for (const [i, authorization] of bad.entries()) {
    for (const [method, url] of [['GET', `${BASE}/detailed`], ['GET', `${BASE}/checks/cache`], ['POST', `${BASE}/refresh`]] as const) {
      cases.push({
        name: `${method} ${url} with bad token #${i}`,
        method,
        url,
        headers: authorization === '' ? {} : { authorization },
        status: 401,
        noEcho: [TOKEN, 'AAAAAAAAAAAAAAAA'],
      });
    }
  }
  // Path tricks.
  const paths: Array<[string, number | number[]]> = [
    [`${BASE}/checks/%2e%2e`, [400, 404]],
    [`${BASE}/checks/..`, [400, 404]],
    [`${BASE}/checks/%2e%2e%2fdetailed`, [400, 404]],
    [`/${BASE}`, [200, 404]],
    [`${BASE}/../metrics`, [200, 404]],
    [`${BASE}/checks/`, [400, 404]],
    [`${BASE}/checks/cache%00`, [400, 404]],
    [`${BASE}%00`, 404],
    [`${BASE}/checks/%zz`, 400],
    [`${BASE}/checks/${'a'.repeat(200)}`, [400, 404, 414]],
    [`${BASE}/${'x/'.repeat(3000)}`, 404],
    [`${BASE}/checks/a?exclude[]=x`, 404],
    [`${BASE}/checks/CACHE`, [400, 404]],
    [`${BASE}/checks/%F0%9F%92%A9`, [400, 404]],
    [`${BASE}/checks/__proto__`, [400, 404]],
    [`${BASE}/checks/constructor`, 404],
    [`${BASE}/detailed/`, [200, 404]],
    [`${BASE}/detailed;jsessionid=1`, [200, 404]],
  ];
  for (const [url, status] of paths) cases.push({ name: `path ${url.slice(0, 60)}`, url, headers: auth, status });
  // Query junk on readiness.
  const queries: Array<[string, number | number[]]> = [
    [Array.from({ length: 1000 }, () => 'exclude=cache').join('&'), 400],
    ['exclude[a]=b', [200, 400]],
    ['exclude=', 400],
    ['exclude=nope', 400],
    ['exclude=cache&exclude=cache', 200],
    [`verbose=${'v'.repeat(10 * 1024)}`, 400],
    [`exclude=${'c'.repeat(10 * 1024)}`, 400],
    ['verbose=%zz', [200, 400]],
    ['__proto__[x]=1&constructor[prototype][y]=2', [200, 400]],
    ['&&&===&&', [200, 400]],
  ];
  for (const [query, status] of queries) cases.push({ name: `readiness?${query.slice(0, 40)}`, url: `${BASE}/readiness?${query}`, status });
  // Bodies on refresh, with a valid token: parsing fails before the handler can probe.
  const json = { 'content-type': 'application/json' };
  const bodies: Array<[string, Record<string, string>, string, number]> = [
    ['a body over bodyLimit', json, JSON.stringify({ pad: 'x'.repeat(64 * 1024) }), 413],
    ['a JSON syntax error', json, '{"a": ', 400],
    ['JSON with __proto__', json, '{"__proto__": {"polluted": true}}', 400],
    ['an empty JSON body', json, '', 400],
    ['an unknown content type', { 'content-type': 'application/x-evil' }, 'abc', 415],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b', 415],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--', 415],
    ['a junk content type', { 'content-type': ';;;' }, 'abc', [400, 415] as unknown as number],
  ];
  for (const [what, headers, body, status] of bodies) {
    cases.push({ name: `refresh with ${what}`, method: 'POST', url: `${BASE}/refresh`, headers: { ...auth, ...headers }, body, status });
  }
  // Odd request ids are replaced, not echoed.
  for (const id of ['x'.repeat(129), 'has space', '<script>alert(1)</script>', '"quoted"', 'é', '../../etc/passwd%00']) {
    cases.push({ name: `X-Request-ID ${JSON.stringify(id.slice(0, 20))}`, url: `${BASE}/liveness`, headers: { 'x-request-id': id, 'x-trace-id': id }, status: 200, noEcho: [id] });
  }
  // HEAD and OPTIONS on every route.
  for (const url of Object.keys(ROUTES)) {
    if (ROUTES[url]!.includes('HEAD')) cases.push({ name: `HEAD ${url}`, method: 'HEAD', url, headers: auth, status: 200 });
  }

  for (const c of cases) {
    const res = await h.app.inject({
      method: (c.method ?? 'GET') as 'GET',
      url: c.url,
      headers: c.headers,
      ...(c.body !== undefined ? { payload: c.body } : {}),
    });
    const expected = Array.isArray(c.status) ? c.status : [c.status];
    const problems: string[] = [];
    if (!expected.includes(res.statusCode)) problems.push(`status ${res.statusCode}, expected ${expected.join('/')}`);
    if (res.statusCode >= 500) problems.push('a 5xx');
    if (res.statusCode >= 400 && c.method !== 'HEAD') {
      const shape = isErrorShape(res.body, res.statusCode);
      if (shape) problems.push(shape);
    }
    if (res.statusCode < 400 && c.method !== 'HEAD' && !String(res.headers['content-type']).startsWith('text/plain')) {
      try {
        JSON.parse(res.body);
      } catch {
        problems.push('a 2xx body that is not JSON');
      }
    }
    if (c.method === 'HEAD' && res.body !== '') problems.push('HEAD with a body');
    for (const s of c.noEcho ?? []) {
      if (res.body.includes(s) || JSON.stringify(res.headers).includes(s)) problems.push(`echoes ${JSON.stringify(s.slice(0, 30))}`);
    }
    if (res.statusCode === 401 && res.headers['www-authenticate'] === undefined) problems.push('401 without WWW-Authenticate');
    if (!/^[\w.:/+=-]{1,128}$/.test(String(res.headers['x-request-id']))) problems.push('no safe X-Request-ID');
    t.same(problems, [], `${c.name}: ${res.statusCode}`);
  }

  t.equal(await sumRuns(h), runsBefore, `${cases.length} hostile requests caused no probe`);
  t.notMatch(h.rawLogs(), TOKEN, 'the log never holds the token, not even the near misses');
  t.notMatch(h.rawLogs(), /"level":"ERROR"/, 'no request was logged as a server error');

  // The one request that may probe: refresh with the right token.
  const refresh = await h.app.inject({ method: 'POST', url: `${BASE}/refresh`, headers: auth });
  t.equal(refresh.statusCode, 200);
  t.equal(await sumRuns(h), runsBefore + 1, 'an authorised refresh probes once');
});

t.test('the token: only the exact value passes, whatever its length or prefix', async (t) => {
  const h = await startApp(`server: { detailsToken: "${TOKEN}" }\n`);
  t.teardown(() => h.close());
  const variants = new Set<string>();
  for (let i = 0; i <= TOKEN.length + 2; i++) variants.add(TOKEN.slice(0, i));
  for (let i = 0; i < TOKEN.length; i++) variants.add(TOKEN.slice(0, i) + String.fromCharCode(TOKEN.charCodeAt(i) ^ 1) + TOKEN.slice(i + 1));
  variants.add(`${TOKEN}${TOKEN}`);
  variants.add(`${TOKEN}=`);
  variants.delete(TOKEN);
  for (const v of variants) {
    const r = await h.app.inject({ url: `${BASE}/detailed`, headers: { authorization: `Bearer ${v}` } });
    t.equal(r.statusCode, 401, `"${v}" (${v.length} chars) -> 401`);
  }
  for (const ok of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer   ${TOKEN}  `]) {
    const r = await h.app.inject({ url: `${BASE}/detailed`, headers: { authorization: ok } });
    t.equal(r.statusCode, 200, `${JSON.stringify(ok)} -> 200`);
  }
});

t.test('over a real socket: what Node parses before Fastify sees it', async (t) => {
  const h = await startApp(`server: { detailsToken: "${TOKEN}" }\n`);
  t.teardown(() => h.close());
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as { port: number }).port;

  const cases: Array<{ name: string; req: Buffer | string; status: number | number[]; noEcho?: string }> = [
    { name: 'a 64 KiB header', req: buildRequest('GET', `${BASE}/liveness`, [['x-big', 'b'.repeat(64 * 1024)]]), status: 431 },
    { name: 'a 64 KiB token', req: buildRequest('GET', `${BASE}/detailed`, [['authorization', `Bearer ${'t'.repeat(64 * 1024)}`]]), status: 431 },
    { name: 'a 20 KiB path', req: buildRequest('GET', `${BASE}/${'p'.repeat(20 * 1024)}`), status: [414, 431] },
    { name: 'many headers', req: buildRequest('GET', `${BASE}/liveness`, Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v'] as const)), status: [200, 431] },
    { name: 'a bare CR in X-Request-ID', req: buildRequest('GET', `${BASE}/liveness`, [['x-request-id', 'a\rInjected: 1']]), status: 400 },
    { name: 'a NUL in a header', req: buildRequest('GET', `${BASE}/liveness`, [['x-request-id', 'a\u0000b']]), status: 400 },
    { name: 'a header with no colon', req: `GET ${BASE}/liveness HTTP/1.1\r\nHost: x\r\nnocolon\r\nConnection: close\r\n\r\n`, status: 400 },
    { name: 'a garbage request line', req: 'GARBAGE\r\n\r\n', status: 400 },
    { name: 'HTTP/9.9', req: `GET ${BASE}/liveness HTTP/9.9\r\nHost: x\r\n\r\n`, status: [400, 505] },
    { name: 'a space in the path', req: `GET ${BASE}/live ness HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, status: 400 },
    { name: 'raw UTF-8 in the path', req: buildRequest('GET', `${BASE}/checks/ünï💩`), status: [400, 404] },
    { name: 'a UTF-8 token', req: buildRequest('GET', `${BASE}/detailed`, [['authorization', 'Bearer tökén-💩']]), status: [400, 401] },
    { name: 'a lying Content-Length', req: `POST ${BASE}/refresh HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{}`, status: 408 },
    { name: 'both Content-Length and chunked', req: `POST ${BASE}/refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`, status: 400 },
    { name: 'a bad chunk size', req: `POST ${BASE}/refresh HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n`, status: 400 },
    { name: 'an absolute-form target', req: buildRequest('GET', `http://evil.example${BASE}/liveness`), status: [200, 400, 404] },
    { name: 'an asterisk target', req: buildRequest('OPTIONS', '*'), status: [400, 404] },
  ];
  for (const c of cases) {
    const res = await rawRequest(port, c.req, 15_000);
    const expected = Array.isArray(c.status) ? c.status : [c.status];
    t.ok(expected.includes(res.status), `${c.name}: ${res.status} in ${expected.join('/')}`);
    if (res.status >= 400) t.equal(isErrorShape(res.body, res.status), null, `${c.name}: the contract's error shape (${res.body.slice(0, 120)})`);
    t.notMatch(res.raw, /Injected|tökén/, `${c.name}: nothing echoed`);
  }
  // The server is still fine afterwards.
  const live = await fetch(`http://127.0.0.1:${port}${BASE}/liveness`);
  t.equal(live.status, 200);
});
