/**
 * The operator store: incidents and maintenance windows written through the
 * operator API (CONTRACT §4.7) plus the recurring windows of config (§5.8).
 * Reads are answered from this process's copy and never wait on storage;
 * writes return once the backend has them (durable), then update the copy.
 * With a shared backend the copy is re-read every `reloadMs`, so every
 * replica serves what any of them wrote within that delay.
 */
import { randomBytes } from 'node:crypto';
import { classifyError } from '../../checks/errors';
import type { Logger, MaintenanceWindowConfig } from '../../types';
import { createCalendar, type CalendarChange, type OneOffWindow } from '../maintenance/calendar';
import { bounded, type OperatorBackend, type OperatorData } from './backend';
import type { Impact, IncidentStatus, MaintenanceWindow, OperatorEvent, OperatorStore, StatusIncident } from './types';

export interface NewIncident {
  readonly title: string;
  readonly status: IncidentStatus;
  readonly impact: Impact;
  readonly components: readonly string[];
  readonly message: string;
}

export interface NewUpdate {
  readonly status: IncidentStatus;
  readonly message: string;
}

export interface NewWindow {
  readonly title: string;
  readonly components: readonly string[];
  readonly starts_at: string;
  readonly ends_at: string;
  readonly message: string | null;
}

/** The store with its writes: what the admin routes hold. Everything else reads it as an OperatorStore. */
export interface OperatorService extends OperatorStore {
  createIncident(input: NewIncident): Promise<StatusIncident>;
  /** undefined for an unknown id. */
  addUpdate(id: string, input: NewUpdate): Promise<StatusIncident | undefined>;
  scheduleMaintenance(input: NewWindow): Promise<MaintenanceWindow>;
  /** false for an unknown (or recurring) id. */
  cancelMaintenance(id: string): Promise<boolean>;
  /** Settles once the first load from storage finished (or failed: the store then starts empty and retries). */
  ready(): Promise<void>;
  /** Re-reads storage now (tests; the timer does it every reloadMs). */
  reload(): Promise<void>;
}

export interface OperatorStoreOptions {
  readonly backend: OperatorBackend;
  readonly recurring: readonly MaintenanceWindowConfig[];
  readonly logger: Pick<Logger, 'warn' | 'info' | 'error'>;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** ms between re-reads of shared storage; 0 = never (memory). */
  readonly reloadMs?: number;
}

let lastIdMs = 0;
/**
 * 12 lowercase letters and digits, like Statuspage's ids: 8 of time (ms, base
 * 36, strictly increasing in this process) and 4 random, so ids sort as they
 * were made and lists with equal timestamps keep their order.
 */
export function newId(): string {
  lastIdMs = Math.max(Date.now(), lastIdMs + 1);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = [...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join('');
  return lastIdMs.toString(36).padStart(8, '0') + random;
}

export function createOperatorStore(opts: OperatorStoreOptions): OperatorService {
  const { backend, logger } = opts;
  const now = opts.now ?? Date.now;
  const reloadMs = opts.reloadMs ?? 0;
  let data: OperatorData = { incidents: [], windows: [] };
  const listeners = new Set<(event: OperatorEvent) => void>();
  const calendar = createCalendar({ recurring: opts.recurring, oneOff: () => data.windows, now });
  let down = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const emit = (event: OperatorEvent) => {
    for (const fn of listeners) {
      try {
        fn(event);
      } catch (err) {
        logger.error({ err }, 'operator event listener failed');
      }
    }
  };
  // Timer-driven: every replica sees the boundary, so the event carries a key to claim it once.
  const emitChanges = (changes: readonly CalendarChange[]) => {
    for (const { action, window } of changes) emit({ kind: 'maintenance', action, window, dedupe: `maintenance:${action}:${window.id}` });
  };

  const windowsKey = (d: OperatorData) => d.windows.map((w) => `${w.id} ${w.starts_at} ${w.ends_at}`).join('\n');
  /** Replaces the copy; returns the windows that started or ended by it (for the caller to emit after its own event). */
  const setData = (next: OperatorData): CalendarChange[] => {
    const before = windowsKey(data);
    data = bounded(next, now());
    // Only a change of windows can change the calendar (keeps windows() returning the same arrays meanwhile).
    return windowsKey(data) !== before ? calendar.refresh() : [];
  };

  // Bumped by every write of this process: a load that overlapped one may predate it and is read again.
  let writes = 0;
  let loadedOnce = false;
  async function reload(): Promise<void> {
    try {
      let loaded: OperatorData;
      for (let attempt = 0; ; attempt++) {
        const seen = writes;
        loaded = await backend.load(now());
        if (seen === writes || attempt >= 3) break;
      }
      const changes = setData(loaded);
      // The first load only learns what was already running before this process started: not news.
      if (loadedOnce) emitChanges(changes);
      loadedOnce = true;
      if (down) logger.info('operator storage is reachable again');
      down = false;
    } catch (err) {
      if (!down) {
        const { error, errorKind } = classifyError(err);
        logger.warn({ context: { error, error_kind: errorKind } }, 'operator storage unavailable: serving incidents and maintenance from memory');
      }
      down = true;
    }
  }

  const schedule = () => {
    if (closed || reloadMs <= 0) return;
    timer = setTimeout(() => void reload().finally(schedule), reloadMs);
    timer.unref();
  };
  const first = reload().finally(() => {
    calendar.start(emitChanges);
    schedule();
  });

  const upsertLocal = (incident: StatusIncident) => {
    setData({ ...data, incidents: [incident, ...data.incidents.filter((i) => i.id !== incident.id)] });
  };

  return {
    inMaintenance: (check, at) => calendar.inMaintenance(check, at),
    windows: (state) => calendar.windows(state),
    incidents({ state = 'all', limit = 20, before }) {
      let list = data.incidents;
      if (state !== 'all') list = list.filter((i) => (state === 'resolved') === (i.status === 'resolved'));
      if (before !== undefined) {
        const k = list.findIndex((i) => i.id === before);
        list = k === -1 ? [] : list.slice(k + 1);
      }
      return list.slice(0, limit);
    },
    incident: (id) => data.incidents.find((i) => i.id === id),
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    async createIncident(input) {
      const at = new Date(now()).toISOString();
      const incident: StatusIncident = {
        id: newId(),
        title: input.title,
        status: input.status,
        impact: input.impact,
        source: 'operator',
        components: input.components,
        created_at: at,
        updated_at: at,
        started_at: at,
        resolved_at: input.status === 'resolved' ? at : null,
        updates: [{ id: newId(), status: input.status, message: input.message, created_at: at }],
      };
      await backend.insertIncident(incident);
      writes++;
      upsertLocal(incident);
      emit({ kind: 'incident', action: 'created', incident });
      return incident;
    },

    async addUpdate(id, input) {
      const at = new Date(now()).toISOString();
      const incident = await backend.updateIncident(id, (current) => ({
        ...current,
        status: input.status,
        updated_at: at,
        // Posting a non-resolved status after a resolution reopens the incident.
        resolved_at: input.status === 'resolved' ? (current.resolved_at ?? at) : null,
        updates: [...current.updates, { id: newId(), status: input.status, message: input.message, created_at: at }],
      }));
      if (!incident) return undefined;
      writes++;
      upsertLocal(incident);
      emit({ kind: 'incident', action: 'updated', incident });
      return incident;
    },

    async scheduleMaintenance(input) {
      const stored: OneOffWindow = { id: newId(), ...input, created_at: new Date(now()).toISOString() };
      await backend.insertWindow(stored);
      writes++;
      const changes = setData({ ...data, windows: [...data.windows, stored] });
      const window = calendar.windows().find((w) => w.id === stored.id) ?? { ...stored, status: 'completed', source: 'operator' };
      emit({ kind: 'maintenance', action: 'scheduled', window });
      emitChanges(changes);
      return window;
    },

    async cancelMaintenance(id) {
      const window = calendar.windows().find((w) => w.id === id && w.source === 'operator');
      if (!(await backend.deleteWindow(id))) return false;
      writes++;
      const changes = setData({ ...data, windows: data.windows.filter((w) => w.id !== id) });
      if (window) emit({ kind: 'maintenance', action: 'cancelled', window });
      emitChanges(changes);
      return true;
    },

    ready: () => first,
    reload,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      calendar.stop();
      await first;
      await backend.close();
    },
  };
}
