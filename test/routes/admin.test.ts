/**
 * The operator API (CONTRACT §4.7) through the real app: bearer auth
 * (constant-time compare, 401/403), bodies validated with a 400 naming the
 * field, 413 past 64 KiB, incidents with updates, maintenance windows and
 * their effects (§5.8), pagination, probe incidents in the same list, and
 * hidden checks kept out of every public answer.
 */
import t from 'tap';
import { startApp } from '../support/app';
import { AUTH, startOperatorApp, TOKEN } from './admin-support';
import { farHour } from '../support/cron';

const incident = { title: 'Payments are slow', status: 'investigating', message: 'We are looking into it.' };
const inHour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

t.test('auth: every write needs the admin bearer token', async (t) => {
  const { h } = await startOperatorApp(t);
  const cases: Array<{ name: string; headers: Record<string, string>; status: number }> = [
    { name: 'no Authorization header', headers: {}, status: 401 },
    { name: 'a wrong token', headers: { authorization: 'Bearer not-the-token' }, status: 401 },
    { name: 'a token one character short', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, status: 401 },
    { name: 'the right token under another scheme', headers: { authorization: `Basic ${TOKEN}` }, status: 401 },
    { name: 'the right token', headers: AUTH, status: 201 },
    { name: 'the right token, scheme in lower case', headers: { authorization: `bearer ${TOKEN}` }, status: 201 },
  ];
  for (const c of cases) {
    const res = await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: incident, headers: c.headers });
    t.equal(res.statusCode, c.status, c.name);
    if (c.status === 401) {
      t.equal(res.json().error, 'unauthorized');
      t.equal(res.headers['www-authenticate'], 'Bearer realm="health"');
    }
  }
  for (const [method, url] of [['POST', '/api/status/incidents/x/updates'], ['POST', '/api/status/maintenances'], ['DELETE', '/api/status/maintenances/x']] as const) {
    const res = await h.app.inject({ method, url, payload: {} });
    t.equal(res.statusCode, 401, `${method} ${url} without a token`);
  }
  t.notMatch(h.rawLogs(), TOKEN, 'the token is never logged');
  t.equal((await h.app.inject({ url: '/api/status/incidents' })).statusCode, 200, 'reads are public');
});

t.test('auth: with no adminToken configured, writes answer 403 admin_disabled whatever they carry', async (t) => {
  const h = await startApp('checks: []');
  t.teardown(() => h.close());
  for (const headers of [{}, { authorization: 'Bearer anything' }]) {
    const res = await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: incident, headers });
    t.equal(res.statusCode, 403);
    t.same(Object.keys(res.json()).sort(), ['error', 'message', 'status_code']);
    t.equal(res.json().error, 'admin_disabled');
  }
  t.equal((await h.app.inject({ url: '/api/status/incidents' })).statusCode, 200);
});

t.test('validation: each bad field is a 400 that names it', async (t) => {
  const { post } = await startOperatorApp(t);
  const cases: Array<{ name: string; url?: string; body: unknown; field: string }> = [
    { name: 'title missing', body: { status: 'investigating', message: 'm' }, field: 'title' },
    { name: 'title empty', body: { ...incident, title: '  ' }, field: 'title' },
    { name: 'title not a string', body: { ...incident, title: 5 }, field: 'title' },
    { name: 'title of 201 characters', body: { ...incident, title: 'x'.repeat(201) }, field: 'title' },
    { name: 'status missing', body: { title: 't', message: 'm' }, field: 'status' },
    { name: 'status unknown', body: { ...incident, status: 'postmortem' }, field: 'status' },
    { name: 'impact unknown', body: { ...incident, impact: 'catastrophic' }, field: 'impact' },
    { name: 'components not a list', body: { ...incident, components: 'up' }, field: 'components' },
    { name: 'an unknown component', body: { ...incident, components: ['up', 'nope'] }, field: 'components[1]' },
    { name: 'a component twice', body: { ...incident, components: ['up', 'up'] }, field: 'components[1]' },
    { name: 'message missing', body: { title: 't', status: 'investigating' }, field: 'message' },
    { name: 'message of 5,001 characters', body: { ...incident, message: 'é'.repeat(5_001) }, field: 'message' },
    { name: 'message with a control character', body: { ...incident, message: 'bell \u0007' }, field: 'message' },
    { name: 'an unknown field', body: { ...incident, mesage: 'typo' }, field: 'mesage' },
    { name: 'a list instead of an object', body: [incident], field: 'body' },
    { name: 'update: status missing', url: 'updates', body: { message: 'm' }, field: 'status' },
    { name: 'update: message too long', url: 'updates', body: { status: 'identified', message: 'x'.repeat(5_001) }, field: 'message' },
    { name: 'window: components missing', url: '/api/status/maintenances', body: { title: 'w', starts_at: inHour(1), ends_at: inHour(2) }, field: 'components' },
    { name: 'window: no components', url: '/api/status/maintenances', body: { title: 'w', components: [], starts_at: inHour(1), ends_at: inHour(2) }, field: 'components' },
    { name: 'window: an unknown component', url: '/api/status/maintenances', body: { title: 'w', components: ['nope'], starts_at: inHour(1), ends_at: inHour(2) }, field: 'components[0]' },
    { name: 'window: starts_at not ISO', url: '/api/status/maintenances', body: { title: 'w', components: ['up'], starts_at: 'tomorrow', ends_at: inHour(2) }, field: 'starts_at' },
    { name: 'window: a time without a zone', url: '/api/status/maintenances', body: { title: 'w', components: ['up'], starts_at: '2030-01-01T03:00:00', ends_at: inHour(2) }, field: 'starts_at' },
    { name: 'window: ends before it starts', url: '/api/status/maintenances', body: { title: 'w', components: ['up'], starts_at: inHour(2), ends_at: inHour(1) }, field: 'ends_at' },
    { name: 'window: longer than 31 days', url: '/api/status/maintenances', body: { title: 'w', components: ['up'], starts_at: inHour(1), ends_at: inHour(1 + 31 * 24 + 1) }, field: 'ends_at' },
    { name: 'window: already over', url: '/api/status/maintenances', body: { title: 'w', components: ['up'], starts_at: inHour(-3), ends_at: inHour(-2) }, field: 'ends_at' },
  ];
  const created = (await post('/api/status/incidents', incident)).json();
  for (const c of cases) {
    const url = c.url === 'updates' ? `/api/status/incidents/${created.id}/updates` : (c.url ?? '/api/status/incidents');
    const res = await post(url, c.body);
    t.equal(res.statusCode, 400, `${c.name}: 400`);
    const body = res.json();
    t.equal(body.error, 'bad_request');
    t.ok(body.message.startsWith(`${c.field}: `), `${c.name}: names ${c.field} (${body.message})`);
  }
  t.equal((await post('/api/status/incidents', { ...incident, message: 'é'.repeat(5_000), title: 'x'.repeat(200) })).statusCode, 201, 'exactly at the limits is fine');
  const window = await post('/api/status/maintenances', { title: 'w', components: ['up'], starts_at: inHour(1), ends_at: inHour(1 + 31 * 24) });
  t.equal(window.statusCode, 201, 'exactly 31 days is fine');
});

t.test('bodies: up to 64 KiB are read, one byte more is a 413; malformed JSON is a 400', async (t) => {
  const { h } = await startOperatorApp(t);
  const sized = (bytes: number) => {
    const head = JSON.stringify({ ...incident, message: '' }).slice(0, -2);
    return `${head}${' '.repeat(bytes - head.length - 2)}"}`;
  };
  const send = (payload: string) =>
    h.app.inject({ method: 'POST', url: '/api/status/incidents', payload, headers: { ...AUTH, 'content-type': 'application/json' } });
  t.equal(Buffer.byteLength(sized(64 * 1024 + 1)), 64 * 1024 + 1);
  const over = await send(sized(64 * 1024 + 1));
  t.equal(over.statusCode, 413);
  t.equal(over.json().status_code, 413);
  const at = await send(sized(64 * 1024));
  t.equal(at.statusCode, 400, '64 KiB exactly is read (and then refused for its 5,000+ character message)');
  t.match(at.json().message, /^message: /);
  const broken = await send('{"title": ');
  t.equal(broken.statusCode, 400);
  const anonymous = await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: sized(64 * 1024 + 1), headers: { 'content-type': 'application/json' } });
  t.equal(anonymous.statusCode, 401, 'an anonymous caller is refused before its body is read');
});

t.test('incidents: create, update, resolve, reopen; default impact from the components; events', async (t) => {
  const { h, get, post } = await startOperatorApp(t);
  const events: string[] = [];
  h.app.health.operator!.onEvent((e) => events.push(`${e.kind} ${e.action}${e.dedupe ? ' (dedupe)' : ''}`));

  const res = await post('/api/status/incidents', { ...incident, components: ['down', 'up'] });
  t.equal(res.statusCode, 201);
  const created = res.json();
  t.same(Object.keys(created).sort(), ['components', 'created_at', 'id', 'impact', 'resolved_at', 'source', 'started_at', 'status', 'title', 'updated_at', 'updates']);
  t.match(created, { title: incident.title, status: 'investigating', source: 'operator', components: ['down', 'up'], resolved_at: null });
  t.equal(created.impact, 'major', 'a critical component in error: major');
  t.equal(created.updates.length, 1);
  t.same(Object.keys(created.updates[0]).sort(), ['created_at', 'id', 'message', 'status']);
  t.equal((await post('/api/status/incidents', { ...incident, components: ['soft'] })).json().impact, 'minor', 'a non-critical one in error: minor');
  t.equal((await post('/api/status/incidents', { ...incident, components: ['up'] })).json().impact, 'none', 'all fine: none');
  t.equal((await post('/api/status/incidents', { ...incident, components: ['up'], impact: 'critical' })).json().impact, 'critical', 'an explicit impact wins');

  const resolved = await post(`/api/status/incidents/${created.id}/updates`, { status: 'resolved', message: 'Fixed.' });
  t.equal(resolved.statusCode, 201);
  t.equal(resolved.json().status, 'resolved');
  t.type(resolved.json().resolved_at, 'string');
  t.same(resolved.json().updates.map((u: any) => u.status), ['investigating', 'resolved'], 'updates oldest first');
  const reopened = (await post(`/api/status/incidents/${created.id}/updates`, { status: 'identified', message: 'It is back.' })).json();
  t.equal(reopened.resolved_at, null, 'a later non-resolved update reopens it');
  t.equal((await post('/api/status/incidents/nosuchid/updates', { status: 'resolved', message: 'x' })).statusCode, 404);

  const one = await get(`/api/status/incidents/${created.id}`);
  t.equal(one.statusCode, 200);
  t.equal(one.json().updates.length, 3);
  t.equal((await get('/api/status/incidents/nosuchid')).statusCode, 404);
  t.same(events.slice(0, 5), ['incident created', 'incident created', 'incident created', 'incident created', 'incident updated']);
  t.notOk(events.some((e) => e.startsWith('incident') && e.endsWith('(dedupe)')), 'incident events come from the writer only: no dedupe key');
});

t.test('lists: newest first, ?limit, ?before, ?state, ?source; probe incidents in the same shape; hidden checks absent', async (t) => {
  const { get, post } = await startOperatorApp(t);
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    const body = (await post('/api/status/incidents', { ...incident, title: `incident ${i}`, components: ['up', 'secret-db'] })).json();
    ids.unshift(body.id);
    if (i % 5 === 0) await post(`/api/status/incidents/${body.id}/updates`, { status: 'resolved', message: 'done' });
  }
  const list = async (query: string) => {
    const res = await get(`/api/status/incidents${query}`);
    t.equal(res.statusCode, 200, query);
    return res.json().incidents as any[];
  };
  const operatorOnly = await list('?source=operator&limit=100');
  t.same(operatorOnly.map((i) => i.id), ids, 'newest first');
  t.ok(operatorOnly.every((i) => !i.components.includes('secret-db')), 'a hidden check is not named publicly');
  t.equal((await list('?source=operator')).length, 20, 'default limit 20');
  t.same((await list('?source=operator&limit=5')).map((i) => i.id), ids.slice(0, 5));
  t.same((await list(`?source=operator&limit=5&before=${ids[4]}`)).map((i) => i.id), ids.slice(5, 10), '?before continues after that id');
  t.equal((await list('?source=operator&state=resolved')).length, 5);
  t.ok((await list('?source=operator&state=unresolved&limit=100')).every((i) => i.status !== 'resolved'));
  for (const bad of ['?limit=101', '?limit=0', '?limit=abc', '?state=open', '?source=robot', '?before=nosuch']) {
    const res = await get(`/api/status/incidents${bad}`);
    t.equal(res.statusCode, 400, `${bad}: 400`);
    t.match(res.json().message, new RegExp(`^${bad.slice(1).split('=')[0]}: `));
  }

  const probe = await list('?source=probe&limit=100');
  t.same(probe.map((i) => i.components[0]).sort(), ['down', 'soft'], 'the failing public checks have probe incidents; the hidden one does not');
  for (const p of probe) {
    t.equal(p.source, 'probe');
    t.equal(p.status, 'investigating', 'open: investigating');
    t.match(p.id, /^probe-/);
    t.notMatch(JSON.stringify(p), /refused|127\.0\.0\.1/, 'no error text or host');
    t.equal((await get(`/api/status/incidents/${p.id}`)).json().id, p.id, 'one probe incident by id');
  }
  t.equal(probe.find((i) => i.components[0] === 'down').impact, 'major');
  const all = await list('?limit=100');
  t.equal(all.length, 27, 'both sources together');
  t.notOk(JSON.stringify(all).includes('secret-db'));
});

t.test('maintenance: scheduled, listed, effective at once (detailed entry, metrics, v2), cancelled', async (t) => {
  const { h, get, post } = await startOperatorApp(t, {
    // Recurring windows that are never open while the test runs.
    extra: `maintenance:\n  - { name: nightly, checks: [down], schedule: "0 ${farHour('Europe/Berlin')} * * *", duration: 30m, timezone: Europe/Berlin }\n  - { name: hidden-only, checks: [secret-db], schedule: "0 ${farHour()} * * *", duration: 10m }`,
  });
  const events: Array<{ action: string; dedupe?: string }> = [];
  h.app.health.operator!.onEvent((e) => e.kind === 'maintenance' && events.push({ action: e.action, dedupe: e.dedupe }));

  const upcoming = (await post('/api/status/maintenances', { title: 'DB upgrade', components: ['up'], starts_at: inHour(1), ends_at: inHour(2), message: 'Planned.' })).json();
  t.match(upcoming, { title: 'DB upgrade', status: 'upcoming', source: 'operator', components: ['up'], message: 'Planned.' });
  const active = await post('/api/status/maintenances', { title: 'Payments maintenance', components: ['down'], starts_at: inHour(-1), ends_at: inHour(1) });
  t.equal(active.statusCode, 201);
  t.equal(active.json().status, 'active');

  const listed = (await get('/api/status/maintenances')).json().maintenances as any[];
  t.same(listed.map((w) => w.title).sort(), ['DB upgrade', 'Payments maintenance', 'nightly'], 'one-off and the next occurrence of each recurring window; hidden-only absent');
  const nightly = listed.find((w) => w.title === 'nightly');
  t.equal(nightly.source, 'config');
  t.same((await get('/api/status/maintenances?state=active')).json().maintenances.map((w: any) => w.title), ['Payments maintenance']);
  t.equal((await get('/api/status/maintenances?state=soon')).statusCode, 400);

  const detailed = (await get('/api/health/detailed')).json();
  t.equal(detailed.checks.down.maintenance, true, 'the detailed entry says maintenance');
  t.equal(detailed.checks.down.status, 'error', 'and still tells the truth');
  t.notOk('maintenance' in detailed.checks.up, 'absent outside a window');
  t.equal((await get('/api/health/checks/down')).json().maintenance, true);
  const metrics = (await get('/metrics')).body;
  t.match(metrics, /health_check_in_maintenance\{check="down"\} 1/);
  t.match(metrics, /health_check_in_maintenance\{check="up"\} 0/);
  const v2 = (await get('/api/v2/components.json')).json().components as any[];
  t.equal(v2.find((c) => c.id === 'down').status, 'under_maintenance');
  t.equal((await get('/api/v2/status.json')).json().status.indicator, 'minor', 'the critical check in error is under maintenance: only the non-critical failure counts (minor, not major)');

  t.same(events.map((e) => e.action), ['scheduled', 'scheduled', 'started']);
  t.equal(events[2]!.dedupe, `maintenance:started:${active.json().id}`, 'a timer event carries its cluster-wide key');

  t.equal((await h.app.inject({ method: 'DELETE', url: `/api/status/maintenances/${active.json().id}`, headers: AUTH })).statusCode, 204);
  t.equal((await h.app.inject({ method: 'DELETE', url: `/api/status/maintenances/${active.json().id}`, headers: AUTH })).statusCode, 404);
  t.equal((await h.app.inject({ method: 'DELETE', url: `/api/status/maintenances/${nightly.id}`, headers: AUTH })).statusCode, 404, 'a recurring window cannot be cancelled through the API');
  t.notOk('maintenance' in (await get('/api/health/detailed')).json().checks.down, 'cancelled: no longer in maintenance');
  t.same(events.map((e) => e.action).slice(3).sort(), ['cancelled', 'ended']);
});

t.test('statusPage.enabled=false: the operator API, v2, feeds and badges answer 404', async (t) => {
  const h = await startApp(`server: { adminToken: ${TOKEN} }\nstatusPage: { enabled: false }\nchecks: []`);
  t.teardown(() => h.close());
  for (const url of ['/api/status/incidents', '/api/status/maintenances', '/api/v2/summary.json', '/api/v2/status.json', '/status/history.atom', '/status/history.rss', '/api/status/badges/x.svg']) {
    t.equal((await h.app.inject({ url })).statusCode, 404, url);
  }
  t.equal((await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: incident, headers: AUTH })).statusCode, 404);
});

t.test('the public reads carry CORS for corsOrigins only, like /api/status', async (t) => {
  const { h } = await startOperatorApp(t, { server: `{ adminToken: ${TOKEN}, corsOrigins: ["https://status.example.com"] }` });
  const created = await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: incident, headers: AUTH });
  t.equal(created.statusCode, 201);
  const reads = ['/api/status/incidents', `/api/status/incidents/${created.json().id}`, '/api/status/maintenances'];
  for (const url of reads) {
    const allowed = await h.app.inject({ url, headers: { origin: 'https://status.example.com' } });
    t.equal(allowed.statusCode, 200, url);
    t.equal(allowed.headers['access-control-allow-origin'], 'https://status.example.com', `${url}: the configured origin`);
    t.match(allowed.headers.vary, /Origin/, `${url}: Vary: Origin`);
    const other = await h.app.inject({ url, headers: { origin: 'https://evil.example.net' } });
    t.notOk(other.headers['access-control-allow-origin'], `${url}: any other origin gets none`);
    t.match(other.headers.vary, /Origin/);
  }
  const write = await h.app.inject({ method: 'POST', url: '/api/status/incidents', payload: incident, headers: { ...AUTH, origin: 'https://status.example.com' } });
  t.notOk(write.headers['access-control-allow-origin'], 'writes are not shared across origins');
});
