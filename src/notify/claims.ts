/**
 * "Who sends this one?" for events every replica sees (maintenance windows
 * opening and closing, operator incidents): with PostgreSQL storage the
 * first replica to insert (service, notifier, event key) sends, the others
 * stay quiet; with memory storage, once per process. When the database does
 * not answer, the event is sent anyway (one WARN per outage): a duplicate
 * page beats a missed one.
 */
import { Pool } from 'pg';
import { classifyError } from '../checks/errors';
import type { Config, Logger } from '../types';

export interface Claims {
  /** Resolves true when this process should send `key` for `notifier`. Never rejects. */
  claim(notifier: string, key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Keys remembered in memory; enough for months of windows and incident updates. */
const MEMORY_KEYS = 10_000;
/** Claims older than this are deleted (the events they guard are long past). */
const KEEP_DAYS = 30;

const CREATE = `
CREATE TABLE IF NOT EXISTS health_notification_claims (
  service text NOT NULL,
  notifier text NOT NULL,
  event_key text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, notifier, event_key)
)`;

export function createClaims(config: Config, logger: Pick<Logger, 'warn' | 'info'>): Claims {
  return config.storage.type === 'postgres' ? createPostgresClaims(config.storage.url, config.service.name, logger) : createMemoryClaims();
}

export function createMemoryClaims(): Claims {
  const seen = new Set<string>();
  return {
    async claim(notifier, key) {
      const id = `${notifier}\n${key}`;
      if (seen.has(id)) return false;
      seen.add(id);
      // A Set iterates in insertion order: the first is the oldest.
      if (seen.size > MEMORY_KEYS) seen.delete(seen.values().next().value!);
      return true;
    },
    async close() {},
  };
}

export function createPostgresClaims(url: string, service: string, logger: Pick<Logger, 'warn' | 'info'>): Claims {
  const pool = new Pool({
    connectionString: url,
    max: 2,
    // Claims are off the probe path: waiting a little longer beats a duplicate.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
    query_timeout: 5_000,
    application_name: 'health-aggregator-notify',
    allowExitOnIdle: true,
  });
  let down = false;
  // Without a listener an idle client's error (the server restarting) crashes the process.
  pool.on('error', (err) => noteFailure(err));
  let schema: Promise<void> | null = null;

  function noteFailure(err: unknown): void {
    if (down) return;
    down = true;
    const { error, errorKind } = classifyError(err);
    // The classified sentence only: a driver message may name the host.
    logger.warn({ context: { error, error_kind: errorKind } }, 'notification claims unavailable: sending without cluster-wide deduplication until the database returns');
  }

  const ensureSchema = () => {
    schema ??= (async () => {
      // Replicas starting together race to create the table; losing that race is success.
      await pool.query(CREATE).catch((err: { code?: string }) => {
        if (err.code !== '23505' && err.code !== '42P07') throw err;
      });
      await pool.query(`DELETE FROM health_notification_claims WHERE claimed_at < now() - interval '${KEEP_DAYS} days'`);
    })().catch((err: unknown) => {
      schema = null;
      throw err;
    });
    return schema;
  };

  return {
    async claim(notifier, key) {
      try {
        await ensureSchema();
        const res = await pool.query(
          'INSERT INTO health_notification_claims (service, notifier, event_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [service, notifier, key],
        );
        if (down) {
          down = false;
          logger.info('notification claims available again');
        }
        return res.rowCount === 1;
      } catch (err) {
        noteFailure(err);
        return true;
      }
    },
    close: () => pool.end(),
  };
}
