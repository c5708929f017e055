/**
 * Heartbeats (CONTRACT §4.10): jobs push pings, a check judges them.
 * pings.ts (the state and how a ping changes it), schedule.ts (period or
 * cron), evaluate.ts (the verdict), ping-store.ts / pg-store.ts (memory or
 * PostgreSQL), rate-limit.ts (per-check 429). The checker is
 * src/checks/heartbeat.ts, the routes src/routes/heartbeats.ts.
 */
import type { Config, Logger } from '../types';
import { createMemoryPingStore, type PingStore } from './ping-store';
import { createPostgresPingStore } from './pg-store';

/**
 * PostgreSQL when `storage.type` is postgres, else the cluster's database when
 * clustered (a ping taken by one replica must reach the check's owner even if
 * storage was left in memory), else memory.
 */
export function createPingStore(config: Config, logger: Logger): PingStore {
  const checks = config.checks.filter((c) => c.type === 'heartbeat').map((c) => c.name);
  // A note may be a job's output: shown only where the detail routes need a token.
  const showNotes = config.server.detailsToken !== '';
  const url = config.storage.type === 'postgres' ? config.storage.url : config.cluster?.url;
  if (url && checks.length > 0) {
    return createPostgresPingStore({ url, service: config.service.name, checks, showNotes, logger });
  }
  return createMemoryPingStore({ checks, showNotes });
}

/**
 * For `health-aggregator check`: the pings as last stored, read once (at most
 * `waitMs`). With memory storage nothing is known: a heartbeat is pushed to
 * the running service, never probed, so the command can only say so.
 */
export async function loadPingsOnce(config: Config, logger: Logger, waitMs = 3_000): Promise<PingStore> {
  const store = createPingStore(config, logger);
  store.start();
  const first = config.checks.find((c) => c.type === 'heartbeat');
  const deadline = Date.now() + waitMs;
  while (first && store.get(first.name) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return store;
}
