/**
 * The public incident list: operator-written incidents and probe incidents
 * (from the history store) in one shape (StatusIncident), newest first, with
 * hidden checks removed. /api/status/incidents, /api/v2/* and the feeds all
 * read it from here, so the conversion of a probe incident lives in one place.
 */
import { cmp } from '../order';
import type { HealthContext } from '../../context';
import type { CheckConfig } from '../../types';
import { probeIncidentId } from '../history/incidents';
import type { Incident } from '../history/types';
import type { StatusIncident } from '../operator/types';

/** Probe incidents read from the history at most (it keeps 200). */
const PROBE_INCIDENTS = 200;

const iso = (ms: number) => new Date(ms).toISOString();


/** A probe incident as an operator-shaped one. Its words are fixed: no error text or host reaches the public. */
export function probeIncident(i: Incident, check: CheckConfig | undefined): StatusIncident {
  const id = probeIncidentId(i);
  const name = check?.displayName ?? i.check;
  const failing = i.status === 'error';
  const open = { id: `${id}-open`, status: 'investigating' as const, message: `${name} is ${failing ? 'failing' : 'degraded'}, as detected by automated checks.`, created_at: iso(i.start) };
  const closed = i.end === null ? [] : [{ id: `${id}-resolved`, status: 'resolved' as const, message: `${name} has recovered.`, created_at: iso(i.end) }];
  return {
    id,
    title: `${name}: ${failing ? 'outage' : 'degraded performance'}`,
    status: i.end === null ? 'investigating' : 'resolved',
    // Same rule as the page's indicator: a critical check in error is a major outage, anything less is minor.
    impact: failing && (check?.critical ?? true) ? 'major' : 'minor',
    source: 'probe',
    components: [i.check],
    created_at: iso(i.start),
    updated_at: iso(i.end ?? i.start),
    started_at: iso(i.start),
    resolved_at: i.end === null ? null : iso(i.end),
    updates: [open, ...closed],
  };
}

/** Checks shown publicly, in config order. */
export function publicChecks(ctx: Pick<HealthContext, 'config'>): CheckConfig[] {
  const hidden = new Set(ctx.config.statusPage.hidden);
  return ctx.config.checks.filter((c) => !hidden.has(c.name));
}

const newestFirst = (a: StatusIncident, b: StatusIncident) => cmp(b.created_at, a.created_at) || cmp(b.id, a.id);

/** Every public incident, newest first. */
export function allIncidents(ctx: Pick<HealthContext, 'config' | 'history' | 'operator'>): StatusIncident[] {
  const hidden = new Set(ctx.config.statusPage.hidden);
  const byName = new Map(ctx.config.checks.map((c) => [c.name, c]));
  const probe = ctx.history
    .incidents(PROBE_INCIDENTS)
    .filter((i) => !hidden.has(i.check) && byName.has(i.check))
    .map((i) => probeIncident(i, byName.get(i.check)));
  const operator = (ctx.operator?.incidents({ state: 'all', limit: Number.MAX_SAFE_INTEGER }) ?? []).map((i) =>
    i.components.some((c) => hidden.has(c)) ? { ...i, components: i.components.filter((c) => !hidden.has(c)) } : i,
  );
  return [...operator, ...probe].sort(newestFirst);
}

export interface IncidentFilter {
  readonly state: string;
  readonly source: 'operator' | 'probe' | null;
  readonly limit: number;
  readonly before: string | null;
}

/** One page of the list; `null` when `before` names no listed incident. */
export function pageOfIncidents(all: readonly StatusIncident[], f: IncidentFilter): StatusIncident[] | null {
  let list = all.filter(
    (i) =>
      (f.source === null || i.source === f.source) &&
      (f.state === 'all' || (f.state === 'resolved') === (i.status === 'resolved')),
  );
  if (f.before !== null) {
    const k = list.findIndex((i) => i.id === f.before);
    if (k === -1) return null;
    list = list.slice(k + 1);
  }
  return list.slice(0, f.limit);
}

/** One public incident by id. */
export function findIncident(ctx: Pick<HealthContext, 'config' | 'history' | 'operator'>, id: string): StatusIncident | undefined {
  return allIncidents(ctx).find((i) => i.id === id);
}
