/**
 * Operator API bodies and queries (CONTRACT §4.7), checked by hand so every
 * 400 names the field at fault (`components[1]: "x" is not a check`).
 * Text is plain: control characters other than newline and tab are refused,
 * since they would make the Atom/RSS feeds invalid XML.
 */
import { IMPACTS, INCIDENT_STATUSES, type Impact, type IncidentStatus } from './types';
import type { NewIncident, NewUpdate, NewWindow } from './store';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

class Invalid extends Error {}

const MAX_TITLE = 200;
const MAX_MESSAGE = 5_000;
/** A maintenance window lasts at most this. */
export const MAX_WINDOW_MS = 31 * 86_400_000;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;
// Offset or Z required: a zone-less time would be read in the server's zone.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v) : JSON.stringify(v) ?? String(v));

function object(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Invalid('body: must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new Invalid(`${key.slice(0, 60)}: unknown field (allowed: ${allowed.join(', ')})`);
  }
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string, max: number, required: boolean): string | null {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new Invalid(`${field}: is required`);
    return null;
  }
  if (typeof v !== 'string') throw new Invalid(`${field}: must be a string`);
  if (v.trim() === '') throw new Invalid(`${field}: must not be empty`);
  if ([...v].length > max) throw new Invalid(`${field}: is longer than ${max.toLocaleString('en-US')} characters`);
  if (CONTROL.test(v)) throw new Invalid(`${field}: contains control characters (plain text only)`);
  return v;
}

function oneOf<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[], required: boolean): T | null {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new Invalid(`${field}: is required (one of ${allowed.join(', ')})`);
    return null;
  }
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(`${field}: ${shown(v)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function components(body: Record<string, unknown>, known: ReadonlySet<string>, required: boolean): string[] {
  const v = body.components;
  if (v === undefined || v === null) {
    if (required) throw new Invalid('components: is required (a list of check names)');
    return [];
  }
  if (!Array.isArray(v)) throw new Invalid('components: must be a list of check names');
  if (required && v.length === 0) throw new Invalid('components: must name at least one check');
  v.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !known.has(name)) throw new Invalid(`components[${i}]: ${shown(name)} is not a check`);
    if (v.indexOf(name) !== i) throw new Invalid(`components[${i}]: ${shown(name)} is listed twice`);
  });
  return v as string[];
}

function time(body: Record<string, unknown>, field: string): number {
  const v = body[field];
  if (v === undefined || v === null) throw new Invalid(`${field}: is required (an ISO 8601 time with a zone, like 2026-12-01T03:00:00Z)`);
  const ms = typeof v === 'string' && ISO.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new Invalid(`${field}: ${shown(v)} is not an ISO 8601 time with a zone (like 2026-12-01T03:00:00Z)`);
  return ms;
}

function check<T>(fn: () => T): Checked<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    throw err;
  }
}

/** POST /api/status/incidents. `impact` null: the caller derives it from the components' state. */
export function checkNewIncident(body: unknown, known: ReadonlySet<string>): Checked<Omit<NewIncident, 'impact'> & { impact: Impact | null }> {
  return check(() => {
    const b = object(body, ['title', 'status', 'impact', 'components', 'message']);
    return {
      title: text(b, 'title', MAX_TITLE, true)!,
      status: oneOf<IncidentStatus>(b, 'status', INCIDENT_STATUSES, true)!,
      impact: oneOf<Impact>(b, 'impact', IMPACTS, false),
      components: components(b, known, false),
      message: text(b, 'message', MAX_MESSAGE, true)!,
    };
  });
}

/** POST /api/status/incidents/:id/updates. */
export function checkNewUpdate(body: unknown): Checked<NewUpdate> {
  return check(() => {
    const b = object(body, ['status', 'message']);
    return { status: oneOf<IncidentStatus>(b, 'status', INCIDENT_STATUSES, true)!, message: text(b, 'message', MAX_MESSAGE, true)! };
  });
}

/** POST /api/status/maintenances: ends after starts, in the future, at most 31 days long. */
export function checkNewWindow(body: unknown, known: ReadonlySet<string>, now: number): Checked<NewWindow> {
  return check(() => {
    const b = object(body, ['title', 'components', 'starts_at', 'ends_at', 'message']);
    const title = text(b, 'title', MAX_TITLE, true)!;
    const list = components(b, known, true);
    const start = time(b, 'starts_at');
    const end = time(b, 'ends_at');
    if (end <= start) throw new Invalid('ends_at: must be after starts_at');
    if (end - start > MAX_WINDOW_MS) throw new Invalid('ends_at: the window is longer than 31 days');
    if (end <= now) throw new Invalid('ends_at: is in the past');
    const message = text(b, 'message', MAX_MESSAGE, false);
    return { title, components: list, starts_at: new Date(start).toISOString(), ends_at: new Date(end).toISOString(), message };
  });
}

export interface ListQuery {
  readonly state: string;
  readonly source: 'operator' | 'probe' | null;
  readonly limit: number;
  readonly before: string | null;
}

/** ?state, ?source, ?limit (default 20, at most 100), ?before for the incident lists. */
export function checkListQuery(query: Record<string, unknown>, states: readonly string[]): Checked<ListQuery> {
  return check(() => {
    const single = (k: string) => {
      const v = query[k];
      if (Array.isArray(v)) throw new Invalid(`${k}: given more than once`);
      return v === undefined ? null : String(v);
    };
    const state = single('state') ?? 'all';
    if (!states.includes(state)) throw new Invalid(`state: ${shown(state)} is not one of ${states.join(', ')}`);
    const source = single('source');
    if (source !== null && source !== 'operator' && source !== 'probe') throw new Invalid(`source: ${shown(source)} is not one of operator, probe`);
    const rawLimit = single('limit');
    const limit = rawLimit === null ? 20 : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Invalid(`limit: ${shown(rawLimit)} is not a whole number from 1 to 100`);
    const before = single('before');
    if (before !== null && !/^[a-z0-9_-]{1,120}$/.test(before)) throw new Invalid(`before: ${shown(before)} is not an incident id`);
    return { state, source, limit, before };
  });
}
