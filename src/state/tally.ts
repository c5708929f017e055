/**
 * The overall status and "started", kept as running counts that each served
 * state adds to and takes back, so a change costs O(1) instead of a pass over
 * every check. Same rules as `overallStatus` and `isStarted` (aggregate.ts).
 */
import type { CheckState, ProbeStatus } from '../types';
import { holdsError, holdsStart, isTroubled } from './aggregate';

export interface Tally {
  /** Adds one served state's contribution (sign +1) or takes it back (sign -1). */
  count(s: CheckState, sign: 1 | -1): void;
  status(): ProbeStatus;
  started(): boolean;
}

export function createTally(): Tally {
  let criticalDown = 0; // critical and error/unknown: the service is error
  let troubled = 0; // degraded or error, critical or not: the service is at least degraded
  let waiting = 0; // critical and never probed: not started
  return {
    count(s, sign) {
      if (holdsError(s)) criticalDown += sign;
      if (isTroubled(s)) troubled += sign;
      if (holdsStart(s)) waiting += sign;
    },
    status: () => (criticalDown > 0 ? 'error' : troubled > 0 ? 'degraded' : 'ok'),
    started: () => waiting === 0,
  };
}
