/**
 * Where operator writes are kept. The store (store.ts) serves every read from
 * its own copy; a backend only persists and loads. Memory keeps them for the
 * life of the process; PostgreSQL (postgres.ts) for restarts and replicas.
 */
import { cmp } from '../order';
import type { OneOffWindow } from '../maintenance/calendar';
import type { StatusIncident } from './types';

export interface OperatorData {
  /** Newest first. */
  readonly incidents: readonly StatusIncident[];
  /** Soonest first. */
  readonly windows: readonly OneOffWindow[];
}

export interface OperatorBackend {
  /** Everything kept for this service (bounded: the newest MAX_INCIDENTS, windows not ended before the retention). */
  load(now: number): Promise<OperatorData>;
  insertIncident(incident: StatusIncident): Promise<void>;
  /** Applies `change` to the stored incident atomically (two replicas appending updates at once both keep theirs). */
  updateIncident(id: string, change: (current: StatusIncident) => StatusIncident): Promise<StatusIncident | undefined>;
  insertWindow(window: OneOffWindow): Promise<void>;
  /** false when there was no such window. */
  deleteWindow(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Operator incidents kept (and served) at most; the oldest go first. */
export const MAX_INCIDENTS = 500;
/** Windows that ended longer ago than this are dropped (30 days, like history). */
export const WINDOW_RETENTION_MS = 30 * 86_400_000;
/** One-off windows kept at most. */
export const MAX_WINDOWS = 500;

const byCreatedDesc = (a: StatusIncident, b: StatusIncident) => cmp(b.created_at, a.created_at) || cmp(b.id, a.id);
const byStart = (a: OneOffWindow, b: OneOffWindow) => cmp(a.starts_at, b.starts_at) || cmp(a.id, b.id);

/** Applies the bounds every backend keeps. */
export function bounded(data: OperatorData, now: number): OperatorData {
  const cutoff = now - WINDOW_RETENTION_MS;
  return {
    incidents: [...data.incidents].sort(byCreatedDesc).slice(0, MAX_INCIDENTS),
    windows: data.windows
      .filter((w) => Date.parse(w.ends_at) > cutoff)
      .sort(byStart)
      .slice(-MAX_WINDOWS),
  };
}

export function createMemoryBackend(): OperatorBackend {
  let incidents = new Map<string, StatusIncident>();
  let windows = new Map<string, OneOffWindow>();
  const prune = (now: number) => {
    const kept = bounded({ incidents: [...incidents.values()], windows: [...windows.values()] }, now);
    incidents = new Map(kept.incidents.map((i) => [i.id, i]));
    windows = new Map(kept.windows.map((w) => [w.id, w]));
    return kept;
  };
  return {
    async load(now) {
      return prune(now);
    },
    async insertIncident(incident) {
      incidents.set(incident.id, incident);
      // Bounded like the copy the store serves (a long-lived process would otherwise keep every incident ever written).
      if (incidents.size > MAX_INCIDENTS) prune(Date.now());
    },
    async updateIncident(id, change) {
      const current = incidents.get(id);
      if (!current) return undefined;
      const next = change(current);
      incidents.set(id, next);
      return next;
    },
    async insertWindow(window) {
      windows.set(window.id, window);
      if (windows.size > MAX_WINDOWS) prune(Date.now());
    },
    async deleteWindow(id) {
      return windows.delete(id);
    },
    async close() {},
  };
}
