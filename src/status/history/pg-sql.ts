/**
 * The SQL of PostgreSQL history storage, in one place. Tables are keyed by
 * service name so several services may share one database; buckets are
 * upserted (one row per check per 5 minutes, however many replicas write),
 * and at most one incident per check is open (a partial unique index), so
 * replicas that see the same outage join one incident instead of each
 * opening their own.
 */
import type { Pool } from 'pg';
import type { Bucket, Counts } from './buckets';
import type { IncidentOp } from './incidents';
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

/** Rows per upsert statement (9 parameters each, far below PostgreSQL's 65535). */
export const UPSERT_CHUNK = 500;

export interface BucketRow {
  readonly check: string;
  readonly bucket: Bucket;
}

/** Adds each row's counts to what is stored (other replicas add theirs to the same rows). */
export async function upsertBuckets(pool: Pool, service: string, rows: readonly BucketRow[]): Promise<void> {
  const params: unknown[] = [];
  const values = rows.map(({ check, bucket: b }, i) => {
    params.push(service, check, new Date(b.start), b.ok, b.degraded, b.error, b.unknown, b.latencySum, b.latencyCount);
    const k = i * 9;
    return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, $${k + 6}, $${k + 7}, $${k + 8}, $${k + 9})`;
  });
  await pool.query(
    `INSERT INTO health_status_buckets AS t
       (service, check_name, bucket_start, ok, degraded, error, unknown, latency_sum, latency_count)
     VALUES ${values.join(', ')}
     ON CONFLICT (service, check_name, bucket_start) DO UPDATE SET
       ok = t.ok + EXCLUDED.ok, degraded = t.degraded + EXCLUDED.degraded, error = t.error + EXCLUDED.error,
       unknown = t.unknown + EXCLUDED.unknown, latency_sum = t.latency_sum + EXCLUDED.latency_sum,
       latency_count = t.latency_count + EXCLUDED.latency_count`,
    params,
  );
}

/** Opens an incident, or escalates the open one to error; closing ends whichever is open (even one a previous process left). */
export async function applyIncidentOp(pool: Pool, service: string, op: IncidentOp): Promise<void> {
  if (op.kind === 'open') {
    await pool.query(
      `INSERT INTO health_status_incidents AS t (service, check_name, status, started_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (service, check_name) WHERE ended_at IS NULL
       DO UPDATE SET status = CASE WHEN t.status = 'error' THEN 'error' ELSE EXCLUDED.status END`,
      [service, op.check, op.status, new Date(op.at)],
    );
  } else {
    await pool.query(
      `UPDATE health_status_incidents SET ended_at = GREATEST($3, started_at)
       WHERE service = $1 AND check_name = $2 AND ended_at IS NULL`,
      [service, op.check, new Date(op.at)],
    );
  }
}

export async function readBucketsSince(pool: Pool, service: string, since: number): Promise<Array<{ check: string; start: number; counts: Counts }>> {
  const { rows } = await pool.query<{
    check_name: string; bucket_start: Date; ok: number; degraded: number; error: number; unknown: number; latency_sum: number; latency_count: number;
  }>(
    `SELECT check_name, bucket_start, ok, degraded, error, unknown, latency_sum, latency_count
     FROM health_status_buckets WHERE service = $1 AND bucket_start >= $2`,
    [service, new Date(since)],
  );
  return rows.map((r) => ({
    check: r.check_name,
    start: r.bucket_start.getTime(),
    counts: { ok: r.ok, degraded: r.degraded, error: r.error, unknown: r.unknown, latencySum: Number(r.latency_sum), latencyCount: r.latency_count },
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

/** Retention: buckets older than `before`, and incidents that ended before it. */
export async function deleteOlderThan(pool: Pool, service: string, before: number): Promise<void> {
  await pool.query('DELETE FROM health_status_buckets WHERE service = $1 AND bucket_start < $2', [service, new Date(before)]);
  await pool.query('DELETE FROM health_status_incidents WHERE service = $1 AND ended_at < $2', [service, new Date(before)]);
}
