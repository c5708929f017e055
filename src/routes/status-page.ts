/**
 * GET /status: one self-contained page (no CDN, no external asset: it works
 * offline and behind strict egress). Embedded here because the build is tsc
 * only and would not copy an .html file to dist. The inline style and script
 * are allowed by their hashes, so the CSP needs no 'unsafe-inline'. URLs are
 * relative, so the page also works behind a path prefix.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root{--ok:#1a7f37;--degraded:#9a6700;--error:#cf222e;--none:#8c959f;--fg:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#f6f8fa}
main{max-width:860px;margin:0 auto;padding:24px 16px}
h1{font-size:22px;margin:0 0 16px}
h2{font-size:17px;margin:24px 0 8px}
.banner{padding:14px 16px;border-radius:6px;color:#fff;font-weight:600;background:var(--none)}
.banner.ok{background:var(--ok)}.banner.degraded{background:var(--degraded)}.banner.error{background:var(--error)}
.group{background:#fff;border:1px solid var(--line);border-radius:6px;margin-top:16px}
.group h2{margin:0;padding:10px 16px;border-bottom:1px solid var(--line)}
.component{padding:12px 16px;border-top:1px solid var(--line)}
.component:first-of-type{border-top:0}
.row{display:flex;justify-content:space-between;gap:12px;flex-wrap:wrap}
.name{font-weight:600}
.state{font-weight:600}
.state.ok{color:var(--ok)}.state.degraded{color:var(--degraded)}.state.error{color:var(--error)}.state.unknown{color:var(--muted)}
.state::before{content:"\\25CF  "}
.state.degraded::before{content:"\\25B2  "}.state.error::before{content:"\\2716  "}.state.unknown::before{content:"\\25CB  "}
.bars{display:flex;gap:1px;height:28px;margin:8px 0 4px}
.bar{flex:1;border-radius:1px;background:var(--none);opacity:.35}
.bar.ok{background:var(--ok);opacity:1}.bar.degraded{background:var(--degraded);opacity:1}.bar.error{background:var(--error);opacity:1}
.meta{color:var(--muted);font-size:13px}
.incidents{list-style:none;padding:0;margin:0}
.incidents li{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 16px;margin-bottom:8px}
footer{color:var(--muted);font-size:13px;margin-top:24px}
`;

const SCRIPT = `
(function () {
  'use strict';
  var LABEL = { ok: 'Operational', degraded: 'Degraded performance', error: 'Outage', unknown: 'No data' };
  var BANNER = { ok: 'All systems operational', degraded: 'Some systems are degraded', error: 'Major outage' };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pct(v) { return v === null || v === undefined ? 'no data' : v.toFixed(2) + '%'; }
  function ms(v) { return v === null || v === undefined ? 'n/a' : Math.round(v) + ' ms'; }
  function duration(s) {
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.round(s / 60) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }
  function bars(list) {
    var wrap = el('div', 'bars');
    var bad = 0;
    (list || []).forEach(function (b) {
      var bar = el('div', 'bar ' + (b.status || 'none'));
      if (b.status === 'error' || b.status === 'degraded') bad++;
      bar.title = new Date(b.start).toLocaleString() + ': ' + (b.status ? LABEL[b.status] + ', ' + pct(b.uptime) + ' up' : 'no data');
      wrap.appendChild(bar);
    });
    wrap.setAttribute('role', 'img');
    wrap.setAttribute('aria-label', 'History: ' + (list || []).length + ' hours, ' + bad + ' with problems');
    return wrap;
  }
  function component(c, history) {
    var box = el('div', 'component');
    box.id = 'component-' + c.name;
    var row = el('div', 'row');
    row.appendChild(el('span', 'name', c.display_name));
    row.appendChild(el('span', 'state ' + c.status, LABEL[c.status] || c.status));
    box.appendChild(row);
    box.appendChild(bars(history[c.name]));
    box.appendChild(el('div', 'meta', 'Uptime 24 h ' + pct(c.uptime['24h']) + ' \\u00b7 7 d ' + pct(c.uptime['7d']) +
      ' \\u00b7 30 d ' + pct(c.uptime['30d']) + ' \\u00b7 latency p50 ' + ms(c.latency_ms.p50) + ', p95 ' + ms(c.latency_ms.p95)));
    return box;
  }
  function render(data) {
    var banner = document.getElementById('banner');
    banner.className = 'banner ' + data.status;
    banner.textContent = BANNER[data.status] || data.status;
    var groups = document.getElementById('groups');
    groups.textContent = '';
    var order = [];
    var byGroup = {};
    data.components.forEach(function (c) {
      if (!byGroup[c.group]) { byGroup[c.group] = []; order.push(c.group); }
      byGroup[c.group].push(c);
    });
    order.forEach(function (g) {
      var section = el('section', 'group');
      section.appendChild(el('h2', '', g));
      byGroup[g].forEach(function (c) { section.appendChild(component(c, data.history.components)); });
      groups.appendChild(section);
    });
    var list = document.getElementById('incidents');
    list.textContent = '';
    if (data.incidents.length === 0) list.appendChild(el('li', '', 'No incidents recorded.'));
    data.incidents.forEach(function (i) {
      var li = el('li');
      li.appendChild(el('span', 'state ' + i.status, i.display_name + ': ' + LABEL[i.status]));
      li.appendChild(el('div', 'meta', 'Started ' + new Date(i.start).toLocaleString() +
        (i.end ? ', resolved ' + new Date(i.end).toLocaleString() + ' after ' + duration(i.duration_s) : ', ongoing for ' + duration(i.duration_s))));
      list.appendChild(li);
    });
    document.getElementById('updated').textContent = 'Updated ' + new Date(data.updated_at).toLocaleString();
  }
  function load() {
    fetch('api/status', { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render)
      .catch(function () { document.getElementById('updated').textContent = 'Could not reach the status API; retrying.'; });
  }
  var pending = null;
  function soon() { clearTimeout(pending); pending = setTimeout(load, 300); }
  if (window.EventSource) {
    var es = new EventSource('api/status/stream');
    es.addEventListener('status', soon);
    es.addEventListener('snapshot', soon);
  }
  load();
  setInterval(load, 60000);
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own inline style and script, and requests to its own origin. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>System status</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>System status</h1>
<div id="banner" class="banner" role="status" aria-live="polite">Loading status…</div>
<div id="groups"></div>
<h2>Recent incidents</h2>
<ul id="incidents" class="incidents" aria-live="polite"></ul>
<footer><span id="updated"></span> · Updates live.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
