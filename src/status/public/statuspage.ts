/**
 * Bodies of the Statuspage-compatible API (CONTRACT §4.8): Atlassian
 * Statuspage's public /api/v2 field names and values, so its consumers
 * (aggregators, widgets, chat bots) read this service unchanged. Pure:
 * everything comes in through `V2Input`.
 */
import { cmp } from '../order';
import { createHash } from 'node:crypto';
import type { CheckConfig, Snapshot } from '../../types';
import type { Impact, MaintenanceWindow, StatusIncident } from '../operator/types';
import { componentStatus, impactOf, worstImpact, type ComponentStatus } from './components';

export interface V2Input {
  readonly service: string;
  readonly title: string;
  /** statusPage.url, "" when unset. */
  readonly url: string;
  readonly snap: Snapshot;
  /** Public checks, config order. */
  readonly checks: readonly CheckConfig[];
  /** Epoch ms each check's current status began. */
  readonly since: (check: string) => number;
  readonly inMaintenance: (check: string) => boolean;
  /** Public incidents (operator and probe), newest first. */
  readonly incidents: readonly StatusIncident[];
  /** Public maintenance windows (hidden checks removed). */
  readonly windows: readonly MaintenanceWindow[];
  /** Epoch ms the service started (components' created_at). */
  readonly startedAt: number;
  readonly now: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Statuspage ids are 12 lowercase characters; ours are derived, so every replica gives the same ones. */
const derivedId = (what: string) => createHash('sha256').update(what).digest('hex').slice(0, 12);

export const INDICATORS = ['none', 'minor', 'major', 'critical'] as const;
const DESCRIPTIONS: Readonly<Record<Impact, string>> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

export function pageOf(input: V2Input) {
  const latest = Math.max(
    input.startedAt,
    ...input.checks.map((c) => input.since(c.name)),
    ...input.incidents.map((i) => Date.parse(i.updated_at)),
  );
  return { id: derivedId(`page:${input.service}`), name: input.title, url: input.url, time_zone: 'Etc/UTC', updated_at: iso(Math.min(latest, input.now)) };
}

/** Components (a critical check in error -> major, anything else in error or degraded -> minor) and unresolved operator incidents' impact, the worse. */
export function statusOf(input: V2Input) {
  let indicator = impactOf(input.snap, input.checks.map((c) => c.name), input.inMaintenance);
  for (const i of input.incidents) if (i.source === 'operator' && i.status !== 'resolved') indicator = worstImpact(indicator, i.impact);
  return { indicator, description: DESCRIPTIONS[indicator] };
}

const STATUS_RANK: Readonly<Record<ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function componentsOf(input: V2Input) {
  const pageId = derivedId(`page:${input.service}`);
  const created = iso(input.startedAt);
  const groups = new Map<string, string[]>();
  for (const c of input.checks) {
    const names = groups.get(c.group);
    if (names) names.push(c.name);
    else groups.set(c.group, [c.name]);
  }
  const out: Array<Record<string, unknown>> = [];
  const members = new Map<string, { status: ComponentStatus; updated: number }>();
  // Indexed once: a find per check would be quadratic in the number of checks, per request.
  const states = new Map(input.snap.checks.map((s) => [s.name, s]));
  const configs = new Map(input.checks.map((c) => [c.name, c]));
  for (const c of input.checks) {
    const state = states.get(c.name);
    const maintenance = input.inMaintenance(c.name);
    const status = state ? componentStatus(state, maintenance) : 'degraded_performance';
    // Under maintenance the status began when the window did.
    const windowStart = maintenance
      ? Math.max(...input.windows.filter((w) => w.status === 'active' && w.components.includes(c.name)).map((w) => Date.parse(w.starts_at)))
      : -Infinity;
    members.set(c.name, { status, updated: Number.isFinite(windowStart) ? windowStart : input.since(c.name) });
  }
  let position = 0;
  for (const [group, names] of groups) {
    const groupId = derivedId(`group:${input.service}:${group}`);
    const worst = names.map((n) => members.get(n)!).reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a));
    out.push({
      id: groupId, name: group, status: worst.status, created_at: created,
      updated_at: iso(Math.max(...names.map((n) => members.get(n)!.updated))),
      position: ++position, description: null, showcase: false, start_date: null, group_id: null, page_id: pageId,
      group: true, only_show_if_degraded: false, components: names,
    });
    for (const name of names) {
      const c = configs.get(name)!;
      const m = members.get(name)!;
      out.push({
        id: name, name: c.displayName, status: m.status, created_at: created, updated_at: iso(m.updated),
        position: ++position, description: null, showcase: true, start_date: null, group_id: groupId, page_id: pageId,
        group: false, only_show_if_degraded: false,
      });
    }
  }
  return out;
}

function shortlink(input: V2Input, id: string): string {
  return `${input.url.replace(/\/$/, '')}/status#incident-${id}`;
}

type Component = ReturnType<typeof componentsOf>[number];

const affected = (all: readonly Component[], names: readonly string[]) => all.filter((c) => c.group === false && names.includes(c.id as string));

export function incidentOf(input: V2Input, i: StatusIncident, all: readonly Component[] = componentsOf(input)) {
  const monitoring = i.updates.find((u) => u.status === 'monitoring');
  return {
    id: i.id,
    name: i.title,
    status: i.status,
    impact: i.impact,
    created_at: i.created_at,
    updated_at: i.updated_at,
    started_at: i.started_at,
    monitoring_at: monitoring?.created_at ?? null,
    resolved_at: i.resolved_at,
    shortlink: shortlink(input, i.id),
    page_id: derivedId(`page:${input.service}`),
    components: affected(all, i.components),
    // Statuspage lists updates newest first.
    incident_updates: [...i.updates].reverse().map((u) => ({
      id: u.id, status: u.status, body: u.message, incident_id: i.id, created_at: u.created_at, updated_at: u.created_at,
      display_at: u.created_at, affected_components: null,
    })),
  };
}

export const MAINTENANCE_STATUS = { upcoming: 'scheduled', active: 'in_progress', completed: 'completed' } as const;

export function maintenanceOf(input: V2Input, w: MaintenanceWindow, all: readonly Component[] = componentsOf(input)) {
  const status = MAINTENANCE_STATUS[w.status];
  const created = (w as { created_at?: string }).created_at ?? w.starts_at;
  const body = w.message ?? `Scheduled maintenance: ${w.title}.`;
  const update = { id: `${w.id}-scheduled`, status: 'scheduled', body, incident_id: w.id, created_at: created, updated_at: created, display_at: created, affected_components: null };
  const transitions = [update];
  if (w.status !== 'upcoming') transitions.unshift({ ...update, id: `${w.id}-in-progress`, status: 'in_progress', body: `${w.title} is in progress.`, created_at: w.starts_at, updated_at: w.starts_at, display_at: w.starts_at });
  if (w.status === 'completed') transitions.unshift({ ...update, id: `${w.id}-completed`, status: 'completed', body: `${w.title} has completed.`, created_at: w.ends_at, updated_at: w.ends_at, display_at: w.ends_at });
  // Newest first, like every Statuspage update list (a window scheduled after it started lists "in progress" below).
  transitions.sort((a, b) => cmp(b.created_at, a.created_at));
  return {
    id: w.id,
    name: w.title,
    status,
    impact: 'maintenance',
    created_at: created,
    updated_at: transitions[0]!.created_at,
    started_at: w.starts_at,
    monitoring_at: null,
    resolved_at: w.status === 'completed' ? w.ends_at : null,
    shortlink: shortlink(input, w.id),
    page_id: derivedId(`page:${input.service}`),
    scheduled_for: w.starts_at,
    scheduled_until: w.ends_at,
    components: affected(all, w.components),
    incident_updates: transitions,
  };
}

/** Statuspage answers the 50 most recent. */
const LIST_LIMIT = 50;

export function v2Bodies(input: V2Input) {
  const page = pageOf(input);
  const components = componentsOf(input);
  const incidents = (list: readonly StatusIncident[]) => list.map((i) => incidentOf(input, i, components));
  const unresolved = () => incidents(input.incidents.filter((i) => i.status !== 'resolved'));
  const maint = (states: readonly MaintenanceWindow['status'][]) =>
    input.windows.filter((w) => states.includes(w.status)).map((w) => maintenanceOf(input, w, components));
  return {
    status: () => ({ page, status: statusOf(input) }),
    components: () => ({ page, components }),
    incidents: () => ({ page, incidents: incidents(input.incidents.slice(0, LIST_LIMIT)) }),
    unresolved: () => ({ page, incidents: unresolved() }),
    maintenances: () => ({ page, scheduled_maintenances: maint(['upcoming', 'active', 'completed']).reverse().slice(0, LIST_LIMIT) }),
    upcoming: () => ({ page, scheduled_maintenances: maint(['upcoming']) }),
    active: () => ({ page, scheduled_maintenances: maint(['active']) }),
    summary: () => ({ page, components, incidents: unresolved(), scheduled_maintenances: maint(['active', 'upcoming']), status: statusOf(input) }),
  };
}
