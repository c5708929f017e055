/**
 * The page's one-word verdict, from what the public may see. Honest about
 * itself: "checking" until every critical component has a first result
 * (never "major outage" for want of data), a component in maintenance is
 * not an outage, and an operator's ongoing incident can only make it worse.
 */
export const PAGE_STATES = ['checking', 'operational', 'maintenance', 'degraded', 'partial_outage', 'major_outage'] as const;
export type PageState = (typeof PAGE_STATES)[number];

/** Worse states later. `checking` and `maintenance` are below every problem: a known outage outranks both. */
const RANK: Record<PageState, number> = { operational: 0, checking: 1, maintenance: 2, degraded: 3, partial_outage: 4, major_outage: 5 };
const IMPACT: Record<string, PageState> = { none: 'operational', minor: 'degraded', major: 'partial_outage', critical: 'major_outage' };

export interface StateComponent {
  readonly status: string;
  readonly critical: boolean;
  readonly checked: boolean;
  readonly maintenance: boolean;
}

const worse = (a: PageState, b: PageState): PageState => (RANK[b] > RANK[a] ? b : a);

export function componentState(c: StateComponent): PageState {
  if (c.maintenance) return 'maintenance';
  if (!c.checked) return 'checking';
  if (c.status === 'error') return c.critical ? 'major_outage' : 'partial_outage';
  // unknown after a first result: stale; the page cannot vouch for it.
  if (c.status === 'degraded' || c.status === 'unknown') return 'degraded';
  return 'operational';
}

export function pageState(components: readonly StateComponent[], ongoing: ReadonlyArray<{ readonly source: string; readonly impact: string }>): PageState {
  let state: PageState = 'operational';
  for (const c of components) {
    const s = componentState(c);
    // A non-critical component still checking does not hold the whole page at "checking".
    if (s === 'checking' && !c.critical) continue;
    state = worse(state, s);
  }
  for (const i of ongoing) if (i.source === 'operator') state = worse(state, IMPACT[i.impact] ?? 'operational');
  return state;
}
