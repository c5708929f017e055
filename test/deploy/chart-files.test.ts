/**
 * The chart's copies of the alerting rules and dashboards (helm reads only
 * files inside the chart) are the files in deploy/, byte for byte, and the
 * PrometheusRule and dashboard ConfigMaps helm renders carry them unchanged.
 * After editing deploy/, run scripts/sync-chart-files.sh.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { CHART, ROOT, type JsonObject } from './files';
import { get, IMAGE, ofKind, one, render } from './helm';

const list = (dir: string, suffix: RegExp): string[] => readdirSync(dir).filter((f) => suffix.test(f)).sort();
const RULES = /\.rules\.yml$/;
const DASHBOARDS = /\.json$/;

t.test('files/ holds exactly the rules and dashboards of deploy/, byte-identical', async (t) => {
  for (const [kind, suffix] of [['prometheus', RULES], ['grafana', DASHBOARDS]] as const) {
    const originals = list(path.join(ROOT, 'deploy', kind), suffix);
    const copies = list(path.join(CHART, 'files', kind), /./);
    t.ok(originals.length > 0, `deploy/${kind} has files`);
    t.same(copies, originals, `files/${kind}: the same file names (run scripts/sync-chart-files.sh)`);
    for (const file of originals) {
      const a = readFileSync(path.join(ROOT, 'deploy', kind, file));
      const b = readFileSync(path.join(CHART, 'files', kind, file));
      t.ok(a.equals(b), `files/${kind}/${file} is byte-identical to deploy/${kind}/${file} (run scripts/sync-chart-files.sh)`);
    }
  }
});

const docs = render([...IMAGE, '--set', 'prometheusRule.enabled=true', '--set', 'grafanaDashboards.enabled=true', '--set', 'grafanaDashboards.folder=Platform']);

t.test('the PrometheusRule holds the groups of deploy/prometheus, unchanged', async (t) => {
  const expected = list(path.join(ROOT, 'deploy/prometheus'), RULES).flatMap(
    (f) => (parse(readFileSync(path.join(ROOT, 'deploy/prometheus', f), 'utf8')) as { groups: JsonObject[] }).groups,
  );
  const rule = one(docs, 'PrometheusRule');
  t.same(get(rule, 'spec', 'groups'), expected, 'every group, rule, label and annotation as in deploy/prometheus');
  const alerts = (expected.flatMap((g) => g.rules) as JsonObject[]).filter((r) => r.alert);
  t.ok(alerts.length > 5, `${alerts.length} alerts`);
  const rendered = JSON.stringify(get(rule, 'spec'));
  t.match(rendered, /\{\{ \$labels\.job \}\}|\{\{ \$value/, 'alert templates reach Prometheus as written, not evaluated by helm');
});

t.test('a different serviceMonitor.jobName is put into every job="health-aggregator" selector', async (t) => {
  const original = list(path.join(ROOT, 'deploy/prometheus'), RULES).flatMap(
    (f) => (parse(readFileSync(path.join(ROOT, 'deploy/prometheus', f), 'utf8')) as { groups: JsonObject[] }).groups,
  );
  const selector = 'job=\\"health-aggregator\\"';
  const expected = JSON.parse(JSON.stringify(original).split(selector).join('job=\\"hc-prod\\"')) as JsonObject[];
  const rule = one(render([...IMAGE, '--set', 'prometheusRule.enabled=true', '--set', 'serviceMonitor.enabled=true', '--set', 'serviceMonitor.jobName=hc-prod']), 'PrometheusRule');
  t.same(get(rule, 'spec', 'groups'), expected, 'the rules with the job name replaced, nothing else changed');
  t.notOk(JSON.stringify(get(rule, 'spec')).includes(selector), 'no selector left on the default job');
});

t.test('one dashboard ConfigMap per deploy/grafana file, labelled for the Grafana sidecar', async (t) => {
  const maps = ofKind(docs, 'ConfigMap').filter((c) => get(c, 'metadata', 'labels', 'grafana_dashboard') !== undefined);
  const files = list(path.join(ROOT, 'deploy/grafana'), DASHBOARDS);
  t.equal(maps.length, files.length);
  for (const file of files) {
    const map = maps.find((m) => get(m, 'data', file) !== undefined);
    t.ok(map, `a ConfigMap carries ${file}`);
    t.equal(get(map, 'metadata', 'labels', 'grafana_dashboard'), '1', 'grafana_dashboard: "1"');
    t.equal(get(map, 'metadata', 'annotations', 'grafana_folder'), 'Platform');
    t.equal(get(map, 'data', file), readFileSync(path.join(ROOT, 'deploy/grafana', file), 'utf8').replace(/\n$/, ''), 'the JSON as it is');
    t.doesNotThrow(() => JSON.parse(String(get(map, 'data', file))), 'and it parses');
  }
  t.same(ofKind(render(), 'PrometheusRule'), [], 'both are off by default (they need the Operator / a Grafana sidecar)');
});
