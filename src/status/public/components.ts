/**
 * A check's public state in Statuspage's words (CONTRACT §4.8), and the
 * impact an operator incident gets when its author names none.
 */
import type { CheckState, Snapshot } from '../../types';
import type { Impact } from '../operator/types';

export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export function componentStatus(state: Pick<CheckState, 'status' | 'critical'>, inMaintenance: boolean): ComponentStatus {
  if (inMaintenance) return 'under_maintenance';
  if (state.status === 'ok') return 'operational';
  if (state.status === 'error') return state.critical ? 'major_outage' : 'partial_outage';
  return 'degraded_performance';
}

const IMPACT_RANK: Readonly<Record<Impact, number>> = { none: 0, minor: 1, major: 2, critical: 3 };

export const worstImpact = (a: Impact, b: Impact): Impact => (IMPACT_RANK[b] > IMPACT_RANK[a] ? b : a);

/** From the named components now: a critical one in error -> major; any in error or degraded -> minor; else none. */
export function impactOf(snap: Snapshot, components: readonly string[], inMaintenance: (check: string) => boolean = () => false): Impact {
  let impact: Impact = 'none';
  // One pass to index: v2's status names every check, and a find per check is quadratic in their number.
  const byName = new Map(snap.checks.map((s) => [s.name, s]));
  for (const name of components) {
    const c = byName.get(name);
    if (!c || inMaintenance(name)) continue;
    if (c.status === 'error') impact = worstImpact(impact, c.critical ? 'major' : 'minor');
    else if (c.status === 'degraded') impact = worstImpact(impact, 'minor');
  }
  return impact;
}
