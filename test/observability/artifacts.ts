/** The shipped rules and dashboard, read as data, and every PromQL expression they hold. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import path from 'node:path';
import { DASHBOARD, DASHBOARDS, RULES, RULE_TESTS } from './promtool';

export interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface Target {
  readonly expr?: string;
  readonly refId?: string;
  readonly datasource?: { type?: string; uid?: string };
}

export interface Panel {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: Target[];
}

export interface Dashboard {
  readonly schemaVersion: number;
  readonly uid: string;
  readonly title: string;
  readonly __inputs?: Array<{ name: string; type: string; pluginId: string }>;
  readonly templating: { list: Array<{ name: string; type: string; query: unknown; definition?: string; datasource?: unknown }> };
  readonly panels: Panel[];
}

export function loadRules(): Rule[] {
  const doc = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

export function loadRuleTests(): { tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }> } {
  return parse(readFileSync(RULE_TESTS, 'utf8')) as ReturnType<typeof loadRuleTests>;
}

export function loadDashboard(file = DASHBOARD): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every shipped dashboard with its file name. */
export function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return DASHBOARDS.map((f) => ({ file: path.basename(f), dashboard: loadDashboard(f) }));
}

/** Panels that show data (rows only group them). */
export function dataPanels(d: Dashboard): Panel[] {
  return d.panels.filter((p) => p.type !== 'row');
}

/** Dashboard variables replaced by values a plain Prometheus understands. */
export function concreteExpr(expr: string, job = 'health-aggregator'): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '5m')
    .replaceAll('$job', job)
    .replaceAll('$check', '.*')
    .replaceAll('$route', '.*');
}

/** Every dashboard expression, labelled with its panel, as Prometheus would receive it. */
export function dashboardExprs(d: Dashboard, job?: string): Array<{ where: string; expr: string }> {
  return dataPanels(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: concreteExpr(t.expr ?? '', job) })),
  );
}
