/**
 * GET /status: one self-contained page (no CDN, no external asset: it works
 * offline and behind strict egress), rendered on the server so a visitor
 * without JavaScript sees the current state. Its parts live in
 * src/status/page/ (content, style, script, favicon). The inline style and
 * script are allowed by their hashes, so the CSP needs no 'unsafe-inline';
 * the favicon is a data: URL. URLs are relative, so the page also works
 * behind a path prefix.
 */
import { createHash } from 'node:crypto';
import type { StatusBody } from '../status/page/body';
import { faviconDataUrl } from '../status/page/favicon';
import { esc, pageTitle, renderContent } from '../status/page/render';
import { SCRIPT } from '../status/page/script';
import { PAGE_STATES } from '../status/page/state';
import { STYLE } from '../status/page/style';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own inline style and script, data: images (the favicon), and requests to its own origin. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ICONS = esc(JSON.stringify(Object.fromEntries(PAGE_STATES.map((s) => [s, faviconDataUrl(s)]))));

/** The whole page for `body`; `pagePath` is this page's own relative path (for the pager). */
export function statusPageHtml(body: StatusBody, opts: { pagePath: string } = { pagePath: 'status' }): string {
  const description = body.page.description ? `<p class="description">${esc(body.page.description)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(pageTitle(body))}</title>
${body.page.description ? `<meta name="description" content="${esc(body.page.description)}">` : ''}
<link rel="icon" id="favicon" type="image/svg+xml" href="${faviconDataUrl(body.state)}">
<noscript><meta http-equiv="refresh" content="60"></noscript>
<style>${STYLE}</style>
</head>
<body data-title="${esc(body.page.title)}" data-icons="${ICONS}">
<main>
<header><h1>${esc(body.page.title)}</h1>${description}</header>
<div id="content">${renderContent(body, opts)}</div>
<div id="live" class="live" role="status" aria-live="polite"><span><span class="dot" aria-hidden="true"></span><span id="live-text">Live updates need JavaScript: this page reloads itself every minute.</span></span><span id="fresh"></span></div>
<footer>Times are shown with their time zone.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
