/**
 * The SQL of PostgreSQL history storage, in one place. Tables are keyed by
 * service name so several services may share one database; buckets are
 * upserted (one row per check per 5 minutes for 26 hours, and per hour for
 * 30 days, however many replicas write; latency columns of the first
 * version stay, unused: latency is per replica),
 * and at most one incident per check is open (a partial unique index), so
 * replicas that see the same outage join one incident instead of each
 * opening their own.
 */
import type { Pool } from 'pg';
import { type Bucket, bucketStart, type Counts, FINE_SPAN_MS, type Level } from './buckets';
import { type IncidentOp, REOPEN_WITHIN_MS } from './incidents';
import type { Incident } from './types';

/** Idempotent; the advisory lock keeps two replicas starting together from racing on CREATE TABLE. */
export const CREATE_SCHEMA = `
BEGIN;
SELECT pg_advisory_xact_lock(7262811);
CREATE TABLE IF NOT EXISTS health_status_buckets (
  service text NOT NULL,
  check_name text NOT NULL,
  bucket_start timestamptz NOT NULL,
  ok integer NOT NULL DEFAULT 0,
  degraded integer NOT NULL DEFAULT 0,
  error integer NOT NULL DEFAULT 0,
  unknown integer NOT NULL DEFAULT 0,
  latency_sum double precision NOT NULL DEFAULT 0,
  latency_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (service, check_name, bucket_start)
);
ALTER TABLE health_status_buckets ADD COLUMN IF NOT EXISTS maintenance integer NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS health_status_hours (
  service text NOT NULL,
  check_name text NOT NULL,
  bucket_start timestamptz NOT NULL,
  ok integer NOT NULL DEFAULT 0,
  degraded integer NOT NULL DEFAULT 0,
  error integer NOT NULL DEFAULT 0,
  unknown integer NOT NULL DEFAULT 0,
  maintenance integer NOT NULL DEFAULT 0,
  PRIMARY KEY (service, check_name, bucket_start)
);
CREATE TABLE IF NOT EXISTS health_status_incidents (
  id bigserial PRIMARY KEY,
  service text NOT NULL,
  check_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('error', 'degraded')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS health_status_incidents_open
  ON health_status_incidents (service, check_name) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS health_status_incidents_recent ON health_status_incidents (service, started_at DESC);
COMMIT;`;

/** Rows per upsert statement (sent as arrays: one parameter per column, whatever the row count). */
export const UPSERT_CHUNK = 2000;

export interface BucketRow {
  readonly check: string;
  /** A fine (5-minute) bucket. */
  readonly bucket: Bucket;
}

const COUNT_COLUMNS = ['ok', 'degraded', 'error', 'unknown', 'maintenance'] as const;
const ADD_COUNTS = COUNT_COLUMNS.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ');

/**
 * Adds each fine bucket's counts to what is stored, and to the hour it falls
 * in (other replicas add theirs to the same rows). One statement, so the
 * two tables never disagree after a failed write that is retried.
 */
export async function upsertBuckets(pool: Pool, service: string, rows: readonly BucketRow[]): Promise<void> {
  const col = (f: (r: BucketRow) => unknown) => rows.map(f);
  await pool.query(
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
         AS x(check_name, bucket_start, hour_start, ok, degraded, error, unknown, maintenance)
     ), fine AS (
       INSERT INTO health_status_buckets AS t (service, check_name, bucket_start, ${COUNT_COLUMNS.join(', ')})
       SELECT $1, check_name, bucket_start, ${COUNT_COLUMNS.join(', ')} FROM input
       ON CONFLICT (service, check_name, bucket_start) DO UPDATE SET ${ADD_COUNTS}
     )
     INSERT INTO health_status_hours AS t (service, check_name, bucket_start, ${COUNT_COLUMNS.join(', ')})
     SELECT $1, check_name, hour_start, ${COUNT_COLUMNS.map((c) => `sum(${c})::int`).join(', ')} FROM input GROUP BY check_name, hour_start
     ON CONFLICT (service, check_name, bucket_start) DO UPDATE SET ${ADD_COUNTS}`,
    [
      service,
      col((r) => r.check),
      col((r) => new Date(r.bucket.start)),
      col((r) => new Date(bucketStart(r.bucket.start, 'coarse'))),
      ...COUNT_COLUMNS.map((c) => col((r) => r.bucket[c])),
    ],
  );
}

/**
 * Opens an incident, escalates the open one to error, or reopens the check's
 * latest one when it closed within REOPEN_WITHIN_MS; closing ends whichever
 * is open (even one a previous process left).
 */
export async function applyIncidentOp(pool: Pool, service: string, op: IncidentOp): Promise<void> {
  if (op.kind === 'open') {
    await pool.query(
      `WITH reopened AS (
         UPDATE health_status_incidents SET ended_at = NULL, status = CASE WHEN status = 'error' THEN 'error' ELSE $3 END
         WHERE id = (
           SELECT id FROM health_status_incidents
           WHERE service = $1 AND check_name = $2 AND ended_at IS NOT NULL AND ended_at >= $4::timestamptz - $5 * interval '1 millisecond'
             AND NOT EXISTS (SELECT 1 FROM health_status_incidents WHERE service = $1 AND check_name = $2 AND ended_at IS NULL)
           ORDER BY started_at DESC LIMIT 1)
         RETURNING id
       )
       INSERT INTO health_status_incidents AS t (service, check_name, status, started_at)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM reopened)
       ON CONFLICT (service, check_name) WHERE ended_at IS NULL
       DO UPDATE SET status = CASE WHEN t.status = 'error' THEN 'error' ELSE EXCLUDED.status END`,
      [service, op.check, op.status, new Date(op.at), REOPEN_WITHIN_MS],
    );
  } else {
    await pool.query(
      `UPDATE health_status_incidents SET ended_at = GREATEST($3, started_at)
       WHERE service = $1 AND check_name = $2 AND ended_at IS NULL`,
      [service, op.check, new Date(op.at)],
    );
  }
}

/** Buckets of one level stored since `since` (fine: health_status_buckets; coarse: health_status_hours). */
export async function readBucketsSince(
  pool: Pool,
  service: string,
  since: number,
  level: Level,
): Promise<Array<{ check: string; start: number; counts: Counts }>> {
  const table = level === 'fine' ? 'health_status_buckets' : 'health_status_hours';
  const { rows } = await pool.query<{ check_name: string; bucket_start: Date } & Counts>(
    `SELECT check_name, bucket_start, ${COUNT_COLUMNS.join(', ')} FROM ${table} WHERE service = $1 AND bucket_start >= $2`,
    [service, new Date(since)],
  );
  return rows.map((r) => ({
    check: r.check_name,
    start: r.bucket_start.getTime(),
    counts: { ok: r.ok, degraded: r.degraded, error: r.error, unknown: r.unknown, maintenance: r.maintenance },
  }));
}

export async function readIncidents(pool: Pool, service: string, limit: number): Promise<Incident[]> {
  const { rows } = await pool.query<{ check_name: string; status: 'error' | 'degraded'; started_at: Date; ended_at: Date | null }>(
    `SELECT check_name, status, started_at, ended_at FROM health_status_incidents
     WHERE service = $1 ORDER BY started_at DESC LIMIT $2`,
    [service, limit],
  );
  return rows.map((r) => ({ check: r.check_name, status: r.status, start: r.started_at.getTime(), end: r.ended_at ? r.ended_at.getTime() : null }));
}

/** Retention: fine buckets older than FINE_SPAN_MS, hours and ended incidents older than `before`. */
export async function deleteOlderThan(pool: Pool, service: string, before: number, now: number): Promise<void> {
  await pool.query('DELETE FROM health_status_buckets WHERE service = $1 AND bucket_start < $2', [service, new Date(now - FINE_SPAN_MS)]);
  await pool.query('DELETE FROM health_status_hours WHERE service = $1 AND bucket_start < $2', [service, new Date(before)]);
  await pool.query('DELETE FROM health_status_incidents WHERE service = $1 AND ended_at < $2', [service, new Date(before)]);
}
