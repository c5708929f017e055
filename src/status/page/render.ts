/**
 * The page's content rendered on the server, from the public document: the
 * first paint (a visitor without JavaScript sees the current state) and the
 * fragment the script swaps in when it refreshes, so there is one renderer.
 * Every text from config or an operator is escaped here. Times are written
 * in UTC with their zone; the script rewrites them into the reader's zone.
 */
import type { PublicComponent, PublicIncident, PublicMaintenance, StatusBody } from './body';
import type { PageState } from './state';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const STATE_TEXT: Record<PageState, string> = {
  checking: 'Checking systems…',
  operational: 'All systems operational',
  maintenance: 'Scheduled maintenance in progress',
  degraded: 'Some systems are degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

/** A component's label and CSS class. */
export function componentLabel(c: Pick<PublicComponent, 'status' | 'checked' | 'maintenance'>): [string, string] {
  if (c.maintenance) return ['maintenance', 'Under maintenance'];
  if (!c.checked) return ['checking', 'Checking…'];
  switch (c.status) {
    case 'ok':
      return ['ok', 'Operational'];
    case 'degraded':
      return ['degraded', 'Degraded performance'];
    case 'error':
      return ['error', 'Outage'];
    default:
      return ['unknown', 'No recent data'];
  }
}

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const time = (iso: string) => `<time datetime="${esc(iso)}">${utc(iso)}</time>`;

export function duration(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}

const pct = (v: number | null) => (v === null ? 'no data' : `${v.toFixed(2)} %`);

function uptimeLine(c: PublicComponent): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  const line = `Uptime 24 h ${pct(c.uptime['24h'])} · 7 d ${pct(c.uptime['7d'])} · 30 d ${pct(c.uptime['30d'])} · latency p50 ${ms(c.latency_ms.p50)}, p95 ${ms(c.latency_ms.p95)}`;
  // Say what the figures stand on, unless it is (nearly) the whole 30 days.
  const cov = c.uptime_coverage['30d'];
  if (c.uptime['30d'] === null || cov >= 99) return line;
  return `${line} <span class="coverage">· from ${duration(Math.round((cov / 100) * 30 * 86_400))} of data in the last 30 d</span>`;
}

const BAR_WORD: Record<string, string> = { o: 'operational', d: 'degraded', e: 'outage', m: 'maintenance', '-': 'no data' };

function bars(c: PublicComponent, history: StatusBody['history']): string {
  const h = history.components[c.name];
  if (!h) return '';
  const codes = [...h.bars];
  const spans = codes.map((code, k) => `<span class="bar ${code === '-' ? 'none' : ({ o: 'ok', d: 'degraded', e: 'error', m: 'maintenance' } as Record<string, string>)[code]}"${h.uptime[k] !== undefined ? ` data-u="${h.uptime[k]}"` : ''}></span>`);
  const bad = codes.filter((x) => x === 'e' || x === 'd').length;
  const last = codes.length - 1;
  const id = `detail-${esc(c.name)}`;
  return (
    `<div class="bars" tabindex="0" role="slider" aria-label="${esc(c.display_name)}: hourly history, ${codes.length} hours, ${bad} with problems. Arrow keys move between hours."` +
    ` aria-valuemin="1" aria-valuemax="${codes.length}" aria-valuenow="${codes.length}" aria-valuetext="last hour: ${BAR_WORD[codes[last] ?? '-']}"` +
    ` aria-describedby="${id}" data-from="${esc(history.from)}" data-size="${history.bucket_s}">${spans.join('')}</div>` +
    `<div class="bar-detail" id="${id}" aria-live="polite"></div>`
  );
}

function component(c: PublicComponent, history: StatusBody['history']): string {
  const [cls, text] = componentLabel(c);
  return (
    `<div class="component" id="component-${esc(c.name)}" data-critical="${c.critical}">` +
    `<div class="row"><span class="name">${esc(c.display_name)}</span><span class="state ${cls}" data-name="${esc(c.name)}">${text}</span></div>` +
    `${bars(c, history)}<div class="meta">${uptimeLine(c)}</div></div>`
  );
}

export function incident(i: PublicIncident): string {
  const cls = i.resolved ? 'resolved' : i.impact;
  const badge = i.resolved ? '<span class="badge">Resolved</span>' : `<span class="badge ongoing">${esc(cap(i.status))}</span>`;
  const when = i.resolved
    ? `Started ${time(i.started_at)}, resolved ${time(i.resolved_at!)} after ${duration(i.duration_s)}`
    : `Started ${time(i.started_at)}, ongoing for ${duration(i.duration_s)}`;
  const affects = i.components.length > 0 ? ` · Affects ${i.components.map(esc).join(', ')}` : '';
  const updates =
    i.updates.length === 0
      ? ''
      : `<ol class="updates" reversed>${i.updates.map((u) => `<li><strong>${esc(cap(u.status))}</strong> (${time(u.created_at)}): ${esc(u.message)}</li>`).join('')}</ol>`;
  return `<li class="incident ${cls}" data-id="${esc(i.id)}" data-source="${i.source}"><h3>${esc(i.title)}${badge}</h3><div class="meta">${when}${affects}</div>${updates}</li>`;
}

function maintenance(m: PublicMaintenance): string {
  const badge = m.status === 'active' ? 'In progress' : 'Scheduled';
  const msg = m.message ? `<div>${esc(m.message)}</div>` : '';
  return `<li class="incident maint"><h3>${esc(m.title)}<span class="badge">${badge}</span></h3><div class="meta">${time(m.starts_at)} – ${time(m.ends_at)} · ${m.components.map(esc).join(', ')}</div>${msg}</li>`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The swappable content: banner, ongoing incidents, maintenance, components, incident history. */
export function renderContent(body: StatusBody, opts: { pagePath: string }): string {
  const out: string[] = [];
  out.push(`<div id="banner" class="banner ${body.state}" role="status" data-state="${body.state}">${STATE_TEXT[body.state]}</div>`);
  if (body.ongoing.length > 0) {
    out.push(`<h2>Ongoing incidents</h2><ul class="incidents" id="ongoing">${body.ongoing.map(incident).join('')}</ul>`);
  }
  if (body.maintenances.length > 0) {
    out.push(`<h2>Maintenance</h2><ul class="incidents" id="maintenances">${body.maintenances.map(maintenance).join('')}</ul>`);
  }
  const groups = new Map<string, PublicComponent[]>();
  for (const c of body.components) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  out.push('<div id="groups">');
  for (const [g, list] of groups) out.push(`<section class="card"><h3>${esc(g)}</h3>${list.map((c) => component(c, body.history)).join('')}</section>`);
  out.push('</div>');
  out.push(
    '<div class="legend" aria-hidden="true"><span><span class="bar ok"></span>Operational</span><span><span class="bar degraded"></span>Degraded</span>' +
      '<span><span class="bar error"></span>Outage</span><span><span class="bar maintenance"></span>Maintenance</span><span><span class="bar none"></span>No data</span></div>',
  );
  out.push('<h2>Incident history</h2>');
  // Ongoing ones stand on top already; the history lists the resolved.
  const past = body.incidents.filter((i) => i.resolved);
  out.push(`<ul id="incidents" class="incidents">${past.length === 0 ? '<li class="meta">No past incidents.</li>' : past.map(incident).join('')}</ul>`);
  if (body.incidents_next !== null) {
    out.push(`<p class="pager"><a href="${esc(opts.pagePath)}?before=${encodeURIComponent(body.incidents_next)}" rel="next">Older incidents</a></p>`);
  }
  out.push(`<p class="meta" id="as-of" data-updated="${esc(body.updated_at)}">Data as of ${time(body.updated_at)}.</p>`);
  return out.join('');
}

/** The title: the status first, so a tab says it. */
export const pageTitle = (body: StatusBody): string => `${STATE_TEXT[body.state]} · ${body.page.title}`;
