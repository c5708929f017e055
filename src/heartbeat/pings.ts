/**
 * What a heartbeat remembers between pings, and how one ping changes it.
 * Pure and JSON-serialisable: the same state lives in memory or in
 * PostgreSQL (as jsonb), so every replica evaluates the same facts.
 */

export type PingKind = 'success' | 'fail' | 'start';

/** One ping as received (CONTRACT §4.10). */
export interface Ping {
  readonly kind: PingKind;
  /** `/:code` pings only (0..255); null otherwise. */
  readonly exitCode: number | null;
  /** `?rid=`: ties a start to its end when runs overlap; null when absent. */
  readonly rid: string | null;
  /** The request body, already masked; null when empty. Never public. */
  readonly note: string | null;
  /** Epoch ms. */
  readonly at: number;
}

/** The last known facts about one heartbeat. Times are epoch ms. */
export interface PingState {
  readonly lastPingAt: number;
  readonly lastPingKind: PingKind;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  /** Exit code of the last finished run that sent one. */
  readonly lastExitCode: number | null;
  /** ms from a run's start to its end, for the last finished run that had a start. */
  readonly lastDurationMs: number | null;
  /** Note of the last finished run (masked; never public). */
  readonly note: string | null;
  /** Runs started and not finished: rid ("" when none was given) -> start time. */
  readonly runs: Readonly<Record<string, number>>;
}

/** Open runs kept at most; a job that starts and never ends must not grow the state forever. */
export const MAX_OPEN_RUNS = 32;

export function applyPing(prev: PingState | null, ping: Ping): PingState {
  const key = ping.rid ?? '';
  const runs: Record<string, number> = { ...(prev?.runs ?? {}) };
  const base = {
    lastPingAt: ping.at,
    lastPingKind: ping.kind,
    lastSuccessAt: prev?.lastSuccessAt ?? null,
    lastFailureAt: prev?.lastFailureAt ?? null,
    lastExitCode: prev?.lastExitCode ?? null,
    lastDurationMs: prev?.lastDurationMs ?? null,
    note: prev?.note ?? null,
  };
  if (ping.kind === 'start') {
    delete runs[key];
    runs[key] = ping.at;
    const keys = Object.keys(runs);
    // Oldest first (insertion order, a restarted key re-inserted last).
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_OPEN_RUNS))) delete runs[k];
    return { ...base, runs };
  }
  const started = runs[key];
  delete runs[key];
  return {
    ...base,
    lastSuccessAt: ping.kind === 'success' ? ping.at : base.lastSuccessAt,
    lastFailureAt: ping.kind === 'fail' ? ping.at : base.lastFailureAt,
    lastExitCode: ping.exitCode,
    lastDurationMs: started === undefined ? null : Math.max(0, ping.at - started),
    note: ping.note,
    runs,
  };
}

/** A state read back from storage, or null when it is not one (a newer schema, a hand edit). */
export function asPingState(value: unknown): PingState | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const numOrNull = (x: unknown) => x === null || typeof x === 'number';
  if (typeof v.lastPingAt !== 'number' || !['success', 'fail', 'start'].includes(v.lastPingKind as string)) return null;
  if (![v.lastSuccessAt, v.lastFailureAt, v.lastExitCode, v.lastDurationMs].every(numOrNull)) return null;
  if (v.runs === null || typeof v.runs !== 'object') return null;
  return value as PingState;
}
