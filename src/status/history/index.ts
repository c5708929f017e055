/** Picks the history store for `storage` and feeds it from the result store. */
import type { Config, Logger } from '../../types';
import { createMemoryHistory } from './memory';
import { createPostgresHistory } from './postgres';
import type { HistoryStore } from './types';

export type { HistoryStore } from './types';
export { feedHistory, type FeedOptions } from './feed';

export interface HistoryDeps {
  readonly logger: Logger;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
}

/** Memory by default; PostgreSQL (shared by restarts and replicas) for `storage: {type: postgres}`. */
export function createHistory(config: Config, deps: HistoryDeps): HistoryStore {
  const checks = config.checks.map((c) => c.name);
  if (config.storage.type === 'postgres') {
    return createPostgresHistory({ url: config.storage.url, service: config.service.name, checks, logger: deps.logger, now: deps.now });
  }
  return createMemoryHistory(checks, { now: deps.now });
}
