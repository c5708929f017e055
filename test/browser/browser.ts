/**
 * Debian's Chromium driven by playwright-core (never a browser download),
 * launched with the flags of LIBRARY-NOTES.md. Every page is watched: any
 * request off loopback is refused and recorded, console errors and page
 * exceptions are collected, screenshots go to the test's temp dir (always
 * at named steps, and on failure), and axe-core runs inside the page.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Test } from 'tap';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Watched {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests refused because they left loopback. */
  readonly external: string[];
  /** Console errors (text) and page exceptions. */
  readonly errors: string[];
  shot(name: string): Promise<string>;
  /** axe-core violations (impact serious or critical), as "rule: target". */
  axe(): Promise<string[]>;
}

export async function launch(t: Test): Promise<{ browser: Browser; dir: string; open(opts?: BrowserContextOptions): Promise<Watched> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  t.teardown(() => browser.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-browser-'));
  t.comment(`screenshots in ${dir}`);
  const pages: Watched[] = [];
  // On failure, the state of every page the test had open.
  t.teardown(async () => {
    if (t.passing()) return;
    for (const [k, w] of pages.entries()) await w.shot(`failure-${k}`).catch(() => undefined);
  });
  return {
    browser,
    dir,
    async open(opts = {}) {
      const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...opts });
      const external: string[] = [];
      const errors: string[] = [];
      await context.route('**/*', (route) => {
        const host = new URL(route.request().url()).hostname;
        if (host === '127.0.0.1' || host === 'localhost' || route.request().url().startsWith('data:')) return route.continue();
        external.push(route.request().url());
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
      page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
      let n = 0;
      const w: Watched = {
        page,
        context,
        external,
        errors,
        async shot(name) {
          n += 1;
          const file = path.join(dir, `${String(pages.indexOf(w)).padStart(2, '0')}-${String(n).padStart(2, '0')}-${name}.png`);
          await page.screenshot({ path: file, fullPage: true });
          return file;
        },
        async axe() {
          // evaluate() runs outside the page's CSP, which (rightly) refuses injected inline scripts.
          await page.evaluate(`${AXE};0`);
          const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
            violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
          };
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`);
        },
      };
      pages.push(w);
      t.teardown(() => context.close().catch(() => undefined));
      return w;
    },
  };
}
