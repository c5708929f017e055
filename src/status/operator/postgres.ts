/**
 * Operator incidents and one-off maintenance windows in PostgreSQL
 * (`storage: {type: postgres}`), so restarts and replicas share them. Rows
 * are keyed by service name (services may share a database) and hold the
 * served document as jsonb: the shape is the API's, so a reader needs no
 * mapping. Tables are created if missing; `health_operator_schema` records
 * the layout version so a later release can migrate instead of guessing.
 */
import { Pool } from 'pg';
import type { OneOffWindow } from '../maintenance/calendar';
import { MAX_INCIDENTS, MAX_WINDOWS, WINDOW_RETENTION_MS, type OperatorBackend } from './backend';
import type { StatusIncident } from './types';

export const SCHEMA_VERSION = 1;

// The advisory lock keeps replicas starting together from racing on CREATE TABLE.
const CREATE_SCHEMA = `
BEGIN;
SELECT pg_advisory_xact_lock(7262812);
CREATE TABLE IF NOT EXISTS health_operator_schema (version integer PRIMARY KEY);
INSERT INTO health_operator_schema (version) VALUES (${SCHEMA_VERSION}) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS health_operator_incidents (
  service text NOT NULL,
  id text NOT NULL,
  created_at timestamptz NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (service, id)
);
CREATE INDEX IF NOT EXISTS health_operator_incidents_recent ON health_operator_incidents (service, created_at DESC);
CREATE TABLE IF NOT EXISTS health_operator_maintenances (
  service text NOT NULL,
  id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (service, id)
);
COMMIT;`;

export interface PostgresBackendOptions {
  /** postgres:// URL (secret-bearing: never logged). */
  readonly url: string;
  readonly service: string;
}

export function createPostgresBackend(opts: PostgresBackendOptions): OperatorBackend {
  const { service } = opts;
  const pool = new Pool({
    connectionString: opts.url,
    max: 3,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 10_000,
    query_timeout: 5_000,
    statement_timeout: 5_000,
    application_name: 'health-aggregator-operator',
    allowExitOnIdle: true,
  });
  // Without a listener an idle client's error (the server shutting down) crashes the process; the next query reports it.
  pool.on('error', () => undefined);

  let schema: Promise<void> | null = null;
  const ready = () => {
    schema ??= pool.query(CREATE_SCHEMA).then(
      () => undefined,
      (err: unknown) => {
        schema = null;
        throw err;
      },
    );
    return schema;
  };

  return {
    async load(now) {
      await ready();
      const incidents = await pool.query<{ doc: StatusIncident }>(
        'SELECT doc FROM health_operator_incidents WHERE service = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
        [service, MAX_INCIDENTS],
      );
      const windows = await pool.query<{ doc: OneOffWindow }>(
        'SELECT doc FROM health_operator_maintenances WHERE service = $1 AND ends_at > $2 ORDER BY starts_at DESC, id DESC LIMIT $3',
        [service, new Date(now - WINDOW_RETENTION_MS), MAX_WINDOWS],
      );
      return { incidents: incidents.rows.map((r) => r.doc), windows: windows.rows.map((r) => r.doc).reverse() };
    },

    async insertIncident(incident) {
      await ready();
      await pool.query('INSERT INTO health_operator_incidents (service, id, created_at, doc) VALUES ($1, $2, $3, $4)', [
        service,
        incident.id,
        incident.created_at,
        JSON.stringify(incident),
      ]);
    },

    async updateIncident(id, change) {
      await ready();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Row lock: a concurrent update on another replica waits, then appends to what this one wrote.
        const { rows } = await client.query<{ doc: StatusIncident }>(
          'SELECT doc FROM health_operator_incidents WHERE service = $1 AND id = $2 FOR UPDATE',
          [service, id],
        );
        if (rows.length === 0) {
          await client.query('ROLLBACK');
          return undefined;
        }
        const next = change(rows[0]!.doc);
        await client.query('UPDATE health_operator_incidents SET doc = $3 WHERE service = $1 AND id = $2', [service, id, JSON.stringify(next)]);
        await client.query('COMMIT');
        return next;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async insertWindow(window) {
      await ready();
      await pool.query('INSERT INTO health_operator_maintenances (service, id, starts_at, ends_at, doc) VALUES ($1, $2, $3, $4, $5)', [
        service,
        window.id,
        window.starts_at,
        window.ends_at,
        JSON.stringify(window),
      ]);
    },

    async deleteWindow(id) {
      await ready();
      const { rowCount } = await pool.query('DELETE FROM health_operator_maintenances WHERE service = $1 AND id = $2', [service, id]);
      return (rowCount ?? 0) > 0;
    },

    async close() {
      await Promise.race([pool.end().catch(() => undefined), new Promise((r) => setTimeout(r, 3_000).unref())]);
    },
  };
}
