/**
 * Operator incidents and maintenance (CONTRACT §4.7, §5.8): picks the backend
 * for `storage` (memory, or PostgreSQL shared by restarts and replicas) and
 * builds the store every route, the page and the notifiers read.
 */
import type { Config, Logger } from '../../types';
import { createMemoryBackend } from './backend';
import { createPostgresBackend } from './postgres';
import { createOperatorStore, type OperatorService } from './store';

export type { OperatorService } from './store';
export type { OperatorStore, StatusIncident, MaintenanceWindow, OperatorEvent } from './types';

/** ms between re-reads of shared storage: another replica's write shows here within this. */
export const RELOAD_MS = 2_000;

export function createOperator(config: Config, deps: { readonly logger: Logger; readonly now?: () => number; readonly reloadMs?: number }): OperatorService {
  const shared = config.storage.type === 'postgres';
  const backend = config.storage.type === 'postgres' ? createPostgresBackend({ url: config.storage.url, service: config.service.name }) : createMemoryBackend();
  return createOperatorStore({
    backend,
    recurring: config.maintenance,
    logger: deps.logger,
    now: deps.now,
    reloadMs: shared ? (deps.reloadMs ?? RELOAD_MS) : 0,
  });
}
