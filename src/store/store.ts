/**
 * The in-memory result store: the latest state of every check, and the
 * Snapshot every health request reads.
 *
 * Work per recorded result does not grow with the number of checks: a record
 * applies that check's thresholds, updates its served state, the running
 * overall counts and (only when its `error` status or root cause moved) the
 * `causedBy` of its dependents, pushes one staleness deadline onto a heap and
 * fires its events at once. The Snapshot (one frozen array of every served
 * state) is rebuilt lazily on read, at most once per `rebuildMs` while only
 * timings and counters move, and on the very next read after any served
 * status changes: a 503, a readiness flip or an SSE event is never held back,
 * while thousands of unremarkable results a second cost readers nothing.
 */
import type { CheckConfig, CheckState, Logger, ProbeResult, Snapshot } from '../types';
import { applyLatency, applyResult, initialState } from '../state/thresholds';
import { dependencyGraph, rootCause } from '../state/causes';
import { createTally } from '../state/tally';
import { createDeadlines } from './deadlines';

/** A result older than this many intervals is served as `unknown` (CONTRACT §5.1). */
export const STALE_AFTER_INTERVALS = 3;
/** While no status changes, the Snapshot is rebuilt at most this often (ms). */
export const DEFAULT_REBUILD_MS = 250;

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
   * The current Snapshot: the same frozen object until something changed.
   * After any served status change (a result crossing a threshold, a result
   * going stale: older than 3 × its check's interval, which is also what a
   * stuck probe looks like) the next call returns a new one; changes of
   * timings and counters alone show within `rebuildMs` (default 250 ms).
   */
  snapshot(): Snapshot;
  /** One check's served state, always the latest (it may be newer than `snapshot()`'s), or undefined for an unknown name. */
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
  /** ms between Snapshot rebuilds while no status changes. Default 250; 0 = on every read after a change. */
  readonly rebuildMs?: number;
}

const DECIDED: StatusChangeMeta = Object.freeze({ decided: true });
const ADOPTED: StatusChangeMeta = Object.freeze({ decided: false });

export function createResultStore(checks: readonly CheckConfig[], opts: ResultStoreOptions = {}): ResultStore {
  const now = opts.now ?? Date.now;
  const staleGraceMs = opts.staleGraceMs ?? 0;
  const rebuildMs = opts.rebuildMs ?? DEFAULT_REBUILD_MS;
  const index = indexByName(checks);
  const graph = dependencyGraph(checks.map((c) => c.name), (i) => checks[i]!.dependsOn);
  const limits = checks.map((c) => STALE_AFTER_INTERVALS * c.interval + staleGraceMs);
  // raw: after thresholds, before staleness and causedBy; served: what readers get.
  const raw: CheckState[] = checks.map((c) => Object.freeze(initialState(c)));
  const served: CheckState[] = raw.slice();
  const deadlines = createDeadlines(checks.length);
  const tally = createTally();
  for (const s of served) tally.count(s, 1);
  const resultListeners = new Set<ResultListener>();
  const changeListeners = new Set<StatusChangeListener>();
  const causeListeners = new Set<StatusChangeListener>();

  let version = 0;
  let current: Snapshot = freezeSnapshot(version, served, tally);
  let builtAt = -Infinity;
  let dirty = false; // something served changed since `current` was built
  let urgent = false; // ... and it was a status

  const safely = (what: string, call: () => void): void => {
    try {
      call();
    } catch (err) {
      opts.logger?.error({ err }, `${what} listener failed`);
    }
  };

  type Change = readonly [prev: CheckState, next: CheckState];

  /** Replaces check i's served state, keeping the counts, and notes the change for its events. */
  const serve = (i: number, next: CheckState, changes: Change[]): void => {
    const prev = served[i]!;
    if (next === prev) return;
    tally.count(prev, -1);
    tally.count(next, 1);
    served[i] = next;
    dirty = true;
    if (prev.status !== next.status) urgent = true;
    changes.push([prev, next]);
  };

  /** check i's state with its root cause; the same object when the cause is what it already says. */
  const withCause = (i: number, base: CheckState): CheckState => {
    const root = rootCause(i, base, graph, (j) => served[j]!);
    const causedBy = root === null ? null : checks[root]!.name;
    return Object.freeze(causedBy === base.causedBy ? base : { ...base, causedBy });
  };

  /**
   * Dependents whose root cause may have moved because check i's did. Only a
   * dependency in error names a cause, so the walk goes on through a dependent
   * only while it is itself in error and its own cause changed.
   */
  const reCause = (from: number, changes: Change[]): void => {
    const queue = [from];
    const seen = new Set(queue);
    while (queue.length > 0) {
      for (const d of graph.neededBy[queue.shift()!]!) {
        if (seen.has(d)) continue;
        seen.add(d);
        const before = served[d]!;
        const next = withCause(d, before);
        if (next === before) continue;
        serve(d, next, changes);
        if (next.status === 'error') queue.push(d);
      }
    }
  };

  /** Serves check i from its raw state at time t: staleness, deadline, cause, and the dependents it moves. */
  const refresh = (i: number, t: number, changes: Change[]): void => {
    const r = raw[i]!;
    const prev = served[i]!;
    let base = r;
    if (r.checkedAt === null) deadlines.clear(i);
    else if (t - r.checkedAt > limits[i]!) {
      base = staleState(r, limits[i]!);
      deadlines.clear(i);
    } else deadlines.set(i, r.checkedAt + limits[i]!);
    const next = withCause(i, base);
    serve(i, next, changes);
    const wasError = prev.status === 'error';
    if (wasError !== (next.status === 'error') || (wasError && prev.causedBy !== next.causedBy)) reCause(i, changes);
  };

  const announce = (changes: readonly Change[], meta: StatusChangeMeta): void => {
    for (const [before, next] of changes) {
      if (before.status !== next.status) {
        for (const fn of changeListeners) safely('status change', () => fn(before, next, meta));
      } else if (next.status === 'error' && next.causedBy !== null && next.causedBy !== before.causedBy) {
        for (const fn of causeListeners) safely('cause learnt', () => fn(before, next, meta));
      }
    }
  };

  /** Serves as unknown every result whose deadline passed (lazily, on the next read or write). */
  const expire = (t: number): void => {
    const due = deadlines.due(t);
    if (due.length === 0) return;
    const changes: Change[] = [];
    for (const i of due) refresh(i, t, changes);
    announce(changes, DECIDED);
  };

  const slotOf = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`no check named "${name}" in the result store`);
    return i;
  };

  return {
    record(name, result) {
      const i = slotOf(name);
      const t = now();
      expire(t);
      const config = checks[i]!;
      const adjusted = applyLatency(result, config);
      raw[i] = Object.freeze(applyResult(raw[i]!, adjusted, config));
      const changes: Change[] = [];
      refresh(i, t, changes);
      announce(changes, DECIDED);
      const state = served[i]!;
      for (const fn of resultListeners) safely('result', () => fn(name, adjusted, state));
    },
    adopt(name, state) {
      const i = slotOf(name);
      const t = now();
      expire(t);
      raw[i] = Object.freeze({ ...state, causedBy: null });
      const changes: Change[] = [];
      refresh(i, t, changes);
      announce(changes, ADOPTED);
    },
    snapshot() {
      const t = now();
      expire(t);
      if (dirty && (urgent || t - builtAt >= rebuildMs)) {
        version += 1;
        current = freezeSnapshot(version, served, tally);
        builtAt = t;
        dirty = false;
        urgent = false;
      }
      return current;
    },
    get(name) {
      const i = index.get(name);
      if (i === undefined) return undefined;
      expire(now());
      return served[i];
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

/** O(n) pointer copy; every state in it is already frozen. */
function freezeSnapshot(version: number, states: readonly CheckState[], tally: ReturnType<typeof createTally>): Snapshot {
  return Object.freeze({ version, status: tally.status(), checks: Object.freeze(states.slice()), started: tally.started() });
}
