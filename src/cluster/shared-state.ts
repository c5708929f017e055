/**
 * Moving states between this replica's clock and the database's. Results are
 * stored with their times on the database clock, so replicas whose clocks
 * disagree still agree on how old a result is (staleness, failover).
 * `offset` is the database clock minus this replica's clock, in ms.
 */
import type { CheckState } from '../types';
import type { Observation } from './quorum';

const shift = (ms: number | null, by: number): number | null => (ms === null ? null : ms + by);

function shiftState(state: CheckState, by: number): CheckState {
  return {
    ...state,
    checkedAt: shift(state.checkedAt, by),
    lastSuccessAt: shift(state.lastSuccessAt, by),
    ...(state.observations ? { observations: state.observations.map((o) => ({ ...o, checkedAt: o.checkedAt + by })) } : {}),
  };
}

/** A served state as written to the shared store (causedBy is recomputed by every reader). */
export function toShared(state: CheckState, offset: number): CheckState {
  return { ...shiftState(state, offset), causedBy: null };
}

/** A shared row's state on this replica's clock, checked loosely (another version may have written it); null when unusable. */
export function fromShared(raw: unknown, offset: number, name: string): CheckState | null {
  if (raw === null || typeof raw !== 'object') return null;
  const s = raw as CheckState;
  if (s.name !== name || typeof s.status !== 'string' || typeof s.consecutiveFailures !== 'number') return null;
  return shiftState(s, -offset);
}

export function observationToShared(o: Observation, offset: number): Observation {
  return { ...o, checkedAt: o.checkedAt + offset };
}

export function observationFromShared(raw: unknown, offset: number): Observation | null {
  if (raw === null || typeof raw !== 'object') return null;
  const o = raw as Observation;
  if (typeof o.member !== 'string' || typeof o.status !== 'string' || typeof o.checkedAt !== 'number') return null;
  return { ...o, checkedAt: o.checkedAt - offset };
}
