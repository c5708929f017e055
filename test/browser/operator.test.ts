/**
 * Operator-written incidents and maintenance in a real browser: the status
 * routes served over a real socket with a real result store, memory history
 * and the in-memory OperatorStore of test/status. An incident written while
 * the page is open appears on top without a reload; a resolved one looks
 * resolved; a check in a maintenance window says "under maintenance"; an
 * update's text is shown as text (escaped), never as markup.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import t from 'tap';
import { parseConfig } from '../../src/config';
import type { HealthContext } from '../../src/context';
import { installErrorHandling } from '../../src/http/hooks';
import { statusRoutes } from '../../src/routes/status';
import { feedHistory } from '../../src/status/history/feed';
import { createMemoryHistory } from '../../src/status/history/memory';
import { createResultStore } from '../../src/store/store';
import { createMemoryOperator } from '../status/memory-operator';
import { launch } from './browser';

t.test('operator incidents and maintenance render, live', async (t) => {
  const config = parseConfig(
    `
statusPage: { title: "Acme status" }
checks:
  - { name: db, type: tcp, host: 127.0.0.1, port: 1, displayName: Database, group: Core }
  - { name: cache, type: tcp, host: 127.0.0.1, port: 1, displayName: Cache, group: Core }
`,
    {},
    'test.yml',
  );
  const store = createResultStore(config.checks);
  const history = createMemoryHistory(config.checks.map((c) => c.name));
  feedHistory(store, history);
  const operator = createMemoryOperator();
  const ok = (name: string) => store.record(name, { status: 'ok', error: null, errorKind: null, details: {}, durationMs: 2, checkedAt: Date.now() });
  ok('db');
  ok('cache');
  const old = operator.createIncident({ title: 'Login errors', status: 'investigating', impact: 'minor', components: ['cache'], message: 'Looking into it', at: Date.now() - 7_200_000 });
  operator.update(old.id, { status: 'resolved', message: 'A bad deploy, rolled back' });
  operator.schedule({ title: 'Database upgrade', components: ['db'], starts_at: Date.now() - 60_000, ends_at: Date.now() + 3_600_000, message: 'Version 17' });

  const app = Fastify();
  installErrorHandling(app);
  await app.register(statusRoutes, { ctx: { config, store, history, operator } as unknown as HealthContext, probePaths: new Set<string>(), bodyTtlMs: 0 });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const { open } = await launch(t);
  const w = await open();
  const { page } = w;
  await page.goto(`${origin}/status`);
  await page.locator('#live.live-ok').waitFor({ timeout: 10_000 });
  t.equal(await page.locator('#banner').innerText(), 'Scheduled maintenance in progress');
  t.equal(await page.locator('.state[data-name="db"]').innerText(), 'Under maintenance');
  t.match(await page.locator('#maintenances').innerText(), /Database upgrade\s*In progress[\s\S]*Database[\s\S]*Version 17/);
  const resolved = page.locator(`#incidents .incident.resolved[data-id="${old.id}"]`);
  t.match(await resolved.innerText(), /Login errors\s*Resolved/);
  const border = await resolved.evaluate((el: any) => (globalThis as any).getComputedStyle(el).borderLeftColor as string);
  t.equal(String(border), 'rgb(26, 127, 55)', 'resolved has the green edge, not the red of an ongoing one');
  await w.shot('maintenance-and-resolved');

  let navigations = 0;
  page.on('framenavigated', (f) => f === page.mainFrame() && (navigations += 1));
  const live = operator.createIncident({ title: 'Payments failing <b>now</b>', status: 'identified', impact: 'critical', components: ['cache'], message: 'Card payments fail.\nA fix is rolling out.' });
  await page.locator(`#ongoing .incident[data-id="${live.id}"]`).waitFor({ timeout: 10_000 });
  t.equal(navigations, 0, 'appeared without a reload');
  t.equal(await page.locator('#banner').innerText(), 'Major outage', "the operator's critical impact colours the page");
  const html = await page.locator(`#ongoing .incident[data-id="${live.id}"] h3`).innerHTML();
  t.match(html, /Payments failing &lt;b&gt;now&lt;\/b&gt;/, 'operator text is escaped');
  t.ok(
    (await page.locator('#ongoing').boundingBox())!.y < (await page.locator('#groups').boundingBox())!.y,
    'ongoing incidents stand above the components',
  );
  t.same(await w.axe(), [], 'no serious accessibility violation');
  await w.shot('operator-incident');
  t.same(w.errors, [], 'no console error');
  t.same(w.external, [], 'no external request');
});
