/**
 * The Grafana dashboard imports cleanly: valid JSON with a datasource input,
 * unique panel ids, a datasource and a query on every panel, and every query
 * valid PromQL as Prometheus' own parser (promtool) reads it.
 */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { dashboardExprs, dataPanels, loadDashboard } from './artifacts';
import { promtool } from './promtool';

const d = loadDashboard();
const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

t.test('the dashboard is an importable schema-38 dashboard with a Prometheus datasource input', async (t) => {
  t.ok(d.schemaVersion >= 36 && d.schemaVersion <= 39, `schemaVersion ${d.schemaVersion}`);
  t.ok(d.uid, 'a stable uid, so re-imports replace it');
  t.same(d.__inputs?.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
});

t.test('a check variable lists the checks the service reports, and a job variable scopes it', async (t) => {
  const vars = new Map(d.templating.list.map((v) => [v.name, v]));
  t.match(vars.get('check')?.definition, /^label_values\(health_check_up(\{[^}]*\})?, check\)$/);
  t.match(vars.get('job')?.definition, /^label_values\(health_check_up, job\)$/);
  for (const v of vars.values()) t.same(v.datasource, DS, `variable ${v.name} uses the input datasource`);
});

t.test('panel ids are unique', async (t) => {
  const ids = d.panels.map((p) => p.id);
  t.ok(ids.every((id) => Number.isInteger(id)), 'every panel has an id');
  t.equal(new Set(ids).size, ids.length, `ids: ${ids.join(',')}`);
});

t.test('every panel has the input datasource and at least one query with an expression', async (t) => {
  const panels = dataPanels(d);
  t.ok(panels.length >= 15, `${panels.length} panels`);
  for (const p of panels) {
    t.same(p.datasource, DS, `panel ${p.id} "${p.title}" datasource`);
    const targets = p.targets ?? [];
    t.ok(targets.length > 0, `panel ${p.id} "${p.title}" has a target`);
    for (const q of targets) {
      t.ok((q.expr ?? '').trim() !== '', `panel ${p.id} "${p.title}" ${q.refId}: non-empty expr`);
      t.same(q.datasource, DS, `panel ${p.id} "${p.title}" ${q.refId}: datasource`);
    }
    t.equal(new Set(targets.map((q) => q.refId)).size, targets.length, `panel ${p.id}: refIds are unique`);
  }
});

t.test('the panels the guide asks for are there', async (t) => {
  const exprs = dashboardExprs(d).map((e) => e.expr).join('\n');
  const types = new Set(dataPanels(d).map((p) => p.type));
  for (const type of ['stat', 'state-timeline', 'table', 'timeseries']) t.ok(types.has(type), `a ${type} panel`);
  for (const metric of [
    'health_status', 'health_check_status', 'health_check_up', 'health_check_duration_seconds', 'health_check_runs_total',
    'health_check_consecutive_failures', 'health_check_last_success_timestamp_seconds', 'health_bullmq_queue_jobs',
    'health_bullmq_queue_workers', 'health_bullmq_queue_oldest_waiting_age_seconds', 'http_requests_total',
    'http_request_duration_seconds_bucket', 'process_resident_memory_bytes', 'process_cpu_seconds_total',
    'nodejs_eventloop_lag_p99_seconds',
  ]) {
    t.ok(exprs.includes(metric), `a panel shows ${metric}`);
  }
});

t.test('every query is valid PromQL to promtool', async (t) => {
  // promtool has no bare expression checker in 2.42; a rules file with one recording rule per query is parsed the same way.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-dash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const exprs = dashboardExprs(d);
  const file = path.join(dir, 'dashboard-queries.yml');
  writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query:${i}`, expr: e.expr })) }] }));
  const r = promtool(['check', 'rules', file]);
  t.equal(r.code, 0, r.output);
  t.match(r.output, new RegExp(`SUCCESS: ${exprs.length} rules found`));

  t.test('and promtool does reject a broken one (the check can fail)', async (t) => {
    writeFileSync(file, stringify({ groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum by (check (health_check_up)' }] }] }));
    t.not(promtool(['check', 'rules', file]).code, 0);
  });
});
