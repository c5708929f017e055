/**
 * PostgreSQL check: runs the configured query on one long-lived connection,
 * then reads server facts (version, connections, max_connections, recovery).
 *
 * Why one owned `pg.Client` rather than a `pg.Pool`: a pool hides the client
 * while it is connecting, so an abort during the connect phase (the usual
 * hang: a server or proxy that accepts and never answers) could not close
 * the socket until pg's own connect timer fired. Owning the client lets an
 * abort destroy the socket at once. The connection is kept between probes
 * (a pool of one) and replaced after any failure.
 */
import { Client } from 'pg';
import type { Checker, CheckDeps, Details, Outcome, PostgresCheckConfig } from '../types';
import { classifyError } from './errors';
import { Aborted, abortable, TIMED_OUT } from './abortable';
import { createPhases } from './phases';

/** Shown in pg_stat_activity so DBAs can tell our sessions apart. */
export const POSTGRES_APPLICATION_NAME = 'health-aggregator';

// One round trip. Every part works for an unprivileged role: other sessions'
// rows in pg_stat_activity are visible (with columns masked), and counting
// them needs no grant. Replication lag: a replica's own replay lag (0 while it
// has replayed all it received: an idle primary writes nothing to replay, and
// "time since the last replayed transaction" would grow without any lag); a
// primary's worst replica (null without replicas, or for a role that may not
// read pg_stat_replication's lag columns).
const STATS_SQL = `SELECT current_setting('server_version') AS server_version,
  current_setting('max_connections')::int AS max_connections,
  (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS connections,
  pg_is_in_recovery() AS in_recovery,
  current_database() AS database,
  (SELECT deadlocks::float8 FROM pg_stat_database WHERE datname = current_database()) AS deadlocks,
  CASE WHEN pg_is_in_recovery() THEN
    CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0::float8
      ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END
  ELSE (SELECT extract(epoch FROM max(replay_lag))::float8 FROM pg_stat_replication) END AS replication_lag_s`;

interface StatsRow {
  server_version: string;
  max_connections: number;
  connections: number;
  in_recovery: boolean;
  database: string;
  deadlocks: number | null;
  replication_lag_s: number | null;
}



/**
 * Creates a PostgreSQL checker. `config.timeout` also bounds the driver
 * (connect and per-query read timeouts) as a second line behind the
 * scheduler's abort. Idle-connection errors (e.g. 57P01 when the server
 * restarts) are logged at debug and the connection is dropped; they never
 * reach the process.
 */
export function createPostgresCheck(config: PostgresCheckConfig, deps: CheckDeps): Checker {
  const { logger } = deps;
  let client: Client | null = null;
  // Failed connection attempts over this checker's life, reported in every
  // probe's details (db_connection_errors_total). Counted here because only the
  // checker knows a failure happened while connecting rather than querying.
  let connectionErrors = 0;
  // Aborts a probe in flight when close() is called, so shutdown never waits on a hung server.
  const closing = new AbortController();

  function open(): Client {
    const c = new Client({
      connectionString: config.url,
      application_name: POSTGRES_APPLICATION_NAME,
      connectionTimeoutMillis: config.timeout,
      query_timeout: config.timeout,
      keepAlive: true,
    });
    c.on('error', (err) => {
      logger.debug({ reason: classifyError(err).error }, 'postgres connection error');
      if (client === c) client = null;
      destroy(c);
    });
    c.on('end', () => {
      if (client === c) client = null;
    });
    return c;
  }

  async function connected(signal: AbortSignal): Promise<Client> {
    if (client) return client;
    const c = open();
    client = c;
    try {
      await abortable(c.connect(), signal, () => destroy(c));
    } catch (err) {
      connectionErrors++;
      throw err;
    }
    return c;
  }

  async function probe(signal: AbortSignal): Promise<Details> {
    const reused = client !== null;
    try {
      return await probeOnce(signal);
    } catch (err) {
      // A kept connection can die between probes (a server restart) just before
      // pg notices; that says nothing about the server now, so ask again on a fresh one.
      if (!reused || !isConnectionLost(err)) throw err;
      logger.debug('kept postgres connection was lost, probing on a new one');
      const c = client;
      client = null;
      if (c) destroy(c);
      return await probeOnce(signal);
    }
  }

  async function probeOnce(signal: AbortSignal): Promise<Details> {
    const phases = createPhases();
    const fresh = client === null;
    const c = await connected(signal);
    if (fresh) phases.lap('connect');
    else phases.skip();
    const run = <T>(sql: string) => abortable(c.query(sql), signal, () => destroy(c)) as Promise<T>;
    await run(config.query);
    phases.lap('query');
    const timings_ms = phases.timings;
    try {
      const res = await run<{ rows: StatsRow[] }>(STATS_SQL);
      const row = res.rows[0];
      return { ...(row ? toDetails(row) : {}), connection_errors: connectionErrors, timings_ms };
    } catch (err) {
      if (err instanceof Aborted || !isServerError(err)) throw err;
      // The configured query worked, so the dependency is up; a restricted role
      // (or a server without these functions) only costs us the details.
      logger.debug({ reason: classifyError(err).error }, 'postgres stats query failed');
      return { connection_errors: connectionErrors, timings_ms };
    }
  }

  return {
    name: config.name,
    type: 'postgres',
    async check(signal) {
      if (closing.signal.aborted) return { status: 'error', errorKind: 'other', error: 'checker is closed' };
      if (signal.aborted) return TIMED_OUT;
      try {
        return { status: 'ok', details: await probe(AbortSignal.any([signal, closing.signal])) };
      } catch (err) {
        // After any failure the connection's state is unknown (a timed-out query
        // may still be running on it): start the next probe on a fresh one.
        const c = client;
        client = null;
        if (c) destroy(c);
        if (err instanceof Aborted) return TIMED_OUT;
        return { status: 'error', ...classifyError(err), details: { connection_errors: connectionErrors } };
      }
    },
    async close() {
      closing.abort();
      const c = client;
      client = null;
      if (c && !c.connection.stream.destroyed) await endGracefully(c);
    },
  };
}

function toDetails(row: StatsRow): Details {
  return {
    // "15.4 (Debian 15.4-1.pgdg120+1)" -> "15.4"
    server_version: row.server_version.split(' ')[0] ?? row.server_version,
    connections: row.connections,
    max_connections: row.max_connections,
    in_recovery: row.in_recovery,
    database: row.database,
    ...(row.deadlocks !== null ? { deadlocks: row.deadlocks } : {}),
    ...(row.replication_lag_s !== null ? { replication_lag_s: Math.max(0, row.replication_lag_s) } : {}),
  };
}

/** A server-side error (has a SQLSTATE) leaves the connection usable; anything else may not. */
function isServerError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  return err instanceof Error && /Connection terminated|not queryable/i.test(err.message);
}

/** Closes the socket now, discarding whatever the connection was doing. */
function destroy(c: Client): void {
  c.connection.stream.destroy();
}

/** Sends Terminate, then closes without waiting for a peer that may never answer. */
async function endGracefully(c: Client): Promise<void> {
  const stream = c.connection.stream;
  stream.once('finish', () => stream.destroy());
  await c.end().catch(() => {});
  stream.destroy();
}
