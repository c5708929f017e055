/**
 * What operators write (CONTRACT §4.7, §5.8) and what the status page, the
 * Statuspage-compatible API, the feeds and the notifiers read. Reads are
 * synchronous and served from memory; writes go to the history store
 * (memory or PostgreSQL) and are visible to every replica.
 * Times are ISO 8601 strings, as served.
 */

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export interface IncidentUpdate {
  readonly id: string;
  readonly status: IncidentStatus;
  /** Plain text, at most 5,000 characters; the page escapes it. */
  readonly message: string;
  readonly created_at: string;
}

/** An incident as served by /api/status/incidents (operator-written, or a probe incident in the same shape). */
export interface StatusIncident {
  readonly id: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly impact: Impact;
  readonly source: 'operator' | 'probe';
  /** Check names. */
  readonly components: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at: string;
  readonly resolved_at: string | null;
  /** Oldest first. */
  readonly updates: readonly IncidentUpdate[];
}

export type MaintenanceState = 'upcoming' | 'active' | 'completed';

/** A one-off window (operator API) or the next occurrence of a recurring one (config). */
export interface MaintenanceWindow {
  readonly id: string;
  /** A recurring window's title is its config `name`. */
  readonly title: string;
  readonly components: readonly string[];
  readonly starts_at: string;
  readonly ends_at: string;
  readonly status: MaintenanceState;
  readonly source: 'operator' | 'config';
  readonly message: string | null;
}

/** Answers "is this check in a maintenance window at this time?" for history, notifications, metrics and views. */
export interface MaintenanceCalendar {
  /** True when `check` is inside an active one-off or recurring window at `at` (epoch ms, default now). Cheap: called per probe. */
  inMaintenance(check: string, at?: number): boolean;
  /** Windows in that state (all when omitted), soonest first. */
  windows(state?: MaintenanceState): readonly MaintenanceWindow[];
}

/** An operator-side change, for notifiers (`incident`, `maintenance` events) and live page updates. */
export type OperatorEvent = (
  | { readonly kind: 'incident'; readonly action: 'created' | 'updated'; readonly incident: StatusIncident }
  | { readonly kind: 'maintenance'; readonly action: 'started' | 'ended' | 'scheduled' | 'cancelled'; readonly window: MaintenanceWindow }
) & {
  /**
   * Set when EVERY replica emits this event (maintenance `started`/`ended` come
   * from each replica's own timer): a key equal on all replicas, to claim the
   * event once per cluster (e.g. `maintenance:started:<window id>`). Absent when
   * only the replica that made the change emits it (incident created/updated,
   * maintenance scheduled/cancelled: the writer's API call).
   */
  readonly dedupe?: string;
};

/** The operator's writes and their reads. */
export interface OperatorStore extends MaintenanceCalendar {
  /** Operator incidents only (probe incidents live in the history store), newest first. */
  incidents(query: { readonly state?: 'unresolved' | 'resolved' | 'all'; readonly limit?: number; readonly before?: string }): readonly StatusIncident[];
  incident(id: string): StatusIncident | undefined;
  /** Every operator event; `started`/`ended` arrive on every replica with a `dedupe` key (see OperatorEvent). Returns an unsubscribe function. */
  onEvent(fn: (event: OperatorEvent) => void): () => void;
  close(): Promise<void>;
}
