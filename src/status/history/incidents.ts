/**
 * Incidents from status CHANGES, not raw probes: a check turning error or
 * degraded opens one (or joins the open one, escalating to the worst
 * status); turning ok closes it. One that opens again within 5 minutes of
 * closing continues the same incident (a flapping check is one incident, not
 * twenty). `unknown` (stale, or not probed yet) neither opens nor closes:
 * nobody can vouch either way.
 */
import type { CheckStatus } from '../../types';
import { MINUTE, RETENTION_MS, type Incident } from './types';

/** An incident that reopens within this long of closing is the same incident, ms. */
export const REOPEN_WITHIN_MS = 5 * MINUTE;

/** A probe incident's public id: stable across replicas and restarts (check and start never change once opened). */
export const probeIncidentId = (i: Pick<Incident, 'check' | 'start'>): string => `probe-${i.check}-${i.start}`;

/** What a status change does to the incident log (also what postgres storage replays). */
export type IncidentOp =
  | { readonly kind: 'open'; readonly check: string; readonly status: 'error' | 'degraded'; readonly at: number }
  | { readonly kind: 'close'; readonly check: string; readonly at: number };

export function incidentOp(check: string, prev: CheckStatus, next: CheckStatus, at: number): IncidentOp | null {
  if (next === 'error' || next === 'degraded') return { kind: 'open', check, status: next, at };
  // unknown -> ok closes too: after a restart it ends an incident the previous process left open.
  if (next === 'ok' && prev !== 'ok') return { kind: 'close', check, at };
  return null;
}

/** Incidents kept at most (closed ones beyond this go first). */
export const MAX_INCIDENTS = 200;

interface MutableIncident {
  check: string;
  status: 'error' | 'degraded';
  start: number;
  end: number | null;
}

export class IncidentLog {
  /** Oldest first. */
  private list: MutableIncident[] = [];

  apply(op: IncidentOp): void {
    const open = this.openOf(op.check);
    if (op.kind === 'close') {
      if (open) open.end = Math.max(op.at, open.start);
      return;
    }
    if (open) {
      if (op.status === 'error') open.status = 'error';
      return;
    }
    const last = this.latestOf(op.check);
    if (last && last.end !== null && op.at - last.end <= REOPEN_WITHIN_MS) {
      last.end = null;
      if (op.status === 'error') last.status = 'error';
      return;
    }
    this.list.push({ check: op.check, status: op.status, start: op.at, end: null });
    this.prune(op.at);
  }

  /** Replaces the log (incidents read back from shared storage). */
  replace(incidents: readonly Incident[]): void {
    this.list = incidents.map((i) => ({ ...i })).sort((a, b) => a.start - b.start);
  }

  /** True while `check` has an ongoing incident. */
  isOpen(check: string): boolean {
    return this.openOf(check) !== undefined;
  }

  private openOf(check: string): MutableIncident | undefined {
    return this.list.find((i) => i.check === check && i.end === null);
  }

  private latestOf(check: string): MutableIncident | undefined {
    for (let k = this.list.length - 1; k >= 0; k -= 1) if (this.list[k]!.check === check) return this.list[k];
    return undefined;
  }

  /** Most recent first, at most `limit`. */
  recent(limit: number): Incident[] {
    return this.list.slice(-limit).reverse().map((i) => ({ ...i }));
  }

  get size(): number {
    return this.list.length;
  }

  /** Drops closed incidents past retention, then the oldest closed ones beyond the cap. */
  private prune(now: number): void {
    this.list = this.list.filter((i) => i.end === null || i.end > now - RETENTION_MS);
    while (this.list.length > MAX_INCIDENTS) {
      const k = this.list.findIndex((i) => i.end !== null);
      this.list.splice(k === -1 ? 0 : k, 1);
    }
  }
}
