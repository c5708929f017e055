/**
 * What the status page says and what it costs, through the real routes with
 * a real result store, memory history and an in-memory OperatorStore:
 * "checking" before results, operator incidents first, resolved looks
 * resolved, maintenance shown as such, pagination, hidden checks absent,
 * the page switched off, ETag/304, compression, and quiet access logs.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { parseConfig } from '../../src/config';
import type { HealthContext } from '../../src/context';
import { installErrorHandling } from '../../src/http/hooks';
import { statusRoutes } from '../../src/routes/status';
import { feedHistory } from '../../src/status/history/feed';
import { createMemoryHistory } from '../../src/status/history/memory';
import { createResultStore } from '../../src/store/store';
import { createMemoryOperator } from '../status/memory-operator';
import { startApp } from '../support/app';

const YAML = `
statusPage: { title: "Acme status", description: "Acme's <public> services", hidden: [secret-db] }
checks:
  - { name: db, type: tcp, host: 127.0.0.1, port: 1, displayName: Database, group: Core }
  - { name: cache, type: tcp, host: 127.0.0.1, port: 1, displayName: Cache, group: Core, critical: false }
  - { name: secret-db, type: tcp, host: 127.0.0.1, port: 1, displayName: Reporting DB }
`;

async function setup(t: Test, yaml = YAML) {
  const config = parseConfig(yaml, {}, 'test.yml');
  const store = createResultStore(config.checks);
  const history = createMemoryHistory(config.checks.map((c) => c.name));
  feedHistory(store, history);
  const operator = createMemoryOperator();
  const ctx = { config, store, history, operator } as unknown as HealthContext;
  const app = Fastify();
  installErrorHandling(app);
  await app.register(statusRoutes, { ctx, probePaths: new Set<string>(), bodyTtlMs: 0 });
  t.teardown(() => app.close());
  const result = (name: string, status: 'ok' | 'error' | 'degraded') =>
    store.record(name, { status, error: status === 'error' ? 'connection refused' : null, errorKind: status === 'error' ? 'refused' : null, details: {}, durationMs: 2, checkedAt: Date.now() });
  const api = async (query = '') => JSON.parse((await app.inject({ url: `/api/status${query}` })).body) as Record<string, any>;
  const page = async (query = '') => (await app.inject({ url: `/status${query}` })).body;
  return { app, store, operator, result, api, page };
}

t.test('before the first results the page says checking, never major outage', async (t) => {
  const { api, page, result } = await setup(t);
  const s = await api();
  t.equal(s.state, 'checking');
  t.same(s.components.map((c: any) => c.checked), [false, false]);
  const html = await page();
  t.match(html, /<title>Checking systems… · Acme status<\/title>/);
  t.match(html, /class="banner checking"/);
  const content = html.slice(html.indexOf('<div id="content">'), html.indexOf('<div id="live"'));
  t.notMatch(content.replace(/<div class="legend"[\s\S]*?<\/div>/, ''), /outage/i, 'no outage said for want of data');
  result('db', 'ok');
  t.equal((await api()).state, 'operational', 'the critical check answered; a non-critical one still checking does not hold the page');
  t.match(await page(), /Checking…/, 'the component itself still says checking');
});

t.test('the first paint is the current state, rendered on the server: title, description escaped, components, bars, zone-marked times', async (t) => {
  const { page, result } = await setup(t);
  result('db', 'ok');
  result('cache', 'error');
  const html = await page();
  t.match(html, /<title>Partial outage · Acme status<\/title>/);
  t.match(html, /<h1>Acme status<\/h1><p class="description">Acme&#39;s &lt;public&gt; services<\/p>/);
  t.match(html, /<span class="name">Database<\/span><span class="state ok" data-name="db">Operational<\/span>/);
  t.match(html, /<span class="name">Cache<\/span><span class="state error" data-name="cache">Outage<\/span>/);
  t.match(html, /role="slider"[^>]*aria-valuetext="last hour: outage"/, 'bars are one keyboard stop with a text value');
  t.match(html, /<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/, 'times carry their zone');
  t.match(html, /<link rel="icon" id="favicon" type="image\/svg\+xml" href="data:image\/svg\+xml,/);
  t.match(html, /<noscript><meta http-equiv="refresh" content="60"><\/noscript>/, 'without JS the page refreshes itself');
});

t.test('hidden checks appear nowhere public', async (t) => {
  const { app, result, api, page } = await setup(t);
  result('secret-db', 'error');
  result('db', 'ok');
  result('cache', 'ok');
  const s = await api();
  t.same(s.components.map((c: any) => c.name), ['db', 'cache']);
  t.equal(s.state, 'operational', 'its outage does not colour the page');
  t.equal(s.status, 'ok');
  for (const text of [JSON.stringify(s), await page(), (await app.inject({ url: '/status?fragment=1' })).body]) {
    t.notMatch(text, /secret-db|Reporting DB/);
  }
});

t.test('operator incidents stand first among ongoing ones; resolved ones look resolved; maintenance says so', async (t) => {
  const { operator, result, api, page } = await setup(t);
  result('db', 'ok');
  result('cache', 'ok');
  result('cache', 'error');
  result('cache', 'error');
  const written = operator.createIncident({ title: 'Payments <slow>', status: 'identified', impact: 'major', components: ['db', 'secret-db'], message: 'We found it.\nFixing.' });
  const old = operator.createIncident({ title: 'Old trouble', status: 'investigating', message: 'Looking', at: Date.now() - 3_600_000 });
  operator.update(old.id, { status: 'resolved', message: 'Fixed' });
  const s = await api();
  t.same(s.ongoing.map((i: any) => i.source), ['operator', 'probe'], 'operator-written first, then the probe incident');
  t.match(s.ongoing[0], { id: written.id, title: 'Payments <slow>', status: 'identified', impact: 'major', resolved: false, components: ['Database'] });
  t.equal(s.state, 'partial_outage', "the operator's major impact counts");
  const resolved = s.incidents.find((i: any) => i.id === old.id);
  t.match(resolved, { resolved: true, status: 'resolved' });
  t.same(resolved.updates.map((u: any) => u.message), ['Fixed', 'Looking'], 'updates newest first');

  const html = await page();
  const ongoingAt = html.indexOf('id="ongoing"');
  t.ok(ongoingAt > 0 && ongoingAt < html.indexOf('id="groups"'), 'ongoing incidents stand above the components');
  t.ok(html.indexOf(written.id) < html.indexOf('probe-cache-'), 'operator first');
  t.match(html, /Payments &lt;slow&gt;<span class="badge ongoing">Identified<\/span>/, 'escaped, with its workflow status');
  t.match(html, new RegExp(`<li class="incident resolved" data-id="${old.id}"[^>]*><h3>Old trouble<span class="badge">Resolved</span>`), 'resolved has the resolved look and badge');
  t.notMatch(html, /secret-db|Reporting DB/);

  operator.schedule({ title: 'DB upgrade', components: ['db'], starts_at: Date.now() - 60_000, ends_at: Date.now() + 3_600_000, message: 'Planned.' });
  const m = await api();
  t.equal(m.components[0].maintenance, true);
  t.match(m.maintenances, [{ title: 'DB upgrade', status: 'active', components: ['Database'] }]);
  t.match(await page(), /<span class="state maintenance" data-name="db">Under maintenance<\/span>/);
});

t.test('incident lists are paginated newest first with ?limit= and ?before=, in JSON and in the page', async (t) => {
  const { operator, api, page, app } = await setup(t);
  for (let i = 0; i < 5; i += 1) operator.createIncident({ title: `Incident ${i}`, status: 'resolved', message: 'x', at: Date.now() - (10 - i) * 60_000 });
  const first = await api('?limit=2');
  t.same(first.incidents.map((i: any) => i.title), ['Incident 4', 'Incident 3']);
  t.equal(first.incidents_next, first.incidents[1].id);
  const second = await api(`?limit=2&before=${first.incidents_next}`);
  t.same(second.incidents.map((i: any) => i.title), ['Incident 2', 'Incident 1']);
  const last = await api(`?limit=2&before=${second.incidents_next}`);
  t.same(last.incidents.map((i: any) => i.title), ['Incident 0']);
  t.equal(last.incidents_next, null);
  t.match(await page('?limit=2'), new RegExp(`<a href="status\\?before=${first.incidents_next}" rel="next">Older incidents</a>`), 'a link that works without JS');
  for (const q of ['?limit=0', '?limit=101', '?limit=abc']) {
    const res = await app.inject({ url: `/api/status${q}` });
    t.equal(res.statusCode, 400, `${q} is a 400`);
    t.match(JSON.parse(res.body), { error: 'bad_request', status_code: 400 });
  }
});

t.test('ETag and 304, short public caching, gzip and brotli made once per change', async (t) => {
  const { app, result } = await setup(t);
  result('db', 'ok');
  result('cache', 'ok');
  const first = await app.inject({ url: '/api/status' });
  const etag = String(first.headers.etag);
  t.match(etag, /^"[\w-]+"$/);
  t.match(first.headers['cache-control'], /public, max-age=5, stale-while-revalidate=30, stale-if-error=300/);
  const again = await app.inject({ url: '/api/status', headers: { 'if-none-match': etag } });
  t.equal(again.statusCode, 304, 'the client has it: 304');
  t.equal(again.body, '');
  const gz = await app.inject({ url: '/api/status', headers: { 'accept-encoding': 'gzip' } });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.match(gz.headers.vary, /Accept-Encoding/);
  t.same(JSON.parse(gunzipSync(gz.rawPayload).toString()).components, JSON.parse(first.body).components);
  t.ok(gz.rawPayload.length < first.body.length / 2, `gzip ${gz.rawPayload.length} B vs ${first.body.length} B`);
  const br = await app.inject({ url: '/api/status', headers: { 'accept-encoding': 'gzip, br' } });
  t.equal(br.headers['content-encoding'], 'br');
  t.same(JSON.parse(brotliDecompressSync(br.rawPayload).toString()).status, 'ok');
  t.equal((await app.inject({ url: '/api/status', headers: { 'accept-encoding': 'gzip;q=0' } })).headers['content-encoding'], undefined, 'q=0 refuses');
  const html = await app.inject({ url: '/status', headers: { 'accept-encoding': 'gzip' } });
  t.equal(html.headers['content-encoding'], 'gzip', 'the page is compressed too');
  t.equal((await app.inject({ url: '/status', headers: { 'if-none-match': String(html.headers.etag) } })).statusCode, 304);
  result('db', 'error');
  result('db', 'error');
  t.not((await app.inject({ url: '/api/status' })).headers.etag, etag, 'a status change changes the ETag');
  const icon = await app.inject({ url: '/favicon.ico' });
  t.equal(icon.statusCode, 200);
  t.match(icon.headers['content-type'], /^image\/svg\+xml/);
  t.match(icon.body, /^<svg [^>]*><circle [^>]*fill="#cf222e"/, 'the favicon shows the outage');
});

t.test('statusPage.enabled: false answers 404 for every status route; status requests log at DEBUG', async (t) => {
  const off = await startApp('statusPage: { enabled: false }\nchecks: []\n');
  t.teardown(() => off.close());
  for (const url of ['/status', '/api/status', '/api/status/stream', '/favicon.ico']) {
    t.equal((await off.app.inject({ url })).statusCode, 404, `${url} 404`);
  }
  const on = await startApp('checks: []\n');
  t.teardown(() => on.close());
  await on.app.inject({ url: '/api/status' });
  await on.app.inject({ url: '/status' });
  const lines = on.logs().filter((l) => l.message === 'request completed' && /^\/(api\/)?status/.test(String((l.context as any)?.route)));
  t.equal(lines.length, 2);
  t.ok(lines.every((l) => l.level === 'DEBUG'), 'status-page requests log below INFO');
});
