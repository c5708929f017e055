/** Rules that span more than one value: names, dependencies, timeout vs interval, option pairs. */
import { formatDuration } from './duration';
import { heartbeatTiming } from './heartbeat-schema';
import type { ParsedCheck } from './checks-schema';
import { closest, FOUND, type Problems } from './problems';
import type { Defaults } from './sections-schema';

export interface Located {
  /** Index in the `checks` list. */
  readonly index: number;
  readonly check: ParsedCheck;
}

/** Reports a name used twice; returns every valid name with the index of its first use. */
export function checkNames(names: ReadonlyMap<number, string>, problems: Problems): Map<string, number> {
  const first = new Map<string, number>();
  for (const [index, name] of names) {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else problems.add(['checks', index, 'name'], `${FOUND} is already the name of checks[${earlier}]`, name);
  }
  return first;
}

/** A check's name and the names it depends on, read even from a check with other problems. */
export interface DependencyEdges {
  readonly index: number;
  readonly name: string;
  readonly dependsOn: readonly string[];
}

export function checkDependencies(checks: readonly DependencyEdges[], known: ReadonlyMap<string, number>, problems: Problems): void {
  const graph = new Map<string, string[]>();
  for (const check of checks) {
    const { index } = check;
    const edges: string[] = [];
    check.dependsOn.forEach((dep, j) => {
      const at = ['checks', index, 'dependsOn', j];
      if (dep === check.name) {
        problems.add(at, `${FOUND} is the check itself (a check cannot depend on itself)`, dep);
      } else if (!known.has(dep)) {
        const suggestion = closest(dep, [...known.keys()]);
        const hint = suggestion === undefined ? `known: ${[...known.keys()].join(', ')}` : `did you mean "${suggestion}"?`;
        problems.add(at, `${FOUND} is not the name of a check (${hint})`, dep);
      } else {
        edges.push(dep);
      }
    });
    // A duplicate name (reported by checkNames) adds its edges to the first one's.
    graph.set(check.name, [...(graph.get(check.name) ?? []), ...edges]);
  }
  for (const cycle of findCycles(graph, known)) {
    const start = known.get(cycle[0]!) ?? 0;
    problems.add(['checks', start, 'dependsOn'], `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
  }
}

/** Each cycle once, rotated to start at the check listed first in the config. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>, order: ReadonlyMap<string, number>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const first = cycle.reduce((best, n, i) => ((order.get(n) ?? 0) < (order.get(cycle[best]!) ?? 0) ? i : best), 0);
        cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** A probe must end before the next one is due: timeout < interval, wherever each was set. */
export function checkTimeouts(checks: readonly Located[], defaults: Defaults | undefined, problems: Problems): void {
  if (defaults && defaults.timeout >= defaults.interval) {
    problems.add(['defaults', 'timeout'], `${formatDuration(defaults.timeout)} is not shorter than defaults.interval (${formatDuration(defaults.interval)})`);
  }
  for (const { index, check } of checks) {
    // A heartbeat without its own timeout derives one from its interval (heartbeat-schema.ts).
    if (check.type === 'heartbeat' && check.timeout === undefined) continue;
    // A heartbeat's interval defaults to its own evaluation period, not defaults.interval: compare what it resolves to.
    const inherited = check.type === 'heartbeat' ? heartbeatTiming(check).interval : defaults?.interval;
    const interval = check.interval ?? inherited;
    const timeout = check.timeout ?? defaults?.timeout;
    if (interval === undefined || timeout === undefined || timeout < interval) continue;
    if (check.timeout !== undefined) {
      const from = check.interval !== undefined ? '' : check.type === 'heartbeat' ? ', the heartbeat default' : ', from defaults';
      problems.add(['checks', index, 'timeout'], `${formatDuration(timeout)} is not shorter than the interval (${formatDuration(interval)}${from})`);
    } else if (check.interval !== undefined) {
      problems.add(['checks', index, 'interval'], `${formatDuration(interval)} is not longer than the timeout (${formatDuration(timeout)}, from defaults)`);
    }
    // Both inherited: already reported once under defaults.
  }
}

/** Options that only make sense together. */
export function checkOptionPairs(checks: readonly Located[], problems: Problems): void {
  for (const { index, check } of checks) {
    const at = (key: string) => ['checks', index, key];
    if (check.type === 'http' && check.body !== null && check.method !== 'POST' && check.method !== 'PUT') {
      problems.add(at('body'), `not allowed with method ${check.method} (only POST and PUT send a body)`);
    }
    if (check.type === 'disk' && check.degradedUsage > check.maxUsage) {
      problems.add(at('degradedUsage'), `${percent(check.degradedUsage)} is above maxUsage (${percent(check.maxUsage)}): a disk turns degraded before it turns error`);
    }
    if (check.type === 's3') {
      if (check.accessKeyId !== null && check.secretAccessKey === null) problems.add(at('secretAccessKey'), 'missing (required when accessKeyId is set)');
      if (check.accessKeyId === null && check.secretAccessKey !== null) problems.add(at('accessKeyId'), 'missing (required when secretAccessKey is set)');
      if (check.sessionToken !== null && check.accessKeyId === null && check.secretAccessKey === null) {
        problems.add(at('sessionToken'), 'not allowed without accessKeyId and secretAccessKey');
      }
    }
  }
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
