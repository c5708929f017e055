/**
 * Pings in PostgreSQL (`storage: {type: postgres}`; in a cluster that is the
 * cluster's database). A ping on any replica is written in one short
 * transaction (row lock, so two replicas pinged at once both count); every
 * replica reads all of its service's rows back every `pollMs` into memory,
 * which is all a checker ever reads. Times come from the database's clock so
 * replicas with skewed clocks agree on when a ping arrived.
 *
 * While the database is down: pings answer 503 (the job's retry re-sends it:
 * accepting it here would hide it from every other replica), checkers keep
 * reading the last copy, one WARN per outage.
 */
import { Pool } from 'pg';
import { classifyError } from '../checks/errors';
import type { Logger } from '../types';
import { applyPing, asPingState, type PingState } from './pings';
import type { PingStore, PingStoreOptions } from './ping-store';

export const HEARTBEAT_SCHEMA_VERSION = 1;

const CREATE = `CREATE TABLE IF NOT EXISTS health_heartbeat_pings (
  service text NOT NULL,
  check_name text NOT NULL,
  schema_version integer NOT NULL,
  state jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, check_name)
)`;

export interface PostgresPingStoreOptions extends PingStoreOptions {
  /** postgres:// URL (secret-bearing: never logged). */
  readonly url: string;
  /** Rows are keyed by service name, so services may share a database. */
  readonly service: string;
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** ms between read-backs. Default 250. */
  readonly pollMs?: number;
}

export function createPostgresPingStore(opts: PostgresPingStoreOptions): PingStore {
  const pollMs = opts.pollMs ?? 250;
  const known = new Set(opts.checks);
  const states = new Map<string, PingState | null>();
  const pool = new Pool({
    connectionString: opts.url,
    max: 4,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 10_000,
    query_timeout: 3_000,
    application_name: 'health-aggregator-heartbeats',
    allowExitOnIdle: true,
  });
  // Without a listener an idle client's error (the server shutting down) crashes the process.
  pool.on('error', (err) => noteFailure(err));

  let loaded = false;
  let schema: Promise<void> | null = null;
  let down = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> | null = null;

  function noteFailure(err: unknown): void {
    if (down || closed) return;
    down = true;
    const { error, errorKind } = classifyError(err);
    // The classified sentence only: a driver message may name the host.
    opts.logger.warn({ context: { error, error_kind: errorKind } }, 'heartbeat storage unavailable: serving the last known pings');
  }
  function noteSuccess(): void {
    if (!down) return;
    down = false;
    opts.logger.info('heartbeat storage available again');
  }

  const ensureSchema = (): Promise<void> => {
    schema ??= pool.query(CREATE).then(
      () => undefined,
      (err: { code?: string }) => {
        // Two replicas creating the table at once: the loser sees a duplicate; the table exists.
        if (err.code === '23505' || err.code === '42P07') return;
        schema = null;
        throw err;
      },
    );
    return schema;
  };

  async function readBack(): Promise<void> {
    await ensureSchema();
    const { rows } = await pool.query<{ check_name: string; state: unknown; schema_version: number }>(
      'SELECT check_name, state, schema_version FROM health_heartbeat_pings WHERE service = $1',
      [opts.service],
    );
    for (const row of rows) {
      if (!known.has(row.check_name) || row.schema_version > HEARTBEAT_SCHEMA_VERSION) continue;
      states.set(row.check_name, asPingState(row.state));
    }
    loaded = true;
    noteSuccess();
  }

  const poll = (): void => {
    timer = null;
    if (closed) return;
    reading = readBack()
      .catch(noteFailure)
      .finally(() => {
        reading = null;
        if (!closed) {
          timer = setTimeout(poll, pollMs);
          timer.unref();
        }
      });
  };

  return {
    since: Date.now(),
    showNotes: opts.showNotes,
    get(name) {
      if (!loaded) return undefined;
      return states.get(name) ?? null;
    },
    async ping(name, ping) {
      const client = await pool.connect().catch((err: unknown) => {
        noteFailure(err);
        throw err;
      });
      try {
        await ensureSchema();
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO health_heartbeat_pings (service, check_name, schema_version, state) VALUES ($1, $2, $3, NULL)
           ON CONFLICT (service, check_name) DO NOTHING`,
          [opts.service, name, HEARTBEAT_SCHEMA_VERSION],
        );
        const { rows } = await client.query<{ state: unknown; now_ms: number }>(
          `SELECT state, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms
           FROM health_heartbeat_pings WHERE service = $1 AND check_name = $2 FOR UPDATE`,
          [opts.service, name],
        );
        const next = applyPing(asPingState(rows[0]?.state), { ...ping, at: Math.round(rows[0]!.now_ms) });
        await client.query(
          'UPDATE health_heartbeat_pings SET state = $3, schema_version = $4, updated_at = now() WHERE service = $1 AND check_name = $2',
          [opts.service, name, JSON.stringify(next), HEARTBEAT_SCHEMA_VERSION],
        );
        await client.query('COMMIT');
        // Served here at once; the other replicas read it back within pollMs.
        if (loaded) states.set(name, next);
        noteSuccess();
        client.release();
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        client.release(true);
        noteFailure(err);
        throw err;
      }
    },
    start() {
      if (timer === null && reading === null && !closed) poll();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await reading?.catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}
