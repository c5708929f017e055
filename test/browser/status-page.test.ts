/**
 * The status page in a real browser (Chromium), watched as a customer would
 * through an outage of the built service (`node dist/cli.js serve`, run
 * `npm run build` first): it says "checking" at start-up, turns
 * operational live, shows a Redis outage without a reload, works in dark
 * mode, has its bar details on the keyboard and by tap, shows
 * reconnecting and then lost when the service is killed, renders without
 * JavaScript, and never makes an external request or logs an error.
 */
import http from 'node:http';
import t from 'tap';
import { eventually } from '../support/app';
import { freePort } from '../support/ports';
import { startRedis } from '../support/redis';
import { runCli } from '../support/service';
import { launch } from './browser';

const text = (page: import('playwright-core').Page, sel: string) => page.locator(sel).first().innerText();

t.test('a customer watches the page through start-up, an outage and the service dying', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  // The API's first answer waits until the test has seen the page say "checking".
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  const slow = http.createServer((_req, res) => {
    void released.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => slow.close(() => r())));
  const port = await freePort();
  const yaml = `
server: { host: 127.0.0.1, port: ${port} }
statusPage: { title: "Acme status", description: "Public services of Acme" }
checks:
  - { name: cache, type: redis, url: "\${REDIS_URL}", displayName: "Session cache", group: Core, interval: 500ms, timeout: 400ms, failureThreshold: 1 }
  - { name: api, type: http, url: "\${SLOW_URL}", displayName: "Public API", group: Edge, interval: 30s, timeout: 20s }
`;
  const service = runCli(['serve'], { yaml, env: { REDIS_URL: redis.url, SLOW_URL: `http://127.0.0.1:${(slow.address() as any).port}/health`, LOG_LEVEL: 'warn' } });
  t.teardown(() => service.cleanup());
  const origin = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${origin}/api/health/liveness`).catch(() => null))?.ok, 'service listening', 20_000);

  const { open } = await launch(t);
  const w = await open();
  const { page } = w;
  let navigations = 0;
  page.on('framenavigated', (f) => f === page.mainFrame() && (navigations += 1));
  await page.goto(`${origin}/status`);
  t.equal(await text(page, '#banner'), 'Checking systems…', 'start-up says checking, not outage');
  t.match(await page.title(), /^Checking systems… · Acme status$/);
  await w.shot('checking');
  release();

  await page.locator('#banner.operational').waitFor({ timeout: 15_000 });
  t.equal(await text(page, '#banner'), 'All systems operational', 'turns operational live');
  await page.locator('#live.live-ok').waitFor({ timeout: 10_000 });
  t.match(await text(page, '#live'), /Live/);
  t.match(await text(page, '#fresh'), /Updated .* \(\d+ s ago\)/, 'freshness shown');
  t.match(await text(page, 'h1'), 'Acme status');
  t.match(await text(page, '.description'), 'Public services of Acme');
  t.same(await w.axe(), [], 'no serious accessibility violation (light)');
  await w.shot('operational');

  await redis.stop();
  await page.locator('.state.error[data-name="cache"]').waitFor({ timeout: 15_000 });
  await page.locator('#banner.major_outage').waitFor({ timeout: 10_000 });
  t.match(await page.title(), /^Major outage · Acme status$/, 'the title says it');
  t.match(await page.locator('#favicon').getAttribute('href'), /^data:image\/svg\+xml,.*cf222e/i, 'and the favicon');
  // The refetch after the event brings the ongoing incident above the components.
  await page.locator('#ongoing .incident').first().waitFor({ timeout: 10_000 });
  t.match(await text(page, '#ongoing .incident'), /Session cache: outage/);
  t.equal(navigations, 1, 'all of it without a reload');
  await w.shot('outage');

  // Bar details by keyboard: one tab stop per component, arrows move, the detail is text (no title tooltip).
  const bars = page.locator('.bars').first();
  await bars.focus();
  await page.keyboard.press('ArrowLeft');
  t.equal(await bars.getAttribute('aria-valuenow'), '89');
  t.match(await text(page, '.bar-detail'), /\d.*[A-Z]{2,}|GMT|UTC.*: no data/, 'a time with its zone and what the hour held');
  await page.keyboard.press('End');
  t.match(await text(page, '.bar-detail'), /outage, [\d.]+ % up/);
  // A tap (click) on a bar picks that bar.
  await page.locator('.bars').first().locator('.bar').nth(10).click();
  t.equal(await bars.getAttribute('aria-valuenow'), '11');
  t.equal(await page.locator('[title]').count(), 0, 'no title-only tooltips');

  await page.emulateMedia({ colorScheme: 'dark' });
  const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
  t.equal(bg, 'rgb(13, 17, 23)', 'dark background under prefers-color-scheme: dark');
  t.same(await w.axe(), [], 'no serious accessibility violation (dark)');
  await w.shot('dark-outage');
  await page.emulateMedia({ colorScheme: 'light' });

  const nojs = await open({ javaScriptEnabled: false });
  await nojs.page.goto(`${origin}/status`);
  t.equal(await text(nojs.page, '#banner'), 'Major outage', 'without JS: the current state, from the server');
  t.match(await text(nojs.page, '#groups'), /Session cache\s+✖?\s*Outage/);
  t.match(await text(nojs.page, '#live'), /need JavaScript/);
  await nojs.shot('no-js');

  t.same(w.errors, [], 'no console error or exception while the service was up');
  service.child.kill('SIGKILL');
  await service.exited;
  await page.locator('#live.live-retry').waitFor({ timeout: 10_000 });
  t.match(await text(page, '#live'), /reconnecting \(attempt \d of 4\)/);
  await w.shot('reconnecting');
  await page.locator('#live.live-lost').waitFor({ timeout: 45_000 });
  t.match(await text(page, '#live'), /Live updates lost/);
  t.equal(await text(page, '#banner'), 'Major outage', 'the last known state stays, marked as not live');
  await w.shot('lost');
  t.same(
    w.errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|EventSource/.test(e)),
    [],
    'after the kill, only the refused connections themselves',
  );
  t.same([...w.external, ...nojs.external], [], 'no request ever left loopback');
});
