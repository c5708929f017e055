/**
 * Runs Prometheus' own `promtool` (Debian package `prometheus`, which .ci/run
 * installs). A missing binary is a failure with the fix in its message, never
 * a skip: the rules would otherwise ship untested.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const DEPLOY = path.resolve(__dirname, '../../deploy');
export const RULES = path.join(DEPLOY, 'prometheus/health-aggregator.rules.yml');
export const RULE_TESTS = path.join(DEPLOY, 'prometheus/health-aggregator.rules.test.yml');
export const DASHBOARD = path.join(DEPLOY, 'grafana/health-aggregator.dashboard.json');
/** The guide's three dashboards: Operational Health, API Performance, Database Performance. */
export const DASHBOARDS = ['health-aggregator', 'api-performance', 'database-performance'].map((n) => path.join(DEPLOY, `grafana/${n}.dashboard.json`));

export interface ToolRun {
  readonly code: number | null;
  /** stdout + stderr. */
  readonly output: string;
}

export const MISSING = (tool: string) =>
  `${tool} is not installed: apt-get install prometheus (the Debian package brings prometheus and promtool)`;

/** Runs `promtool ARGS` with optional stdin, bounded at 60 s; throws the install hint when it is missing. */
export function promtool(args: readonly string[], input?: string, cwd?: string): ToolRun {
  const r = spawnSync('promtool', args, { input, cwd, encoding: 'utf8', timeout: 60_000 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(MISSING('promtool'));
  if (r.error) throw r.error;
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
