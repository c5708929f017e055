/**
 * What the history hears from the result store, and how thresholds shape it
 * (CONTRACT §4.6, §5.8). Our reading of "uptime counts failed probes under
 * the threshold correctly":
 *
 * - A probe whose raw result disagrees with the served status (a failure
 *   while the check is still served up, or a success while it is still
 *   served in error) is held until its streak is judged.
 * - The streak crosses its threshold: the served status turns, and the held
 *   probes count as what they were. An outage counts from its FIRST failed
 *   probe, in uptime and as the incident's start; a recovery from its first
 *   good probe.
 * - The streak ends under its threshold (a blip that recovered): the held
 *   probes count as what was served (up), and no incident opens.
 *
 * So uptime and incidents tell the same story. A probe inside a maintenance
 * window counts as `maintenance` (neither up nor down) and opens no incident;
 * a check still down when its window ends opens its incident at its first
 * probe after the window (the outage did not end with the maintenance).
 * Probes are recorded only by the process that made them; incidents only on
 * changes this process decided (in a cluster, one member per check).
 *
 * That last rule is kept as an invariant, not as memory: at the first probe
 * of a down streak that this process decides outside maintenance, a check
 * served down with no open incident gets one, opened at that probe. This is
 * how a window's end opens the incident its outage deserves, and it holds
 * when a new owner took the check over during the window (no memory of the
 * old owner's is needed) or an owner died before writing the incident. The
 * shared store keeps one open incident per check, so a second opener joins.
 */
import type { ResultStore } from '../../store/store';
import type { CheckStatus, ProbeStatus } from '../../types';
import type { HistoryStore } from './types';

export interface FeedOptions {
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** True when `check` is in a maintenance window at `at` (epoch ms). Default: never. */
  readonly inMaintenance?: (check: string, at: number) => boolean;
}

interface Held {
  readonly status: ProbeStatus;
  /** What the check was served as when this probe landed. */
  readonly served: CheckStatus;
  readonly checkedAt: number;
  readonly durationMs: number;
}

/** Probes held per check at most (a threshold beyond this counts its oldest probes as served). */
const MAX_HELD = 100;

const isUp = (s: CheckStatus | ProbeStatus) => s !== 'error';
/** What opens an incident (unknown neither opens nor closes one). */
const isDown = (s: CheckStatus) => s === 'error' || s === 'degraded';

/** Feeds `history` from `store`. Returns an unsubscribe function. */
export function feedHistory(store: ResultStore, history: HistoryStore, opts: FeedOptions = {}): () => void {
  const now = opts.now ?? Date.now;
  const inMaintenance = opts.inMaintenance ?? (() => false);
  const held = new Map<string, Held[]>();
  /** Checks served down whose incident was looked for since they last were up (once per streak, not per probe). */
  const judged = new Set<string>();

  const record = (name: string, status: CheckStatus | ProbeStatus, checkedAt: number, durationMs: number) =>
    history.record(name, { status: inMaintenance(name, checkedAt) ? 'maintenance' : status, durationMs, checkedAt });

  const offResult = store.onResult((name, result, state) => {
    if (state.status === 'ok') judged.delete(name);
    else if (isDown(state.status) && !judged.has(name) && !inMaintenance(name, result.checkedAt)) {
      judged.add(name);
      if (!history.hasOpenIncident(name)) history.statusChanged(name, 'ok', state.status, result.checkedAt);
    }
    const list = held.get(name);
    if (isUp(result.status) !== isUp(state.status)) {
      const entry = { status: result.status, served: state.status, checkedAt: result.checkedAt, durationMs: result.durationMs };
      if (!list) held.set(name, [entry]);
      else {
        list.push(entry);
        const old = list.length > MAX_HELD ? list.shift() : undefined;
        if (old) record(name, old.served, old.checkedAt, old.durationMs);
      }
      return;
    }
    if (list) {
      // This probe agrees with the served status: either the held streak just crossed (it agrees with the streak), or the streak ended under its threshold.
      const crossed = isUp(list[0]!.status) === isUp(result.status);
      for (const h of list) record(name, crossed ? h.status : h.served, h.checkedAt, h.durationMs);
      held.delete(name);
    }
    record(name, state.status, result.checkedAt, result.durationMs);
  });

  // Runs before the result listener of the same probe: `held` then holds the earlier probes of the streak that crossed.
  const offChange = store.onStatusChange((prev, next, meta) => {
    if (!meta.decided) return;
    const at = held.get(next.name)?.[0]?.checkedAt ?? next.checkedAt ?? now();
    // A turn for the worse inside a window opens nothing now; the first probe after it does (above).
    if (next.status !== 'ok' && inMaintenance(next.name, at)) return;
    history.statusChanged(next.name, prev.status, next.status, at);
  });
  return () => {
    offResult();
    offChange();
  };
}
