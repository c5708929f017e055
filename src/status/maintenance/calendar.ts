/**
 * The maintenance calendar (CONTRACT §5.8): one-off windows (operator API)
 * and recurring ones (config: 5-field cron in an IANA zone, through croner).
 * inMaintenance() is called per probe, so the calendar keeps the set of
 * active windows for the stretch of time in which it cannot change (until
 * the next start or end of any window) and answers from it with one Set
 * lookup. A timer wakes at that boundary, recomputes, and reports windows
 * that started or ended.
 */
import { cmp } from '../order';
import { Cron } from 'croner';
import type { MaintenanceWindowConfig } from '../../types';
import type { MaintenanceState, MaintenanceWindow } from '../operator/types';

/** A one-off window as stored (operator API). */
export interface OneOffWindow {
  readonly id: string;
  readonly title: string;
  readonly components: readonly string[];
  /** ISO. */
  readonly starts_at: string;
  readonly ends_at: string;
  readonly message: string | null;
  readonly created_at: string;
}

/** What the calendar knows at one instant; valid until `until` (epoch ms) unless windows are added or removed. */
export interface CalendarState {
  readonly at: number;
  readonly until: number;
  /** Check name -> true while any active window names it. */
  readonly checks: ReadonlySet<string>;
  /** Active windows by id. */
  readonly active: ReadonlyMap<string, MaintenanceWindow>;
  /** One-off windows, plus the current or next occurrence of each recurring one, soonest first. */
  readonly windows: readonly MaintenanceWindow[];
  /** The same list split by state (kept so windows(state) returns one array per state while nothing changes). */
  readonly byState: Readonly<Record<MaintenanceState, readonly MaintenanceWindow[]>>;
}

/** The calendar is re-evaluated at least this often, so a clock step never leaves it stale for long. */
const MAX_VALID_MS = 60 * 60_000;

export interface Recurring {
  readonly config: MaintenanceWindowConfig;
  readonly cron: Cron;
}

export function recurringWindows(configs: readonly MaintenanceWindowConfig[]): Recurring[] {
  return configs.map((config) => ({ config, cron: new Cron(config.schedule, { timezone: config.timezone, paused: true }) }));
}

/** The latest run of `cron` at or before `t` (croner's previousRuns excludes its reference and works in whole seconds). */
function latestRunAtOrBefore(cron: Cron, t: number): number | null {
  const runs = cron.previousRuns(2, new Date(t + 1000));
  const hit = runs.find((d) => d.getTime() <= t);
  return hit ? hit.getTime() : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function stateOf(start: number, end: number, t: number): MaintenanceState {
  return t < start ? 'upcoming' : t < end ? 'active' : 'completed';
}

/** A recurring occurrence's id is the same on every replica: its name and start. */
export const occurrenceId = (name: string, start: number) => `config-${name}-${start.toString(36)}`;

/** Pure: what is active and listed at `t`, and until when that holds. */
export function calendarAt(t: number, recurring: readonly Recurring[], oneOff: readonly OneOffWindow[]): CalendarState {
  let until = t + MAX_VALID_MS;
  const windows: MaintenanceWindow[] = [];
  const bound = (b: number) => {
    if (b > t && b < until) until = b;
  };
  for (const w of oneOff) {
    const start = Date.parse(w.starts_at);
    const end = Date.parse(w.ends_at);
    bound(start);
    bound(end);
    windows.push({ ...w, status: stateOf(start, end, t), source: 'operator' });
  }
  for (const { config, cron } of recurring) {
    // A later start always ends later, so only the latest start can still be running.
    const prev = latestRunAtOrBefore(cron, t);
    const next = cron.nextRun(new Date(t))?.getTime() ?? null;
    if (next !== null) bound(next);
    const start = prev !== null && t < prev + config.duration ? prev : next;
    if (start === null) continue;
    bound(start + config.duration);
    windows.push({
      id: occurrenceId(config.name, start),
      title: config.name,
      components: config.checks,
      starts_at: iso(start),
      ends_at: iso(start + config.duration),
      status: stateOf(start, start + config.duration, t),
      source: 'config',
      message: null,
    });
  }
  windows.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || cmp(a.id, b.id));
  const active = new Map<string, MaintenanceWindow>();
  const checks = new Set<string>();
  for (const w of windows) {
    if (w.status !== 'active') continue;
    active.set(w.id, w);
    for (const c of w.components) checks.add(c);
  }
  const byState = {
    upcoming: windows.filter((w) => w.status === 'upcoming'),
    active: windows.filter((w) => w.status === 'active'),
    completed: windows.filter((w) => w.status === 'completed'),
  };
  return { at: t, until, checks, active, windows, byState };
}

export interface CalendarChange {
  readonly action: 'started' | 'ended';
  readonly window: MaintenanceWindow;
}

export interface Calendar {
  inMaintenance(check: string, at?: number): boolean;
  windows(state?: MaintenanceState): readonly MaintenanceWindow[];
  /** Recomputes now (windows changed, or the timer fired) and reports windows that started or ended since the last look. */
  refresh(): CalendarChange[];
  /** Starts the boundary timer; changes go to `onChange`. */
  start(onChange: (changes: CalendarChange[]) => void): void;
  stop(): void;
}

export function createCalendar(opts: {
  readonly recurring: readonly MaintenanceWindowConfig[];
  readonly oneOff: () => readonly OneOffWindow[];
  readonly now?: () => number;
}): Calendar {
  const now = opts.now ?? Date.now;
  const recurring = recurringWindows(opts.recurring);
  let state = calendarAt(now(), recurring, opts.oneOff());
  // The state before the last refresh: a probe reports its finish time a moment after the boundary passed.
  let previous: CalendarState | null = null;
  let timer: NodeJS.Timeout | null = null;
  let listener: ((changes: CalendarChange[]) => void) | null = null;

  const current = (): CalendarState => {
    const t = now();
    if (t < state.at || t >= state.until) refreshAndNotify();
    return state;
  };

  function diff(prev: CalendarState, next: CalendarState): CalendarChange[] {
    const changes: CalendarChange[] = [];
    for (const [id, w] of prev.active) if (!next.active.has(id)) changes.push({ action: 'ended', window: { ...w, status: 'completed' } });
    for (const [id, w] of next.active) if (!prev.active.has(id)) changes.push({ action: 'started', window: w });
    return changes;
  }

  function refresh(): CalendarChange[] {
    previous = state;
    state = calendarAt(now(), recurring, opts.oneOff());
    return diff(previous, state);
  }

  function refreshAndNotify(): void {
    const changes = refresh();
    if (changes.length > 0) listener?.(changes);
    arm();
  }

  function arm(): void {
    if (!listener) return;
    if (timer) clearTimeout(timer);
    // +5 ms: wake just past the boundary, not a hair before it.
    timer = setTimeout(refreshAndNotify, Math.max(0, state.until - now()) + 5);
    timer.unref();
  }

  return {
    inMaintenance(check, at) {
      const s = current();
      if (at === undefined || (at >= s.at && at < s.until)) return s.checks.has(check);
      if (previous && at >= previous.at && at < Math.min(previous.until, s.at)) return previous.checks.has(check);
      // A past or future instant (history, tests): computed, not cached.
      return calendarAt(at, recurring, opts.oneOff()).checks.has(check);
    },
    windows(which) {
      const s = current();
      return which === undefined ? s.windows : s.byState[which];
    },
    refresh() {
      const changes = refresh();
      arm();
      return changes;
    },
    start(onChange) {
      listener = onChange;
      arm();
    },
    stop() {
      listener = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
