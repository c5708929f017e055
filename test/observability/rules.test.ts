/**
 * The alerting rules pass Prometheus' own checks and unit tests, and every
 * alert carries what an on-call engineer needs: a guide severity, a summary
 * naming what is broken, a description, and a runbook that exists.
 */
import t from 'tap';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRules, loadRuleTests } from './artifacts';
import { DEPLOY, RULES, RULE_TESTS, promtool } from './promtool';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const alerts = loadRules().filter((r) => r.alert);

t.test('promtool check rules accepts the rules file', async (t) => {
  const r = promtool(['check', 'rules', RULES]);
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS: \d+ rules found/);
});

t.test('promtool test rules passes every unit test', async (t) => {
  const r = promtool(['test', 'rules', path.basename(RULE_TESTS)], undefined, path.dirname(RULE_TESTS));
  t.equal(r.code, 0, r.output);
  t.match(r.output, /SUCCESS/);
});

t.test('the unit tests can fail: a rule made to fire too early breaks them', async (t) => {
  // Guards against a test file whose expectations pass whatever the rules say.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const broken = readFileSync(RULES, 'utf8').replace(
    'max by (job, check, type) (health_check_up{job="health-aggregator", critical="true"}) == 0\n        for: 2m',
    'max by (job, check, type) (health_check_up{job="health-aggregator", critical="true"}) == 0\n        for: 1m',
  );
  t.not(broken, readFileSync(RULES, 'utf8'), 'the mutation applied');
  writeFileSync(path.join(dir, path.basename(RULES)), broken);
  writeFileSync(path.join(dir, 'tests.yml'), readFileSync(RULE_TESTS, 'utf8'));
  const r = promtool(['test', 'rules', 'tests.yml'], undefined, dir);
  t.not(r.code, 0, 'promtool reports the failure');
  t.match(r.output, /CriticalDependencyDown/);
});

t.test('every alert has a guide severity, a summary, a description and a runbook anchor that exists', async (t) => {
  const readme = readFileSync(path.join(DEPLOY, 'README.md'), 'utf8');
  const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
  t.ok(alerts.length >= 10, `${alerts.length} alerts`);
  for (const a of alerts) {
    t.ok(SEVERITIES.includes(a.labels?.severity ?? ''), `${a.alert}: severity ${a.labels?.severity}`);
    t.ok(a.annotations?.summary, `${a.alert}: summary`);
    t.ok(a.annotations?.description, `${a.alert}: description`);
    const anchor = /#([\w-]+)$/.exec(a.annotations?.runbook_url ?? '')?.[1];
    t.ok(anchor && anchors.has(anchor), `${a.alert}: runbook anchor #${anchor} is a heading in deploy/README.md`);
  }
});

t.test('alerts about a check or a queue name it in their summary', async (t) => {
  for (const a of alerts) {
    const scope = /\bqueue\b/.test(a.expr.replace(/\{[^}]*\}/g, '')) ? 'queue' : /health_check_/.test(a.expr) ? 'check' : null;
    if (scope === null) continue;
    t.match(a.annotations?.summary ?? '', new RegExp(`\\{\\{ \\$labels\\.${scope} \\}\\}`), `${a.alert} names its ${scope}`);
    if (scope === 'queue') t.match(a.annotations?.summary ?? '', /\{\{ \$labels\.check \}\}/, `${a.alert} names its check`);
  }
});

t.test('every alert has a unit test where it fires and one where it stays quiet', async (t) => {
  const cases = loadRuleTests().tests.flatMap((x) => x.alert_rule_test ?? []);
  for (const a of alerts) {
    const mine = cases.filter((c) => c.alertname === a.alert);
    t.ok(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${a.alert} is shown firing`);
    t.ok(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${a.alert} is shown not firing`);
  }
});

t.test('the guide\'s Key Alerts exist with its severities', async (t) => {
  // observability-guide.md, "Key Alerts".
  const guide: Record<string, string> = {
    ServiceDown: 'critical',
    HighErrorRate: 'critical',
    APILatency: 'high',
    DatabaseConnectionPool: 'high',
    SlowQueries: 'medium',
    DiskSpace: 'high',
    JobQueueGrowing: 'medium',
    CPUUsageHigh: 'medium',
    MemoryUsageHigh: 'medium',
    LowSuccessRate: 'high',
  };
  for (const [name, severity] of Object.entries(guide)) {
    t.equal(alerts.find((a) => a.alert === name)?.labels?.severity, severity, `${name} is ${severity}`);
  }
  t.equal(alerts.find((a) => a.alert === 'JobQueueGrowing')?.for, '30m', 'the guide: increasing for 30m');
  t.equal(alerts.find((a) => a.alert === 'ServiceDown')?.for, '2m', 'the guide: unavailable > 2m');
  t.equal(alerts.find((a) => a.alert === 'APILatency')?.for, '10m', 'the guide: p95 > 1s for 10m');
  t.equal(alerts.find((a) => a.alert === 'CPUUsageHigh')?.for, '15m');
  t.equal(alerts.find((a) => a.alert === 'MemoryUsageHigh')?.for, '15m');
});

t.test('every metric selector matches job="health-aggregator" exactly, never a pattern on it', async (t) => {
  for (const r of loadRules()) {
    const name = r.alert ?? r.record;
    t.notMatch(r.expr, /job\s*=~/, `${name}: no regex on job`);
    // Every selector of a metric this service exports names the job; time() and recorded series need not.
    for (const m of r.expr.matchAll(/(?<![:\w])((?:health|http|db|process|nodejs)_[a-z0-9_]+|up)(\{[^}]*\})?/g)) {
      if (/^job_|^job:/.test(m[1]!)) continue;
      t.match(m[2] ?? '', /job="health-aggregator"/, `${name}: ${m[1]} selects the job`);
    }
  }
});
