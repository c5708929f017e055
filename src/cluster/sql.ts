/**
 * The SQL of the cluster store, in one place. Every row is keyed by
 * service.name, so several services may share one database. Times the
 * replicas compare (leases) are the database's own `now()`, never a
 * replica's clock; result times are stored on the database's clock too
 * (each replica converts with its measured offset, see cluster.ts).
 *
 * The schema is versioned: `health_cluster_schema` holds the versions
 * applied, and each migration runs once, under an advisory lock, in order.
 * The next change is a new MIGRATIONS entry, never a hand edit.
 */
import type { Pool } from 'pg';

interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS health_cluster_members (
  service text NOT NULL,
  member_id text NOT NULL,
  location text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service, member_id)
);
CREATE TABLE IF NOT EXISTS health_cluster_results (
  service text NOT NULL,
  check_name text NOT NULL,
  state jsonb NOT NULL,
  checked_at_ms double precision NOT NULL,
  probed_by text NOT NULL,
  member_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (service, check_name)
);
CREATE INDEX IF NOT EXISTS health_cluster_results_updated ON health_cluster_results (service, updated_at);
CREATE TABLE IF NOT EXISTS health_cluster_observations (
  service text NOT NULL,
  check_name text NOT NULL,
  member_id text NOT NULL,
  observation jsonb NOT NULL,
  checked_at_ms double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (service, check_name, member_id)
);
CREATE INDEX IF NOT EXISTS health_cluster_observations_updated ON health_cluster_observations (service, updated_at);`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** One round trip: lock, create the version table, apply what is missing, commit. */
export function migrationScript(): string {
  const steps = MIGRATIONS.map(
    (m) => `DO $m$ BEGIN
IF NOT EXISTS (SELECT 1 FROM health_cluster_schema WHERE version = ${m.version}) THEN
${m.sql}
INSERT INTO health_cluster_schema (version) VALUES (${m.version});
END IF;
END $m$;`,
  );
  return `BEGIN;
SELECT pg_advisory_xact_lock(7262813); -- its own key: the operator store's setup (7262812) need not wait for ours
CREATE TABLE IF NOT EXISTS health_cluster_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
${steps.join('\n')}
COMMIT;`;
}

/** The highest version applied: above SCHEMA_VERSION means a newer replica migrated past this one. */
export async function appliedVersion(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM health_cluster_schema');
  return rows[0]?.v ?? 0;
}

/** Renews (or takes) this member's lease, on the database's clock. */
export async function heartbeat(pool: Pool, service: string, id: string, location: string): Promise<void> {
  await pool.query(
    `INSERT INTO health_cluster_members (service, member_id, location) VALUES ($1, $2, $3)
     ON CONFLICT (service, member_id) DO UPDATE SET last_seen = now(), location = excluded.location`,
    [service, id, location],
  );
}

export interface MemberRow {
  readonly id: string;
  readonly location: string;
  /** Database-clock epoch ms. */
  readonly startedMs: number;
  readonly seenMs: number;
}

/** Live members (heard from within `leaseMs`), oldest first, and the database's clock. */
export async function liveMembers(pool: Pool, service: string, leaseMs: number): Promise<{ dbNow: number; members: MemberRow[] }> {
  const { rows } = await pool.query<{ now_ms: number; member_id: string | null; location: string; started_ms: number; seen_ms: number }>(
    `WITH t AS (SELECT now() AS n)
     SELECT extract(epoch FROM t.n) * 1000 AS now_ms, m.member_id, m.location,
            extract(epoch FROM m.started_at) * 1000 AS started_ms, extract(epoch FROM m.last_seen) * 1000 AS seen_ms
     FROM t LEFT JOIN health_cluster_members m
       ON m.service = $1 AND m.last_seen > t.n - make_interval(secs => $2::double precision / 1000)
     ORDER BY m.started_at, m.member_id`,
    [service, leaseMs],
  );
  const dbNow = Number(rows[0]?.now_ms ?? Date.now());
  const members = rows
    .filter((r) => r.member_id !== null)
    .map((r) => ({ id: r.member_id!, location: r.location, startedMs: Number(r.started_ms), seenMs: Number(r.seen_ms) }));
  return { dbNow, members };
}

/** Leaves at once (a clean shutdown): peers take over without waiting for the lease. */
export async function leave(pool: Pool, service: string, id: string): Promise<void> {
  await pool.query('DELETE FROM health_cluster_members WHERE service = $1 AND member_id = $2', [service, id]);
  await pool.query('DELETE FROM health_cluster_observations WHERE service = $1 AND member_id = $2', [service, id]);
}

/** Forgets members silent for an hour (crashed pods): keeps the table small. */
export async function pruneMembers(pool: Pool, service: string): Promise<void> {
  await pool.query(`DELETE FROM health_cluster_members WHERE service = $1 AND last_seen < now() - interval '1 hour'`, [service]);
}

export interface ResultRow {
  readonly check: string;
  /** The served state, times on the database's clock. */
  readonly state: unknown;
  readonly checkedAtMs: number;
  readonly probedBy: string;
  readonly member: string;
}

/** Upserts served states; an older result never overwrites a newer one (writes may land out of order). */
export async function writeResults(pool: Pool, service: string, rows: readonly ResultRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO health_cluster_results AS r (service, check_name, state, checked_at_ms, probed_by, member_id)
     SELECT $1, u.c, u.s, u.t, u.p, u.m
     FROM unnest($2::text[], $3::jsonb[], $4::double precision[], $5::text[], $6::text[]) AS u(c, s, t, p, m)
     ON CONFLICT (service, check_name) DO UPDATE
       SET state = excluded.state, checked_at_ms = excluded.checked_at_ms, probed_by = excluded.probed_by,
           member_id = excluded.member_id, updated_at = clock_timestamp()
       WHERE r.checked_at_ms < excluded.checked_at_ms`,
    [
      service,
      rows.map((r) => r.check),
      rows.map((r) => JSON.stringify(r.state)),
      rows.map((r) => r.checkedAtMs),
      rows.map((r) => r.probedBy),
      rows.map((r) => r.member),
    ],
  );
}

export interface ObservationRow {
  readonly check: string;
  readonly member: string;
  /** Times on the database's clock. */
  readonly observation: unknown;
  readonly checkedAtMs: number;
}

export async function writeObservations(pool: Pool, service: string, rows: readonly ObservationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO health_cluster_observations AS o (service, check_name, member_id, observation, checked_at_ms)
     SELECT $1, u.c, u.m, u.o, u.t
     FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::double precision[]) AS u(c, m, o, t)
     ON CONFLICT (service, check_name, member_id) DO UPDATE
       SET observation = excluded.observation, checked_at_ms = excluded.checked_at_ms, updated_at = clock_timestamp()
       WHERE o.checked_at_ms < excluded.checked_at_ms`,
    [service, rows.map((r) => r.check), rows.map((r) => r.member), rows.map((r) => JSON.stringify(r.observation)), rows.map((r) => r.checkedAtMs)],
  );
}

/** Result rows changed after `sinceDbMs` (database clock). */
export async function resultsSince(pool: Pool, service: string, sinceDbMs: number): Promise<ResultRow[]> {
  const { rows } = await pool.query<{ check_name: string; state: unknown; checked_at_ms: number; probed_by: string; member_id: string }>(
    `SELECT check_name, state, checked_at_ms, probed_by, member_id FROM health_cluster_results
     WHERE service = $1 AND updated_at > to_timestamp($2::double precision / 1000)`,
    [service, sinceDbMs],
  );
  return rows.map((r) => ({ check: r.check_name, state: r.state, checkedAtMs: Number(r.checked_at_ms), probedBy: r.probed_by, member: r.member_id }));
}

export async function observationsSince(pool: Pool, service: string, sinceDbMs: number): Promise<ObservationRow[]> {
  const { rows } = await pool.query<{ check_name: string; member_id: string; observation: unknown; checked_at_ms: number }>(
    `SELECT check_name, member_id, observation, checked_at_ms FROM health_cluster_observations
     WHERE service = $1 AND updated_at > to_timestamp($2::double precision / 1000)`,
    [service, sinceDbMs],
  );
  return rows.map((r) => ({ check: r.check_name, member: r.member_id, observation: r.observation, checkedAtMs: Number(r.checked_at_ms) }));
}
