/**
 * A small in-memory OperatorStore (src/status/operator/types.ts) for page
 * tests: a real object implementing the interface, with the writes an
 * operator API would make, so tests drive the page the way operators will.
 */
import type { IncidentStatus, Impact, MaintenanceWindow, OperatorEvent, OperatorStore, StatusIncident } from '../../src/status/operator/types';

export interface MemoryOperator extends OperatorStore {
  createIncident(i: { title: string; status: IncidentStatus; impact?: Impact; components?: string[]; message: string; at?: number }): StatusIncident;
  update(id: string, u: { status: IncidentStatus; message: string; at?: number }): StatusIncident;
  schedule(w: { title: string; components: string[]; starts_at: number; ends_at: number; message?: string }): MaintenanceWindow;
}

export function createMemoryOperator(now: () => number = Date.now): MemoryOperator {
  const incidents: StatusIncident[] = [];
  const windows: Array<Omit<MaintenanceWindow, 'status'>> = [];
  const listeners = new Set<(e: OperatorEvent) => void>();
  let seq = 0;
  const emit = (e: OperatorEvent) => listeners.forEach((fn) => fn(e));
  const iso = (t: number) => new Date(t).toISOString();
  const stateOf = (w: Omit<MaintenanceWindow, 'status'>, at: number): MaintenanceWindow['status'] =>
    at < Date.parse(w.starts_at) ? 'upcoming' : at < Date.parse(w.ends_at) ? 'active' : 'completed';

  return {
    createIncident(i) {
      const at = iso(i.at ?? now());
      seq += 1;
      const incident: StatusIncident = {
        id: `inc-${seq}`,
        title: i.title,
        status: i.status,
        impact: i.impact ?? 'minor',
        source: 'operator',
        components: i.components ?? [],
        created_at: at,
        updated_at: at,
        started_at: at,
        resolved_at: i.status === 'resolved' ? at : null,
        updates: [{ id: `upd-${seq}-1`, status: i.status, message: i.message, created_at: at }],
      };
      incidents.unshift(incident);
      emit({ kind: 'incident', action: 'created', incident });
      return incident;
    },
    update(id, u) {
      const k = incidents.findIndex((i) => i.id === id);
      if (k === -1) throw new Error(`no incident ${id}`);
      const old = incidents[k]!;
      const at = iso(u.at ?? now());
      const next: StatusIncident = {
        ...old,
        status: u.status,
        updated_at: at,
        resolved_at: u.status === 'resolved' ? at : old.resolved_at,
        updates: [...old.updates, { id: `upd-${id}-${old.updates.length + 1}`, status: u.status, message: u.message, created_at: at }],
      };
      incidents[k] = next;
      emit({ kind: 'incident', action: 'updated', incident: next });
      return next;
    },
    schedule(w) {
      seq += 1;
      const stored = { id: `mnt-${seq}`, title: w.title, components: w.components, starts_at: iso(w.starts_at), ends_at: iso(w.ends_at), source: 'operator' as const, message: w.message ?? null };
      windows.push(stored);
      const window = { ...stored, status: stateOf(stored, now()) };
      emit({ kind: 'maintenance', action: 'scheduled', window });
      return window;
    },
    inMaintenance(check, at = now()) {
      return windows.some((w) => w.components.includes(check) && stateOf(w, at) === 'active');
    },
    windows(state) {
      return windows
        .map((w) => ({ ...w, status: stateOf(w, now()) }))
        .filter((w) => state === undefined || w.status === state)
        .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    },
    incidents(q) {
      let list = incidents.filter((i) => q.state === undefined || q.state === 'all' || (q.state === 'resolved') === (i.resolved_at !== null));
      if (q.before !== undefined) list = list.slice(list.findIndex((i) => i.id === q.before) + 1);
      return list.slice(0, q.limit ?? 20);
    },
    incident: (id) => incidents.find((i) => i.id === id),
    onEvent(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    async close() {},
  };
}
