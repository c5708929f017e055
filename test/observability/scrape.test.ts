/**
 * End to end: a real Prometheus (Debian package `prometheus`) scrapes the
 * listening service every second with our rules loaded. The scrape config
 * from deploy/README.md works, every rule evaluates without error, a healthy
 * service raises no alert, and every dashboard query runs against real data.
 */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually } from '../support/app';
import { freePort } from '../support/ports';
import { spawnUntil, stopChild } from '../support/process';
import { dashboardExprs, loadDashboards } from './artifacts';
import { MISSING, RULES } from './promtool';
import { startObservedService } from './service';

const JOB = 'health-aggregator';
/** Queries that are rightly empty here: a share of 5xx or 4xx by route has nothing to divide on a healthy service. */
const EMPTY_HERE = [/"Error rate by endpoint" [AB]$/];

interface ApiAnswer<T> {
  status: string;
  error?: string;
  data: T;
}
type Vector = { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
type RuleGroups = { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string; lastEvaluation: string }> }> };

t.test('a real Prometheus scrapes the service and evaluates the rules and dashboard queries', async (t) => {
  const svc = await startObservedService(t, { defaultMetrics: true });
  await svc.app.listen({ port: 0, host: '127.0.0.1' });
  const appPort = (svc.app.server.address() as { port: number }).port;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-prom-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${appPort}`] }] }],
    }),
  );
  const port = await freePort();
  const prom = await spawnUntil(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    'Server is ready to receive web requests',
    {},
    15_000,
  ).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new Error(MISSING('prometheus')) : e;
  });
  t.teardown(() => stopChild(prom.child, 'SIGTERM', 5000));

  const api = async <T>(p: string): Promise<ApiAnswer<T>> => (await fetch(`http://127.0.0.1:${port}/api/v1/${p}`)).json() as Promise<ApiAnswer<T>>;
  const query = (expr: string) => api<Vector>(`query?query=${encodeURIComponent(expr)}`);

  const checks = await eventually(async () => {
    const r = await query('health_check_up');
    return r.data.result.length === 5 ? r.data.result : null;
  }, 'health_check_up scraped for every check', 15_000, 200);
  t.same(
    checks.map((s) => [s.metric.job, s.metric.check, s.metric.critical, s.value[1]]).sort(),
    [[JOB, 'cache', 'false', '1'], [JOB, 'database', 'true', '1'], [JOB, 'jobs', 'true', '1'], [JOB, 'replica', 'false', '1'], [JOB, 'scratch', 'true', '1']],
    'every check up, under the job the rules match',
  );
  const scrapedAt = Date.now();
  const up = await query(`up{job="${JOB}"}`);
  t.equal(up.data.result[0]?.value[1], '1', 'the target is up');

  const groups = await eventually(async () => {
    const r = await api<RuleGroups>('rules');
    // Evaluations from before the first scrape saw no `up` (HealthAggregatorDown pending, harmless
    // behind its for: 2m); wait for every rule to have seen the scraped data.
    const rules = r.data.groups.flatMap((g) => g.rules);
    return rules.length > 0 && rules.every((x) => Date.parse(x.lastEvaluation) > scrapedAt) ? rules : null;
  }, 'every rule evaluated', 15_000, 200);
  t.ok(groups.length >= 18, `${groups.length} rules loaded`);
  for (const rule of groups) t.equal(rule.health, 'ok', `${rule.name} evaluates: ${rule.lastError ?? ''}`);

  const alerts = await api<{ alerts: Array<{ labels: Record<string, string>; state: string }> }>('alerts');
  t.same(alerts.data.alerts.map((a) => `${a.labels.alertname} ${a.state}`), [], 'a healthy service raises no alert');

  // Two scrapes are enough for every rate() over 1m; wait until the latency histogram has a rate.
  await eventually(async () => (await query(`rate(http_request_duration_seconds_count{job="${JOB}"}[1m])`)).data.result.length > 0, 'a rate over two scrapes', 15_000, 200);
  // The dashboards' 5m windows need two scrapes in them, which the rate above already waited for.
  for (const { file, dashboard } of loadDashboards()) {
    for (const q of dashboardExprs(dashboard, JOB)) {
      const r = await query(q.expr);
      t.equal(r.status, 'success', `${file} ${q.where}: ${r.error ?? ''}`);
      if (!EMPTY_HERE.some((re) => re.test(q.where))) t.ok(r.data.result.length > 0, `${file} ${q.where} shows data`);
    }
  }
});
