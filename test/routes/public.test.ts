/**
 * What outside readers consume, through the real app: the Statuspage-
 * compatible /api/v2/* (every field name pinned, every enum checked),
 * the Atom and RSS feeds (parsed as XML, required elements present, an
 * operator's "<script>" kept as text) and the SVG badges and shields.io
 * endpoint (parsed as SVG).
 */
import t, { type Test } from 'tap';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AUTH, startOperatorApp } from './admin-support';
import { farWeekday } from '../support/cron';

const inHour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const keys = (o: object) => Object.keys(o).sort();
const PAGE_KEYS = ['id', 'name', 'time_zone', 'updated_at', 'url'];
const COMPONENT_KEYS = ['created_at', 'description', 'group', 'group_id', 'id', 'name', 'only_show_if_degraded', 'page_id', 'position', 'showcase', 'start_date', 'status', 'updated_at'];
const INCIDENT_KEYS = ['components', 'created_at', 'id', 'impact', 'incident_updates', 'monitoring_at', 'name', 'page_id', 'resolved_at', 'shortlink', 'started_at', 'status', 'updated_at'];
const UPDATE_KEYS = ['affected_components', 'body', 'created_at', 'display_at', 'id', 'incident_id', 'status', 'updated_at'];
const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
const XSS = 'Root cause: </content><script>alert(1)</script> ]]> & "quotes"';

async function setup(t: Test) {
  const harness = await startOperatorApp(t, {
    extra: `  - { name: escaped, type: tcp, host: 127.0.0.1, port: 9, displayName: "R&D <api>", critical: false }\nmaintenance:\n  - { name: weekly, checks: [soft], schedule: "0 4 * * ${farWeekday()}", duration: 1h }`,
  });
  const { post } = harness;
  const created = (await post('/api/status/incidents', { title: 'Checkout <errors>', status: 'investigating', impact: 'minor', components: ['up', 'secret-db'], message: XSS })).json();
  await post(`/api/status/incidents/${created.id}/updates`, { status: 'monitoring', message: 'A fix is out.' });
  await post('/api/status/incidents', { title: 'Old one', status: 'resolved', components: ['up'], message: 'Done.' });
  await post('/api/status/maintenances', { title: 'Upgrade', components: ['up', 'secret-db'], starts_at: inHour(2), ends_at: inHour(3), message: 'Planned work.' });
  await post('/api/status/maintenances', { title: 'Now', components: ['down'], starts_at: inHour(-1), ends_at: inHour(1) });
  return { ...harness, created };
}

t.test('/api/v2/*: Statuspage field names and enums', async (t) => {
  const { get, created } = await setup(t);
  const body = async (path: string) => {
    const res = await get(`/api/v2/${path}`);
    t.equal(res.statusCode, 200, path);
    t.match(res.headers['content-type'], /^application\/json/);
    t.equal(res.headers['access-control-allow-origin'], '*', 'any widget may read it, like Statuspage');
    return res.json();
  };

  const status = await body('status.json');
  t.same(keys(status), ['page', 'status']);
  t.same(keys(status.page), PAGE_KEYS);
  t.match(status.page, { name: 'Example status', url: 'https://status.example.com', time_zone: 'Etc/UTC' });
  t.match(status.page.id, /^[a-z0-9]{12}$/);
  t.same(keys(status.status), ['description', 'indicator']);
  // down is critical but under maintenance; soft (non-critical) and escaped are in error -> minor; the incident is minor.
  t.same(status.status, { indicator: 'minor', description: 'Minor Service Outage' });

  const components = (await body('components.json')).components as any[];
  t.notOk(components.some((c) => c.id === 'secret-db' || c.name === 'secret-db'), 'a hidden check is absent');
  for (const c of components) {
    t.same(keys(c).filter((k) => k !== 'components'), COMPONENT_KEYS, `${c.name}: Statuspage's component fields`);
    t.ok(COMPONENT_STATUSES.includes(c.status), `${c.name}: ${c.status} is a Statuspage status`);
    t.equal(c.page_id, status.page.id);
  }
  const byId = new Map(components.map((c) => [c.id, c]));
  t.equal(byId.get('up').status, 'operational');
  t.equal(byId.get('down').status, 'under_maintenance');
  t.equal(byId.get('soft').status, 'partial_outage', 'a non-critical check in error');
  t.equal(byId.get('up').name, 'Public API', 'the display name');
  const groups = components.filter((c) => c.group);
  t.same(groups.map((g) => [g.name, g.components]), [['Core', ['up']], ['Services', ['down', 'soft', 'escaped']]], 'one group component per group, listing its members');
  t.equal(byId.get('up').group_id, groups[0].id);
  t.equal(groups[1].status, 'partial_outage', 'a group shows its worst member (an outage outranks maintenance)');
  t.same(components.map((c) => c.position), components.map((_, i) => i + 1));

  const incidents = (await body('incidents.json')).incidents as any[];
  t.ok(incidents.length >= 4, 'operator and probe incidents');
  for (const i of incidents) {
    t.same(keys(i), INCIDENT_KEYS, `${i.name}: Statuspage's incident fields`);
    t.ok(['investigating', 'identified', 'monitoring', 'resolved'].includes(i.status));
    t.ok(['none', 'minor', 'major', 'critical'].includes(i.impact));
    for (const u of i.incident_updates) t.same(keys(u), UPDATE_KEYS);
    for (const c of i.components) t.same(keys(c), COMPONENT_KEYS);
  }
  const mine = incidents.find((i) => i.id === created.id);
  t.equal(mine.name, 'Checkout <errors>', 'JSON carries the text as written');
  t.equal(mine.status, 'monitoring');
  t.type(mine.monitoring_at, 'string');
  t.same(mine.incident_updates.map((u: any) => u.status), ['monitoring', 'investigating'], 'updates newest first, as Statuspage lists them');
  t.equal(mine.incident_updates[1].body, XSS);
  t.same(mine.components.map((c: any) => c.id), ['up'], 'the hidden component is not named');
  t.equal(mine.shortlink, `https://status.example.com/status#incident-${created.id}`);
  const probe = incidents.filter((i) => i.id.startsWith('probe-'));
  t.ok(probe.length >= 2);
  t.ok(probe.every((i) => i.status === 'investigating'), 'open probe incidents: investigating');

  const unresolved = (await body('incidents/unresolved.json')).incidents as any[];
  t.notOk(unresolved.some((i) => i.status === 'resolved'));
  t.ok(unresolved.some((i) => i.id === created.id));

  const maintenanceKeys = [...INCIDENT_KEYS, 'scheduled_for', 'scheduled_until'].sort();
  const all = (await body('scheduled-maintenances.json')).scheduled_maintenances as any[];
  t.same(all.map((m) => m.name).sort(), ['Now', 'Upgrade', 'weekly']);
  for (const m of all) {
    t.same(keys(m), maintenanceKeys, `${m.name}: the incident fields plus scheduled_for/until`);
    t.ok(['scheduled', 'in_progress', 'verifying', 'completed'].includes(m.status));
    t.equal(m.impact, 'maintenance');
    for (const u of m.incident_updates) t.same(keys(u), UPDATE_KEYS);
  }
  const upcoming = (await body('scheduled-maintenances/upcoming.json')).scheduled_maintenances as any[];
  t.same(upcoming.map((m) => [m.name, m.status]).sort(), [['Upgrade', 'scheduled'], ['weekly', 'scheduled']]);
  t.same(upcoming.find((m) => m.name === 'Upgrade').components.map((c: any) => c.id), ['up']);
  const active = (await body('scheduled-maintenances/active.json')).scheduled_maintenances as any[];
  t.same(active.map((m) => [m.name, m.status]), [['Now', 'in_progress']]);

  const summary = await body('summary.json');
  t.same(keys(summary), ['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
  t.same(summary.status, status.status);
  t.same(summary.components, components);
  t.same(summary.incidents.map((i: any) => i.id).sort(), unresolved.map((i) => i.id).sort(), 'summary lists the unresolved incidents');
  t.same(summary.scheduled_maintenances.map((m: any) => m.name).sort(), ['Now', 'Upgrade', 'weekly'], 'and the active and upcoming maintenances');
  t.notMatch(JSON.stringify(summary), /secret-db|refused|127\.0\.0\.1/, 'nothing hidden or private');
});

t.test('a critical check in error makes the indicator major; an unresolved critical incident, critical', async (t) => {
  const { get, post, h } = await setup(t);
  // Cancel the window over `down`: its outage now counts.
  const w = (await get('/api/status/maintenances?state=active')).json().maintenances[0];
  t.equal((await h.app.inject({ method: 'DELETE', url: `/api/status/maintenances/${w.id}`, headers: AUTH })).statusCode, 204);
  t.same((await get('/api/v2/status.json')).json().status, { indicator: 'major', description: 'Partial System Outage' });
  t.equal((await get('/api/v2/components.json')).json().components.find((c: any) => c.id === 'down').status, 'major_outage');
  const critical = (await post('/api/status/incidents', { title: 'All down', status: 'identified', impact: 'critical', message: 'Everything is down.' })).json();
  t.same((await get('/api/v2/status.json')).json().status, { indicator: 'critical', description: 'Major Service Outage' });
  await post(`/api/status/incidents/${critical.id}/updates`, { status: 'resolved', message: 'Back.' });
  t.equal((await get('/api/v2/status.json')).json().status.indicator, 'major', 'a resolved incident no longer counts');
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'item', 'link', 'text', 'p'].includes(name) });

t.test('feeds: valid Atom 1.0 and RSS 2.0, newest first, plain text escaped, cacheable', async (t) => {
  const { get, created } = await setup(t);
  const atomRes = await get('/status/history.atom');
  t.equal(atomRes.statusCode, 200);
  t.equal(atomRes.headers['content-type'], 'application/atom+xml; charset=utf-8');
  t.equal(atomRes.headers['cache-control'], 'public, max-age=60');
  t.equal(XMLValidator.validate(atomRes.body), true, 'well-formed XML');
  const feed = parser.parse(atomRes.body).feed;
  t.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
  for (const required of ['id', 'title', 'updated', 'author']) t.ok(feed[required], `feed has <${required}>`);
  t.ok(feed.author.name, 'the feed author has a name (Atom requires one, or one per entry)');
  t.ok(!Number.isNaN(Date.parse(feed.updated)));
  const entries = feed.entry as any[];
  t.ok(entries.length >= 4);
  for (const e of entries) {
    for (const required of ['id', 'title', 'updated']) t.ok(e[required], `entry has <${required}>`);
    t.ok(e.link[0]['@href'].startsWith('https://status.example.com/status#incident-'));
  }
  const times = entries.map((e) => Date.parse(e.updated));
  t.same(times, [...times].sort((a, b) => b - a), 'newest first');
  const mine = entries.find((e) => e.id.endsWith(created.id));
  t.equal(mine.title['#text'], 'Checkout &lt;errors&gt;', 'the title is HTML-escaped inside its type="html" element');
  const html = mine.content['#text'] as string;
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;', 'the message stays text for the reader');
  t.notMatch(html, '<script>', 'no markup from the message');
  t.notMatch(atomRes.body, /secret-db|refused|127\.0\.0\.1/);

  const rssRes = await get('/status/history.rss');
  t.equal(rssRes.headers['content-type'], 'application/rss+xml; charset=utf-8');
  t.equal(rssRes.headers['cache-control'], 'public, max-age=60');
  t.equal(XMLValidator.validate(rssRes.body), true, 'well-formed XML');
  const rss = parser.parse(rssRes.body).rss;
  t.equal(rss['@version'], '2.0');
  for (const required of ['title', 'link', 'description']) t.ok(rss.channel[required], `channel has <${required}>`);
  const items = rss.channel.item as any[];
  t.equal(items.length, entries.length);
  for (const i of items) {
    t.ok(i.title && i.guid && i.pubDate, 'item has title, guid, pubDate');
    t.ok(!Number.isNaN(Date.parse(i.pubDate)), 'pubDate is an RFC 822 date');
  }
  const item = items.find((i) => String(i.guid['#text']).endsWith(created.id));
  t.equal(item.description, 'Monitoring: A fix is out.', 'the description is the latest update');
  t.match(item['content:encoded'], '&lt;/content&gt;&lt;script&gt;', 'every update in the content, escaped');
});

t.test('badges: flat SVGs with label and status in words, uptime windows, the shields.io endpoint, 404 for unknown or hidden', async (t) => {
  const { get } = await setup(t);
  const svg = async (path: string) => {
    const res = await get(path);
    t.equal(res.statusCode, 200, path);
    t.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
    t.equal(res.headers['cache-control'], 'public, max-age=60');
    t.equal(XMLValidator.validate(res.body), true, `${path}: well-formed`);
    const root = parser.parse(res.body).svg;
    t.equal(root['@xmlns'], 'http://www.w3.org/2000/svg', 'an SVG document');
    return root;
  };
  const words = async (path: string) => {
    const root = await svg(path);
    return { title: root.title as string, label: root['@aria-label'] as string };
  };
  for (const [name, expected] of [['up', 'Public API: operational'], ['down', 'Payments: maintenance'], ['soft', 'soft: outage'], ['escaped', 'R&D <api>: outage']] as const) {
    const { title, label } = await words(`/api/status/badges/${name}.svg`);
    t.equal(title, expected, `${name}: label and status in words`);
    t.equal(label, expected, 'and the same for screen readers');
  }
  const raw = (await get('/api/status/badges/escaped.svg')).body;
  t.notMatch(raw, '<api>', 'the display name is escaped in the SVG');
  const uptime = await words('/api/status/badges/up/uptime/24h.svg');
  t.match(uptime.label, /^Public API 24h: (\d+\.\d\d%|no data)$/);
  for (const w of ['7d', '30d']) await svg(`/api/status/badges/up/uptime/${w}.svg`);

  const shields = await get('/api/status/badges/up/shields.json');
  t.equal(shields.headers['cache-control'], 'public, max-age=60');
  t.same(shields.json(), { schemaVersion: 1, label: 'Public API', message: 'operational', color: 'brightgreen' });
  t.same((await get('/api/status/badges/down/shields.json')).json().message, 'maintenance');

  for (const path of ['/api/status/badges/secret-db.svg', '/api/status/badges/nope.svg', '/api/status/badges/up.png', '/api/status/badges/up/uptime/1y.svg', '/api/status/badges/secret-db/shields.json', '/api/status/badges/secret-db/uptime/24h.svg']) {
    const res = await get(path);
    t.equal(res.statusCode, 404, `${path}: 404`);
    t.equal(res.json().error, 'not_found');
  }
});
