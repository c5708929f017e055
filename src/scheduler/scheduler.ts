/**
 * Runs every check on its own timer and writes results to the store. The
 * scheduler owns time: it starts each probe with an AbortSignal, aborts it at
 * the check's timeout and records the timeout itself, so nothing that serves
 * requests ever waits on a dependency.
 *
 * Interval timers are unref()ed: the scheduler never keeps the process alive.
 * The per-probe timeout and stop()'s grace timer are bounded and stay ref'd,
 * so an awaited refresh()/stop() always gets its answer.
 */
import { performance } from 'node:perf_hooks';
import type { CheckConfig, Checker, Logger, Outcome, ProbeResult, ProbeStatus } from '../types';
import { ERROR_KINDS } from '../types';
import { classifyError } from '../checks/errors';
import type { ResultStore } from '../store/store';
import { lazyChild } from '../observability/lazy-child';

/** First runs are spread over [0, min(interval, this)) ms so equal intervals don't fire together. */
export const FIRST_RUN_SPREAD_MS = 1000;
/**
 * ...and over at least 1 ms per check beyond a thousand checks: 10,000 first
 * probes in one second is a burst that jitter takes many intervals to smooth.
 */
export const FIRST_RUNS_PER_SECOND = 1000;
/** Later runs wait interval ± this fraction. */
export const INTERVAL_JITTER = 0.1;
/** Liveness: stalled after max(3 × longest interval, this) ms without a finished probe. */
export const MIN_STALL_MS = 60_000;
/** stop() waits at most this long for aborted probes to settle. */
export const DEFAULT_STOP_GRACE_MS = 2000;

const PROBE_STATUSES: readonly ProbeStatus[] = ['ok', 'degraded', 'error'];

export interface Scheduler {
  /** Schedules the first run of every check (jittered), then each one `interval` ± 10% after its previous probe ended. Idempotent. */
  start(): void;
  /** Clears timers, aborts running probes and waits (at most `stopGraceMs`) for them to settle. Idempotent; no probe starts afterwards. */
  stop(): Promise<void>;
  /**
   * Runs every check now and resolves when each has a result (at most its
   * timeout). Concurrent callers share one run. A check whose probe is already
   * running is not started again: the refresh waits for that probe instead.
   */
  refresh(): Promise<void>;
  /**
   * Moves a check's next run to `delayMs` from now (a cluster member that
   * just took the check over). No effect while it is probing, before start()
   * or after stop().
   */
  runIn(name: string, delayMs: number): void;
  /** Epoch ms when any probe last finished (a timeout counts) or a due run was left to its cluster owner; null before the first. */
  lastProgressAt(): number | null;
  /** True when checks exist, the scheduler started, and no probe finished for max(3 × longest interval, 60 s). */
  stalled(now?: number): boolean;
}

export interface SchedulerEntry {
  readonly config: CheckConfig;
  readonly checker: Checker;
}

export interface SchedulerOptions {
  readonly entries: readonly SchedulerEntry[];
  readonly store: Pick<ResultStore, 'record'>;
  readonly logger: Logger;
  /**
   * In a cluster: false for a check a peer probes. A due run of such a check
   * is skipped and looked at again one interval later. Default: every check.
   */
  readonly owns?: (name: string) => boolean;
  /** [0, 1) source for jitter. Default Math.random. */
  readonly random?: () => number;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** ms stop() waits for aborted probes. Default 2000. */
  readonly stopGraceMs?: number;
}

interface Probe {
  readonly controller: AbortController;
  /** Resolves once a result is recorded: the outcome, or the timeout. Never rejects. */
  readonly recorded: Promise<void>;
  /** Resolves once the checker's promise settled; until then the check does not run again. */
  readonly settled: Promise<void>;
  /** Stops the timeout timer and resolves `recorded` without recording (used by stop()). */
  cancel(): void;
}

interface Slot {
  readonly config: CheckConfig;
  readonly checker: Checker;
  readonly log: Logger;
  timer: NodeJS.Timeout | null;
  probe: Probe | null;
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const slots: Slot[] = opts.entries.map(({ config, checker }) => ({
    config,
    checker,
    log: lazyChild(opts.logger, { check: config.name, type: config.type }),
    timer: null,
    probe: null,
  }));
  const byName = new Map(slots.map((s) => [s.config.name, s]));
  const stallMs = Math.max(MIN_STALL_MS, 3 * Math.max(0, ...slots.map((s) => s.config.interval)));
  let startedAt: number | null = null;
  let progressAt: number | null = null;
  let stopping: Promise<void> | null = null;
  let sharedRefresh: Promise<void> | null = null;

  /** `null`: the probe ended without a verdict (a heartbeat never pinged): progress, but nothing to record. */
  const record = (slot: Slot, result: Omit<ProbeResult, 'checkedAt'> | null): void => {
    if (stopping) return;
    progressAt = now();
    if (result === null) return;
    try {
      opts.store.record(slot.config.name, { ...result, checkedAt: progressAt });
    } catch (err) {
      slot.log.error({ err }, 'recording a probe result failed');
    }
  };

  const schedule = (slot: Slot, delayMs: number): void => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (opts.owns && !opts.owns(slot.config.name)) {
        // A peer probes it; the scheduler is still alive, which is what liveness asks.
        progressAt = now();
        schedule(slot, jittered(slot.config.interval, random));
        return;
      }
      run(slot);
    }, delayMs);
    slot.timer.unref();
  };

  /** Starts a probe unless one is still running (abandoned probes included); returns the running one. */
  const run = (slot: Slot): Probe | null => {
    if (stopping) return null;
    if (slot.probe) return slot.probe;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const probe = startProbe(slot, record);
    slot.probe = probe;
    void probe.settled.then(() => {
      slot.probe = null;
      // Measured from the end of the probe, so a slow dependency is never probed back to back.
      if (startedAt !== null && !stopping) schedule(slot, jittered(slot.config.interval, random));
    });
    return probe;
  };

  return {
    start() {
      if (startedAt !== null || stopping) return;
      startedAt = now();
      const spread = Math.max(FIRST_RUN_SPREAD_MS, (1000 * slots.length) / FIRST_RUNS_PER_SECOND);
      for (const slot of slots) {
        schedule(slot, random() * Math.min(slot.config.interval, spread));
      }
    },
    stop() {
      stopping ??= stopAll(slots, opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
      return stopping;
    },
    refresh() {
      if (stopping) return Promise.resolve();
      sharedRefresh ??= Promise.all(slots.map((slot) => run(slot)?.recorded)).then(() => {
        sharedRefresh = null;
      });
      return sharedRefresh;
    },
    runIn(name, delayMs) {
      const slot = byName.get(name);
      if (!slot || slot.probe || startedAt === null || stopping) return;
      schedule(slot, Math.max(0, delayMs));
    },
    lastProgressAt: () => progressAt,
    stalled(at = now()) {
      const since = progressAt ?? startedAt;
      if (slots.length === 0 || since === null || stopping) return false;
      return at - since > stallMs;
    },
  };
}

/** interval ± INTERVAL_JITTER, in ms. */
function jittered(interval: number, random: () => number): number {
  return interval * (1 + INTERVAL_JITTER * (2 * random() - 1));
}

/**
 * One probe: the checker raced against the timeout. At the timeout the signal
 * is aborted and the timeout is recorded at once; the checker's own promise is
 * still awaited (as `settled`) so a check never overlaps itself.
 */
function startProbe(slot: Slot, record: (slot: Slot, result: Omit<ProbeResult, 'checkedAt'> | null) => void): Probe {
  const { config, checker } = slot;
  const controller = new AbortController();
  const started = performance.now();
  let done = false;
  let markRecorded!: () => void;
  const recorded = new Promise<void>((resolve) => (markRecorded = resolve));
  const cancel = (): void => {
    done = true;
    clearTimeout(timer);
    markRecorded();
  };
  const finish = (result: Omit<ProbeResult, 'durationMs' | 'checkedAt'>): void => {
    if (done) return;
    cancel();
    record(slot, { ...result, durationMs: performance.now() - started });
  };

  const timer = setTimeout(() => {
    const message = `timed out after ${config.timeout} ms`;
    controller.abort(new DOMException(message, 'TimeoutError'));
    finish({ status: 'error', error: message, errorKind: 'timeout', details: {} });
  }, config.timeout);
  // Deliberately not unref()ed: it lives at most `timeout` ms and guarantees that a
  // probe (and so refresh(), e.g. in `health-aggregator check`) always ends, even
  // when the checker holds no handle that keeps the process alive. stop() clears it.

  const settled = callChecker(checker, controller.signal).then(
    (outcome) => {
      if ((outcome as Outcome | undefined)?.status !== 'unknown') return finish(fromOutcome(outcome, slot));
      if (done) return;
      cancel();
      record(slot, null);
    },
    (err: unknown) => {
      const { error, errorKind } = classifyError(err);
      if (!done) slot.log.warn({ errorKind }, 'checker threw instead of returning an outcome');
      finish({ status: 'error', error, errorKind, details: {} });
    },
  ).catch((err: unknown) => slot.log.error({ err }, 'probe bookkeeping failed'));
  return { controller, recorded, settled, cancel };
}

/** A synchronous throw becomes a rejection, so one path handles both. */
async function callChecker(checker: Checker, signal: AbortSignal): Promise<Outcome> {
  return checker.check(signal);
}

/** Normalises what a checker returned; a malformed outcome is a checker bug, served as an error. */
function fromOutcome(outcome: Outcome, slot: Slot): Omit<ProbeResult, 'durationMs' | 'checkedAt'> {
  // Checkers are plain JS at runtime: guard against a bug handing back something else.
  const status = (outcome as Outcome | undefined)?.status;
  if (status === undefined || status === 'unknown' || !PROBE_STATUSES.includes(status)) {
    slot.log.warn('checker returned an invalid outcome');
    return { status: 'error', error: 'invalid probe outcome', errorKind: 'other', details: {} };
  }
  const kind = outcome.errorKind;
  const errorKind = kind !== undefined && ERROR_KINDS.includes(kind) ? kind : status === 'error' ? 'other' : null;
  const error = outcome.error ?? (status === 'error' ? 'probe failed' : null);
  return { status, error, errorKind, details: outcome.details ?? {} };
}

async function stopAll(slots: readonly Slot[], graceMs: number): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const slot of slots) {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (!slot.probe) continue;
    slot.probe.cancel();
    slot.probe.controller.abort(new DOMException('scheduler stopped', 'AbortError'));
    pending.push(slot.probe.settled);
  }
  if (pending.length === 0) return;
  let grace: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    // Ref'd like the probe timeouts: bounded, and a caller awaiting stop() is always answered.
    grace = setTimeout(resolve, graceMs);
  });
  await Promise.race([Promise.all(pending), timeUp]);
  clearTimeout(grace);
}
