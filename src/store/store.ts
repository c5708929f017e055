/**
 * The in-memory result store: the latest state of every check, and the
 * Snapshot every health request reads. Writes are rare (one per probe);
 * reads are the hot path (thousands per second), so the Snapshot is computed
 * once per change and handed out as the same frozen object until the next.
 */
import type { CheckConfig, CheckState, Logger, ProbeResult, Snapshot } from '../types';
import { applyLatency, applyResult, initialState } from '../state/thresholds';
import { isStarted, overallStatus, withCausedBy } from '../state/aggregate';

/** A result older than this many intervals is served as `unknown` (CONTRACT §5.1). */
export const STALE_AFTER_INTERVALS = 3;

export type ResultListener = (name: string, result: ProbeResult, state: CheckState) => void;
/**
 * Who made a status change. `decided` is true when this process made the
 * decision (its own probe, or staleness it judged itself) and false when it
 * only adopted a state decided elsewhere (a cluster peer, see `adopt`).
 * Effects that must happen once per cluster (history, incidents,
 * notifications, the status-change log line) act only on decided changes;
 * what serves this replica's own readers (SSE, metrics) acts on every change.
 */
export interface StatusChangeMeta {
  readonly decided: boolean;
}

export type StatusChangeListener = (prev: CheckState, next: CheckState, meta: StatusChangeMeta) => void;

export interface ResultStore {
  /** Records one probe's result for check `name` (thresholds and degradedLatency applied). Throws on an unknown name. */
  record(name: string, result: ProbeResult): void;
  /**
   * Serves a state decided elsewhere (a cluster peer's result, with its
   * threshold counters) as it is: no thresholds or degradedLatency applied,
   * no result listeners called. Status changes it causes are reported with
   * `decided: false`. Throws on an unknown name.
   */
  adopt(name: string, state: CheckState): void;
  /**
   * The current Snapshot. O(1) while nothing changed: the same frozen object
   * is returned until a result is recorded or a result goes stale (older than
   * 3 × its check's interval, which is also what a stuck probe looks like).
   */
  snapshot(): Snapshot;
  /** One check's served state (as in `snapshot()`), or undefined for an unknown name. */
  get(name: string): CheckState | undefined;
  /** Called after every recorded probe (metrics). The result has degradedLatency applied. Returns an unsubscribe function. */
  onResult(fn: ResultListener): () => void;
  /**
   * Called exactly once per change of a check's served status (logs, status
   * page), including a result going stale. Staleness is noticed lazily, on the
   * next `snapshot()`/`get()`. Returns an unsubscribe function.
   */
  onStatusChange(fn: StatusChangeListener): () => void;
  /**
   * Called when a check already in error learns its `causedBy` (its status
   * unchanged): the dependency often crosses its own threshold a probe later,
   * and the log must still name the root. Returns an unsubscribe function.
   */
  onCauseLearnt(fn: StatusChangeListener): () => void;
}

export interface ResultStoreOptions {
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** Where a throwing listener is reported (it never breaks the store). */
  readonly logger?: Pick<Logger, 'error'>;
  /**
   * ms a result may age beyond 3 × its interval before it is served as
   * `unknown`. Default 0. A cluster sets its leaseTime, so that a failover in
   * progress is not shown as unknown (CONTRACT §5.6).
   */
  readonly staleGraceMs?: number;
}

const DECIDED: StatusChangeMeta = Object.freeze({ decided: true });
const ADOPTED: StatusChangeMeta = Object.freeze({ decided: false });

export function createResultStore(checks: readonly CheckConfig[], opts: ResultStoreOptions = {}): ResultStore {
  const now = opts.now ?? Date.now;
  const staleGraceMs = opts.staleGraceMs ?? 0;
  const index = indexByName(checks);
  const dependsOn = new Map(checks.map((c) => [c.name, c.dependsOn]));
  const raw: CheckState[] = checks.map((c) => Object.freeze(initialState(c)));
  const resultListeners = new Set<ResultListener>();
  const changeListeners = new Set<StatusChangeListener>();
  const causeListeners = new Set<StatusChangeListener>();

  let version = 0;
  let current: Snapshot = freezeSnapshot(version, raw);
  // Earliest time at which a currently fresh result goes stale; Infinity when none can.
  let nextDeadline = Infinity;

  const safely = (what: string, call: () => void): void => {
    try {
      call();
    } catch (err) {
      opts.logger?.error({ err }, `${what} listener failed`);
    }
  };

  function recompute(t: number, meta: StatusChangeMeta = DECIDED): void {
    let deadline = Infinity;
    const served = raw.map((s, i) => {
      const limit = STALE_AFTER_INTERVALS * checks[i]!.interval + staleGraceMs;
      if (s.checkedAt === null) return s;
      if (t - s.checkedAt > limit) return staleState(s, limit);
      deadline = Math.min(deadline, s.checkedAt + limit);
      return s;
    });
    nextDeadline = deadline;
    const prev = current;
    version += 1;
    current = freezeSnapshot(version, withCausedBy(served, dependsOn));
    current.checks.forEach((next, i) => {
      const before = prev.checks[i]!;
      if (before.status !== next.status) {
        for (const fn of changeListeners) safely('status change', () => fn(before, next, meta));
      } else if (next.status === 'error' && next.causedBy !== null && next.causedBy !== before.causedBy) {
        for (const fn of causeListeners) safely('cause learnt', () => fn(before, next, meta));
      }
    });
  }

  function snapshot(): Snapshot {
    if (now() > nextDeadline) recompute(now());
    return current;
  }

  return {
    record(name, result) {
      const i = index.get(name);
      if (i === undefined) throw new Error(`no check named "${name}" in the result store`);
      const config = checks[i]!;
      const adjusted = applyLatency(result, config);
      raw[i] = Object.freeze(applyResult(raw[i]!, adjusted, config));
      recompute(now());
      const state = current.checks[i]!;
      for (const fn of resultListeners) safely('result', () => fn(name, adjusted, state));
    },
    adopt(name, state) {
      const i = index.get(name);
      if (i === undefined) throw new Error(`no check named "${name}" in the result store`);
      raw[i] = Object.freeze({ ...state, causedBy: null });
      recompute(now(), ADOPTED);
    },
    snapshot,
    get(name) {
      const i = index.get(name);
      return i === undefined ? undefined : snapshot().checks[i];
    },
    onResult(fn) {
      resultListeners.add(fn);
      return () => void resultListeners.delete(fn);
    },
    onStatusChange(fn) {
      changeListeners.add(fn);
      return () => void changeListeners.delete(fn);
    },
    onCauseLearnt(fn) {
      causeListeners.add(fn);
      return () => void causeListeners.delete(fn);
    },
  };
}

function indexByName(checks: readonly CheckConfig[]): Map<string, number> {
  const index = new Map<string, number>();
  checks.forEach((c, i) => {
    if (index.has(c.name)) throw new Error(`duplicate check name "${c.name}"`);
    index.set(c.name, i);
  });
  return index;
}

/**
 * A result too old to vouch for: served as `unknown`. The error says why, so
 * an operator sees "no result" rather than a stale success; kind `timeout`
 * because a stuck probe or a stuck loop is what produces it.
 */
function staleState(s: CheckState, limitMs: number): CheckState {
  return { ...s, status: 'unknown', error: `no result for over ${limitMs} ms`, errorKind: 'timeout' };
}

function freezeSnapshot(version: number, states: readonly CheckState[]): Snapshot {
  const checks = Object.freeze(states.map((s) => (Object.isFrozen(s) ? s : Object.freeze(s))));
  return Object.freeze({ version, status: overallStatus(checks), checks, started: isStarted(checks) });
}
