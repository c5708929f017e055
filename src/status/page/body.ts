/**
 * The public status document (GET /api/status), from a snapshot, the
 * history and the operator's incidents and windows. Public: names, display
 * names, groups, statuses and times only — never an error text, details, a
 * host or a URL; hidden checks are absent everywhere.
 */
import { overallStatus } from '../../state/aggregate';
import type { CheckConfig, CheckState, Config, Snapshot } from '../../types';
import { MAX_INCIDENTS, probeIncidentId } from '../history/incidents';
import { HOUR, type HistoryStore, type Incident } from '../history/types';
import type { OperatorStore, StatusIncident } from '../operator/types';
import { encodeBars, type EncodedBars } from './bars';
import { pageState, type PageState } from './state';

/** Bars per component on the page, and the width of each (90 hours). */
export const HISTORY_BARS = 90;
export const HISTORY_BAR_MS = HOUR;
/** Incidents per page of the list, by default and at most. */
export const INCIDENT_LIMIT = 10;
export const MAX_INCIDENT_LIMIT = 100;

export interface PublicComponent {
  name: string;
  display_name: string;
  group: string;
  critical: boolean;
  status: CheckState['status'];
  /** False until the check's first result: the page says "checking", not "outage". */
  checked: boolean;
  /** Inside a maintenance window now. */
  maintenance: boolean;
  /** Last probe, ISO; null before the first. */
  checked_at: string | null;
  uptime: ReturnType<HistoryStore['uptime']>;
  /** Percent of each uptime window that has data. */
  uptime_coverage: ReturnType<HistoryStore['windows']>['coverage'];
  latency_ms: ReturnType<HistoryStore['latency']>;
}

/** Probe and operator incidents in one shape. */
export interface PublicIncident {
  id: string;
  source: 'probe' | 'operator';
  title: string;
  /** investigating | identified | monitoring | resolved (a probe incident: investigating while open). */
  status: string;
  /** none | minor | major | critical. */
  impact: string;
  resolved: boolean;
  /** Display names of the components it concerns. */
  components: string[];
  started_at: string;
  resolved_at: string | null;
  duration_s: number;
  /** Newest first (operator incidents). */
  updates: Array<{ status: string; message: string; created_at: string }>;
}

export interface PublicMaintenance {
  id: string;
  title: string;
  components: string[];
  starts_at: string;
  ends_at: string;
  status: string;
  message: string | null;
}

export interface StatusBody {
  page: { title: string; description: string };
  state: PageState;
  status: 'ok' | 'degraded' | 'error';
  updated_at: string;
  components: PublicComponent[];
  history: EncodedBars;
  /** Every unresolved incident, operator-written first, then newest first. */
  ongoing: PublicIncident[];
  /** One page of all incidents, newest first. */
  incidents: PublicIncident[];
  /** `?before=` for the next page; null on the last. */
  incidents_next: string | null;
  maintenances: PublicMaintenance[];
}

export interface BodyInput {
  readonly snap: Snapshot;
  readonly config: Config;
  readonly history: HistoryStore;
  readonly operator: OperatorStore | undefined;
  readonly now: number;
  readonly limit?: number;
  readonly before?: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** The checks the public may see, with their configs. */
export function visibleChecks(snap: Snapshot, config: Config): Array<{ state: CheckState; check: CheckConfig }> {
  const hidden = new Set(config.statusPage.hidden);
  const byName = new Map(config.checks.map((c) => [c.name, c]));
  const out: Array<{ state: CheckState; check: CheckConfig }> = [];
  for (const state of snap.checks) {
    const check = byName.get(state.name);
    if (check && !hidden.has(state.name)) out.push({ state, check });
  }
  return out;
}

function probeIncident(i: Incident, label: string, critical: boolean, now: number): PublicIncident {
  const what = i.status === 'error' ? 'outage' : 'degraded performance';
  return {
    id: probeIncidentId(i),
    source: 'probe',
    title: `${label}: ${what}`,
    status: i.end === null ? 'investigating' : 'resolved',
    impact: i.status === 'error' ? (critical ? 'major' : 'minor') : 'minor',
    resolved: i.end !== null,
    components: [label],
    started_at: iso(i.start),
    resolved_at: i.end === null ? null : iso(i.end),
    duration_s: Math.max(0, Math.round(((i.end ?? now) - i.start) / 1000)),
    updates: [],
  };
}

function operatorIncident(i: StatusIncident, label: (name: string) => string | null, now: number): PublicIncident {
  const end = i.resolved_at === null ? now : Date.parse(i.resolved_at);
  return {
    id: i.id,
    source: 'operator',
    title: i.title,
    status: i.status,
    impact: i.impact,
    resolved: i.resolved_at !== null,
    components: i.components.map(label).filter((x): x is string => x !== null),
    started_at: i.started_at,
    resolved_at: i.resolved_at,
    duration_s: Math.max(0, Math.round((end - Date.parse(i.started_at)) / 1000)),
    updates: [...i.updates].reverse().map((u) => ({ status: u.status, message: u.message, created_at: u.created_at })),
  };
}

export function buildStatusBody(input: BodyInput): StatusBody {
  const { snap, config, history, operator, now } = input;
  const visible = visibleChecks(snap, config);
  const label = (name: string) => {
    const v = visible.find((x) => x.check.name === name);
    return v ? v.check.displayName : null;
  };
  const components: PublicComponent[] = visible.map(({ state, check }) => {
    const w = history.windows(state.name);
    return {
      name: state.name,
      display_name: check.displayName,
      group: check.group,
      critical: check.critical,
      status: state.status,
      checked: state.checkedAt !== null,
      maintenance: operator?.inMaintenance(state.name, now) ?? false,
      checked_at: state.checkedAt === null ? null : iso(state.checkedAt),
      uptime: w.uptime,
      uptime_coverage: w.coverage,
      latency_ms: history.latency(state.name),
    };
  });
  const criticalOf = new Map(visible.map((v) => [v.check.name, v.check.critical]));
  const probe = history
    .incidents(MAX_INCIDENTS)
    .filter((i) => criticalOf.has(i.check))
    .map((i) => probeIncident(i, label(i.check) ?? i.check, criticalOf.get(i.check) ?? false, now));
  const written = (operator?.incidents({ state: 'all', limit: MAX_INCIDENT_LIMIT }) ?? []).map((i) => operatorIncident(i, label, now));
  const all = [...written, ...probe].sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : a.id < b.id ? 1 : -1));
  const ongoing = [...written.filter((i) => !i.resolved), ...probe.filter((i) => !i.resolved)];

  // Pagination by cursor: the page after the incident `before` (newest first); an unknown cursor gives an empty page.
  const limit = Math.min(MAX_INCIDENT_LIMIT, Math.max(1, input.limit ?? INCIDENT_LIMIT));
  const from = input.before === undefined ? 0 : all.findIndex((i) => i.id === input.before) + 1 || all.length;
  const page = all.slice(from, from + limit);
  const next = from + limit < all.length ? (page.at(-1)?.id ?? null) : null;

  const maintenances = (operator?.windows() ?? [])
    .filter((m) => m.status !== 'completed')
    .map((m) => ({
      id: m.id,
      title: m.title,
      components: m.components.map(label).filter((x): x is string => x !== null),
      starts_at: m.starts_at,
      ends_at: m.ends_at,
      status: m.status,
      message: m.message,
    }))
    .filter((m) => m.components.length > 0);

  const bars: Record<string, ReturnType<HistoryStore['buckets']>> = {};
  for (const c of components) bars[c.name] = history.buckets(c.name, HISTORY_BARS, HISTORY_BAR_MS);
  const status = overallStatus(visible.map((v) => v.state));
  return {
    page: { title: config.statusPage.title, description: config.statusPage.description },
    state: pageState(components, ongoing),
    status,
    updated_at: iso(now),
    components,
    history: encodeBars(bars, HISTORY_BAR_MS, now, HISTORY_BARS),
    ongoing,
    incidents: page,
    incidents_next: next,
    maintenances,
  };
}
