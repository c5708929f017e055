/**
 * The Grafana dashboards load as they are through file provisioning and the
 * sidecar: valid JSON on a `datasource` template variable (no `__inputs`),
 * unique panel ids, a datasource and a query on every panel, every query
 * valid PromQL as Prometheus' own parser (promtool) reads it, and each file
 * exactly what deploy/grafana/build.mjs writes.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { dashboardExprs, dataPanels, loadDashboards } from './artifacts';
import { DASHBOARDS, DEPLOY, promtool } from './promtool';

const DS = { type: 'prometheus', uid: '${datasource}' };
const all = loadDashboards();

t.test('the three dashboards of the guide, with distinct uids', async (t) => {
  t.same(all.map((d) => d.dashboard.title), [
    'health-aggregator: operational health',
    'health-aggregator: API performance',
    'health-aggregator: database performance',
  ]);
  t.equal(new Set(all.map((d) => d.dashboard.uid)).size, 3);
});

t.test('each file is what build.mjs writes', async (t) => {
  const built = JSON.parse(execFileSync(process.execPath, [path.join(DEPLOY, 'grafana/build.mjs'), '--print'], { encoding: 'utf8' })) as Record<string, string>;
  for (const file of DASHBOARDS) t.equal(readFileSync(file, 'utf8'), built[path.basename(file)], `${path.basename(file)} is up to date (run node deploy/grafana/build.mjs)`);
});

for (const { file, dashboard: d } of all) {
  t.test(file, async (t) => {
    t.test('a schema-38 dashboard on a datasource variable, with no import-only inputs', async (t) => {
      t.ok(d.schemaVersion >= 36 && d.schemaVersion <= 39, `schemaVersion ${d.schemaVersion}`);
      t.ok(d.uid, 'a stable uid, so re-imports replace it');
      t.equal(d.__inputs, undefined, 'no __inputs: provisioning does not fill them in');
      t.notMatch(JSON.stringify(d), /DS_PROMETHEUS/);
      const ds = d.templating.list.find((v) => v.name === 'datasource');
      t.match(ds, { type: 'datasource', query: 'prometheus' });
    });

    t.test('variables use the datasource variable; job lists the jobs the service reports', async (t) => {
      const vars = new Map(d.templating.list.map((v) => [v.name, v]));
      t.match(vars.get('job')?.definition, /^label_values\(health_check_up, job\)$/);
      for (const v of vars.values()) if (v.type === 'query') t.same(v.datasource, DS, `variable ${v.name} uses the datasource variable`);
    });

    t.test('panel ids are unique', async (t) => {
      const ids = d.panels.map((p) => p.id);
      t.ok(ids.every((id) => Number.isInteger(id)), 'every panel has an id');
      t.equal(new Set(ids).size, ids.length, `ids: ${ids.join(',')}`);
    });

    t.test('every panel has the datasource variable and at least one query with an expression', async (t) => {
      for (const p of dataPanels(d)) {
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

    t.test('every query is valid PromQL to promtool', async (t) => {
      // promtool has no bare expression checker in 2.42; a rules file with one recording rule per query is parsed the same way.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-dash-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const exprs = dashboardExprs(d);
      const rules = path.join(dir, 'dashboard-queries.yml');
      writeFileSync(rules, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query:${i}`, expr: e.expr })) }] }));
      const r = promtool(['check', 'rules', rules]);
      t.equal(r.code, 0, r.output);
      t.match(r.output, new RegExp(`SUCCESS: ${exprs.length} rules found`));
    });
  });
}

t.test('promtool does reject a broken query (the check can fail)', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-dash-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'x.yml');
  writeFileSync(file, stringify({ groups: [{ name: 'x', rules: [{ record: 'x:y', expr: 'sum by (check (health_check_up)' }] }] }));
  t.not(promtool(['check', 'rules', file]).code, 0);
});

t.test('the panels the guide asks for are there', async (t) => {
  const exprsOf = (i: number) => dashboardExprs(all[i]!.dashboard).map((e) => e.expr).join('\n');
  const titlesOf = (i: number) => dataPanels(all[i]!.dashboard).map((p) => p.title).join('\n');
  const want: Array<[number, string[], RegExp[]]> = [
    [0, ['health_status', 'health_check_status', 'health_check_runs_total', 'health_bullmq_queue_jobs', 'health_disk_used_ratio', 'db_query_duration_seconds', 'process_resident_memory_bytes', 'process_cpu_seconds_total', 'health_process_memory_limit_bytes', 'avg_over_time(up'],
      [/uptime/i, /Disk space/, /Queue throughput/, /Error/]],
    [1, ['http_request_duration_seconds_bucket', 'histogram_quantile(0.5', 'histogram_quantile(0.99', 'status_code="401"', 'http_requests_shed_total', 'http_response_size_bytes'],
      [/Slow endpoints \(p95 > 500 ms\)/, /Error rate by endpoint/, /Authentication failures/, /Shed requests/]],
    [2, ['db_query_duration_seconds_bucket', 'db_connections_used', 'db_connections_max', 'db_deadlocks_total', 'db_replication_lag_seconds', 'db_connection_errors_total', 'health_redis_keyspace_hits_total'],
      [/Query duration/, /Connections vs max/, /Deadlocks/, /Replication lag/, /Connection errors/]],
  ];
  for (const [i, metrics, titles] of want) {
    for (const m of metrics) t.ok(exprsOf(i).includes(m), `${all[i]!.file} queries ${m}`);
    for (const title of titles) t.match(titlesOf(i), title, `${all[i]!.file} has a panel ${title}`);
  }
  const topCallers = dataPanels(all[1]!.dashboard).find((p) => /Top callers/.test(p.title ?? '')) as { description?: string } | undefined;
  t.match(topCallers?.description, /top users by request volume" does not apply/, 'the API dashboard says why there are no top users');
});
