/**
 * The rules and the dashboard ask only for metrics and labels the real
 * service exports, and its /metrics passes `promtool check metrics`.
 */
import t from 'tap';
import { dashboardExprs, loadDashboards, loadRules } from './artifacts';
import { baseName, exposition, metricNames, selectorLabels } from './promql';
import { promtool } from './promtool';
import { startObservedService } from './service';

/** Series Prometheus adds itself on every scrape; not the service's to export. */
const FROM_PROMETHEUS = new Set(['up']);
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);

/**
 * prom-client's default metrics that promtool flags; they come from the library,
 * not from src/observability/metrics.ts, and are pinned so a new problem fails this test.
 */
const KNOWN_DEFAULT_METRIC_LINT = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

const rules = loadRules();
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
const queries = [
  ...rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
  ...loadDashboards().flatMap(({ file, dashboard }) => dashboardExprs(dashboard).map((q) => ({ where: `${file} ${q.where}`, expr: q.expr }))),
];

t.test('with default metrics on, as in production', async (t) => {
  const svc = await startObservedService(t, { defaultMetrics: true });
  const text = await svc.metrics();
  const families = exposition(text);
  const histograms = new Set([...families].filter(([, f]) => f.type === 'histogram').map(([n]) => n));

  t.test('every metric a rule or a panel reads is exported (histogram series map to their family)', async (t) => {
    let seen = 0;
    for (const q of queries) {
      for (const name of metricNames(q.expr)) {
        seen++;
        if (FROM_PROMETHEUS.has(name) || recorded.has(name)) continue;
        t.ok(families.has(baseName(name, histograms)), `${q.where}: ${name}`);
      }
    }
    t.ok(seen > 40, `${seen} metric references read`);
  });

  t.test('every label a selector matches on is a label of that metric', async (t) => {
    for (const q of queries) {
      for (const s of selectorLabels(q.expr)) {
        const family = families.get(baseName(s.metric, histograms));
        if (!family) continue; // up and recorded series: checked above
        for (const label of s.labels) {
          if (TARGET_LABELS.has(label) || (label === 'le' && histograms.has(baseName(s.metric, histograms)))) continue;
          t.ok(family.labels.has(label), `${q.where}: ${s.metric} has label ${label}`);
        }
      }
    }
  });

  t.test('the name check can fail: a misspelt metric is not exported', async (t) => {
    const names = metricNames('sum by (check) (rate(health_check_run_total{check=~"$check"}[5m])) > 0 and on(job) up');
    t.same([...names].sort(), ['health_check_run_total', 'up']);
    t.notOk(families.has('health_check_run_total'));
  });

  t.test('promtool check metrics finds nothing but the known prom-client defaults', async (t) => {
    const r = promtool(['check', 'metrics'], text);
    const problems = r.output.split('\n').filter((l) => l.trim() !== '');
    t.same(problems, KNOWN_DEFAULT_METRIC_LINT, 'exactly the pinned default-metric problems');
  });
});

t.test("the service's own metrics (src/observability/metrics.ts) lint clean", async (t) => {
  const svc = await startObservedService(t, { defaultMetrics: false });
  const text = await svc.metrics();
  for (const family of [
    'health_check_up', 'health_check_runs_total', 'health_bullmq_queue_jobs', 'http_request_duration_seconds', 'http_request_size_bytes',
    'http_response_size_bytes', 'http_status_codes_total', 'db_connections_used', 'db_deadlocks_total', 'db_query_duration_seconds',
    'db_connection_errors_total', 'db_replication_lag_seconds', 'health_redis_memory_max_bytes', 'health_redis_keyspace_hits_total',
    'health_disk_used_ratio', 'health_process_memory_limit_bytes',
  ]) {
    t.match(text, new RegExp(`^# TYPE ${family} `, 'm'), `${family} is in the exposition linted`);
  }
  const r = promtool(['check', 'metrics'], text);
  t.equal(r.output.trim(), '', 'no lint problem');
  t.equal(r.code, 0);

  t.test('and the lint can fail: a gauge named like a counter is reported', async (t) => {
    const bad = `${text}# HELP health_bad_total A gauge.\n# TYPE health_bad_total gauge\nhealth_bad_total 1\n`;
    const r = promtool(['check', 'metrics'], bad);
    t.not(r.code, 0);
    t.match(r.output, /health_bad_total non-counter metrics should not have "_total" suffix/);
  });
});
