/**
 * The heartbeat check (CONTRACT §4.10): pushed, not probed. Each run reads
 * the last known pings (src/heartbeat) and judges them against the period or
 * cron schedule and grace; no network I/O, so the scheduler, thresholds,
 * store, history, notifications and the cluster treat it like any check.
 */
import type { Checker, CheckDeps, HeartbeatCheckConfig } from '../types';
import { evaluateHeartbeat } from '../heartbeat/evaluate';
import { NO_PINGS } from '../heartbeat/ping-store';
import { nextExpected } from '../heartbeat/schedule';

export function createHeartbeatCheck(config: HeartbeatCheckConfig, deps: CheckDeps): Checker {
  const reader = deps.heartbeats ?? NO_PINGS;
  const next = nextExpected(config);
  return {
    name: config.name,
    type: 'heartbeat',
    check: async () =>
      evaluateHeartbeat({ config, next, state: reader.get(config.name), now: Date.now(), since: reader.since, showNote: reader.showNotes }),
    close: async () => {},
  };
}
