/**
 * From what happens to what a notifier hears (CONTRACT §5.7, §5.8).
 *
 * Status events come from the store's decided changes only, so in a cluster
 * the replica that decided a change is the one that tells. Each notifier
 * keeps, per check, what it last told (`error`, `degraded` or nothing): a
 * recovery is sent only for a problem that was told, a blip shorter than
 * `after` is never told at all (nor its recovery), and a flap back into the
 * state already told is not told twice. `repeat` reminds while the state
 * lasts. Nothing is sent for a check in maintenance; when a window ends, each
 * notifier is brought up to date with what it missed (a recovery, or a
 * problem that outlasted the window).
 *
 * Listeners only set timers: the probe that caused a change never waits.
 */
import type { ResultStore } from '../store/store';
import type { CheckConfig, CheckState, CheckStatus, Logger, NotifierConfig, NotifyEvent } from '../types';
import type { MaintenanceCalendar, OperatorEvent } from '../status/operator/types';
import type { Notification } from './types';

/** Where events go: a notifier's config and a way to hand it an event (with a cluster-wide claim key when every replica sees the event). */
export interface Target {
  readonly config: NotifierConfig;
  send(n: Notification, claimKey?: string): void;
}

export interface WatchOptions {
  readonly calendar?: MaintenanceCalendar | undefined;
  readonly logger: Pick<Logger, 'debug'>;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
}

type Problem = 'error' | 'degraded';

interface Track {
  /** What this notifier last told about the check. */
  told: Problem | null;
  /** The status the current episode started from, and when. */
  previous: CheckStatus;
  since: number;
  timer: NodeJS.Timeout | null;
  reminder: NodeJS.Timeout | null;
}

const covers = (n: NotifierConfig, check: string) => n.checks === null || n.checks.includes(check);
const coversAny = (n: NotifierConfig, checks: readonly string[]) => n.checks === null || checks.length === 0 || checks.some((c) => n.checks!.includes(c));
const iso = (ms: number) => new Date(ms).toISOString();

export interface StatusWatch {
  /**
   * Re-judges these checks now (a maintenance window just ended), where this
   * process has judged them before (it decided their changes); `claim`
   * names the window, so that what is sent is sent once per cluster.
   */
  reconcile(checks: readonly string[], claim: string): void;
  close(): void;
}

export function watchStatusChanges(store: ResultStore, checks: readonly CheckConfig[], targets: readonly Target[], opts: WatchOptions): StatusWatch {
  const now = opts.now ?? Date.now;
  const configs = new Map(checks.map((c) => [c.name, c]));
  const tracks = new Map<Target, Map<string, Track>>(targets.map((t) => [t, new Map()]));
  const inMaintenance = (check: string) => opts.calendar?.inMaintenance(check, now()) ?? false;

  const trackOf = (t: Target, name: string): Track => {
    const byCheck = tracks.get(t)!;
    let track = byCheck.get(name);
    if (!track) {
      track = { told: null, previous: 'unknown', since: now(), timer: null, reminder: null };
      byCheck.set(name, track);
    }
    return track;
  };

  const stop = (track: Track) => {
    if (track.timer) clearTimeout(track.timer);
    if (track.reminder) clearTimeout(track.reminder);
    track.timer = track.reminder = null;
  };

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  };
  // With no `after`, tell at once: a later change must not cancel news already true (pushing is cheap; sending is async).
  const soon = (ms: number, fn: () => void): NodeJS.Timeout | null => {
    if (ms > 0) return later(ms, fn);
    fn();
    return null;
  };

  function notice(event: NotifyEvent, state: CheckState, track: Track): Notification {
    const c = configs.get(state.name)!;
    return {
      event,
      timestamp: iso(now()),
      group: c.group,
      check: {
        name: c.name,
        display_name: c.displayName,
        type: c.type,
        critical: c.critical,
        status: state.status,
        previous_status: track.previous,
        since: iso(track.since),
        error_kind: state.errorKind,
        error: state.error,
        caused_by: state.causedBy,
      },
    };
  }

  /** Tells `t` about the problem `p` if it still holds and the check is not in maintenance. */
  function tellProblem(t: Target, name: string, track: Track, p: Problem, claim?: string): void {
    const state = store.get(name);
    if (!state || state.status !== p) return;
    if (inMaintenance(name)) opts.logger.debug({ context: { notifier: t.config.name, check: name, event: p } }, 'notification suppressed: check in maintenance');
    else {
      t.send(notice(p, state, track), claim);
      track.told = p;
    }
    const every = t.config.repeat;
    if (every !== null) track.reminder = later(every, () => tellProblem(t, name, track, p));
  }

  function tellRecovery(t: Target, name: string, track: Track, claim?: string): void {
    const state = store.get(name);
    if (!state || state.status !== 'ok' || track.told === null) return;
    if (inMaintenance(name)) {
      opts.logger.debug({ context: { notifier: t.config.name, check: name, event: 'recovery' } }, 'notification suppressed: check in maintenance');
      return;
    }
    track.told = null;
    if (t.config.on.includes('recovery')) t.send(notice('recovery', state, track), claim);
  }

  /** Starts judging the check's current state for `t`; `waited` ms of `after` have already passed. */
  function judge(t: Target, name: string, track: Track, status: CheckStatus, waited: number, claim?: string): void {
    stop(track);
    const wait = Math.max(0, t.config.after - waited);
    if (status === 'error' || status === 'degraded') {
      if (track.told === status) {
        // Back in the state already told (a flap, or a window that ended): remind on schedule, do not repeat the news.
        if (t.config.repeat !== null) track.reminder = later(t.config.repeat, () => tellProblem(t, name, track, status));
      } else if (t.config.on.includes(status)) {
        track.timer = soon(wait, () => tellProblem(t, name, track, status, claim && `${claim}/${status}`));
      }
    } else if (status === 'ok' && track.told !== null) {
      track.timer = soon(wait, () => tellRecovery(t, name, track, claim && `${claim}/recovery`));
    }
  }

  const off = store.onStatusChange((prev, next, meta) => {
    if (!meta.decided) return;
    for (const t of targets) {
      if (!covers(t.config, next.name)) continue;
      const track = trackOf(t, next.name);
      track.previous = prev.status;
      track.since = now();
      judge(t, next.name, track, next.status, 0);
    }
  });

  return {
    reconcile(names, claim) {
      for (const name of names) {
        const state = store.get(name);
        if (!state) continue;
        for (const t of targets) {
          const track = tracks.get(t)!.get(name);
          if (track) judge(t, name, track, state.status, now() - track.since, `${claim}/${name}`);
        }
      }
    },
    close() {
      off();
      for (const byCheck of tracks.values()) for (const track of byCheck.values()) stop(track);
    },
  };
}

/**
 * Operator events: incidents created or updated, and maintenance windows
 * opening and closing. Every replica may see these, so each carries a claim
 * key: the first replica to claim it sends it.
 */
export function watchOperatorEvents(
  onEvent: (fn: (e: OperatorEvent) => void) => () => void,
  targets: readonly Target[],
  opts: { readonly now?: () => number; readonly windowEnded?: (checks: readonly string[], claim: string) => void },
): () => void {
  const now = opts.now ?? Date.now;
  return onEvent((e) => {
    if (e.kind === 'incident') {
      const i = e.incident;
      for (const t of targets) {
        if (!t.config.on.includes('incident') || !coversAny(t.config, i.components)) continue;
        t.send({ event: 'incident', timestamp: iso(now()), incident: i }, `incident/${i.id}/${i.updated_at}/${i.updates.length}`);
      }
      return;
    }
    if (e.action !== 'started' && e.action !== 'ended') return;
    const w = e.window;
    for (const t of targets) {
      if (!t.config.on.includes('maintenance') || !coversAny(t.config, w.components)) continue;
      t.send({ event: 'maintenance', timestamp: iso(now()), maintenance: { action: e.action, window: w } }, `maintenance/${w.id}/${w.starts_at}/${e.action}`);
    }
    if (e.action === 'ended') opts.windowEnded?.(w.components, `reconcile/${w.id}/${w.starts_at}`);
  });
}
