/**
 * The quorum rule (CONTRACT §5.6), pure: from the fresh observations of one
 * check to the status the cluster serves. A check is `error` when at least
 * `quorum` fresh observations are in error (when fewer than `quorum`
 * observers are fresh: when all of them are), `degraded` by the same rule for
 * degraded-or-worse, else `ok`. One zone's network trouble is then not an
 * outage, and two zones' is.
 */
import type { CheckObservation, ErrorKind, ProbeResult, ProbeStatus } from '../types';

export interface Observation {
  /** The observing member. */
  readonly member: string;
  readonly location: string;
  /** The observer's raw probe status (before thresholds). */
  readonly status: ProbeStatus;
  readonly error: string | null;
  readonly errorKind: ErrorKind | null;
  /** Epoch ms (this replica's clock). */
  readonly checkedAt: number;
  readonly durationMs: number;
}

/** Observations younger than this many intervals count. */
export const FRESH_INTERVALS = 3;

/** The default quorum: a majority of live members (at least 1). */
export function majority(members: number): number {
  return Math.floor(Math.max(1, members) / 2) + 1;
}

export function freshObservations(all: readonly Observation[], intervalMs: number, now: number): Observation[] {
  return all.filter((o) => now - o.checkedAt <= FRESH_INTERVALS * intervalMs);
}

/** The verdict over fresh observations, or null when there are none. */
export function quorumStatus(fresh: readonly Observation[], quorum: number): ProbeStatus | null {
  if (fresh.length === 0) return null;
  const needed = Math.min(Math.max(1, quorum), fresh.length);
  const errors = fresh.filter((o) => o.status === 'error').length;
  if (errors >= needed) return 'error';
  const degradedOrWorse = fresh.filter((o) => o.status !== 'ok').length;
  return degradedOrWorse >= needed ? 'degraded' : 'ok';
}

/** The fresh observation that explains a verdict (the first one at least as bad), or null for ok. */
export function witnessOf(fresh: readonly Observation[], verdict: ProbeStatus): Observation | null {
  if (verdict === 'ok') return null;
  return fresh.find((o) => (verdict === 'error' ? o.status === 'error' : o.status !== 'ok')) ?? null;
}

/** The median of the observers' durations: one slow zone does not make the check slow. */
export function medianDuration(fresh: readonly Observation[]): number {
  const sorted = fresh.map((o) => o.durationMs).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The result the deciding member records for one of its own probes: the
 * quorum's status over the fresh observations (its own included), explained
 * by a failing observation, timed by the median observer. Thresholds then
 * apply to this sequence of verdicts, one per the decider's interval.
 */
export function verdict(
  own: Observation,
  result: ProbeResult,
  seen: readonly Observation[],
  opts: { readonly intervalMs: number; readonly quorum: number; readonly now: number },
): { result: ProbeResult; observations: CheckObservation[] } {
  const fresh = freshObservations(seen, opts.intervalMs, opts.now);
  const status = quorumStatus(fresh, opts.quorum) ?? own.status;
  const witness = status === own.status && status !== 'ok' ? own : witnessOf(fresh, status);
  return {
    result: {
      status,
      error: witness?.error ?? null,
      errorKind: witness?.errorKind ?? null,
      details: result.details,
      durationMs: medianDuration(fresh),
      checkedAt: result.checkedAt,
    },
    observations: fresh.map((o) => ({ location: o.location, status: o.status, checkedAt: o.checkedAt, errorKind: o.errorKind })),
  };
}
