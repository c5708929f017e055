/**
 * The `causedBy` rule over checks by index, so the store can answer it for one
 * check without looking at the others, and know which checks an update can
 * reach: only the dependents of a check whose `error` status flipped or whose
 * own root changed while in error.
 */
import type { CheckState } from '../types';

/** A check is failing when it is in error, or its latest probe failed (still under its threshold). */
export function isFailing(s: Pick<CheckState, 'status' | 'consecutiveFailures'>): boolean {
  return s.status === 'error' || s.consecutiveFailures > 0;
}

/** Checks by index and their `dependsOn` edges in both directions. */
export interface DependencyGraph {
  /** Indexes of what check i needs, in its `dependsOn` order (unknown names dropped). */
  readonly needs: readonly (readonly number[])[];
  /** Indexes of the checks that name check i in their `dependsOn`. */
  readonly neededBy: readonly (readonly number[])[];
}

export function dependencyGraph(names: readonly string[], dependsOn: (i: number) => readonly string[]): DependencyGraph {
  const index = new Map(names.map((n, i) => [n, i]));
  const needs = names.map((_, i) => dependsOn(i).map((d) => index.get(d)).filter((j): j is number => j !== undefined));
  const neededBy: number[][] = names.map(() => []);
  needs.forEach((deps, i) => deps.forEach((j) => neededBy[j]!.push(i)));
  return { needs, neededBy };
}

/**
 * The root cause of check `i`, by index, or null.
 *
 * The first dependency in `dependsOn` order that is in error wins, and the
 * link is followed to its root: if `api` needs `cache` and `cache` is in error
 * because of `redis`, `api` says `redis`, so an outage shows one root instead
 * of a cascade. `self` is check i's own state (it may not be served yet);
 * `stateOf(j)` is any other check's served state. Config validation rejects
 * cycles; a visited set keeps a bad config from looping here anyway.
 */
export function rootCause(
  i: number,
  self: Pick<CheckState, 'status' | 'consecutiveFailures'>,
  graph: DependencyGraph,
  stateOf: (j: number) => Pick<CheckState, 'status' | 'consecutiveFailures'>,
): number | null {
  // Most checks need nothing: answer without allocating.
  if (graph.needs[i]!.length === 0 || !isFailing(self)) return null;
  const seen = new Set<number>();
  const walk = (at: number): number | null => {
    const s = at === i ? self : stateOf(at);
    if (!isFailing(s) || seen.has(at)) return null;
    seen.add(at);
    for (const dep of graph.needs[at]!) {
      if ((dep === i ? self : stateOf(dep)).status !== 'error') continue;
      return walk(dep) ?? dep;
    }
    return null;
  };
  const found = walk(i);
  return found === i ? null : found;
}
