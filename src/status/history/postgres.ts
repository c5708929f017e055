/**
 * History in PostgreSQL (`storage: {type: postgres, url}`), so restarts and
 * replicas share it. Reads never touch the database: they are answered from
 * memory (the shared copy last read back, plus what this process has not
 * written yet). One loop, every `tickMs`, writes pending bucket counts and
 * incident changes, then reads back what changed; the two never overlap, so
 * a read-back cannot undo a write. While the database is down the service
 * keeps serving (one WARN per outage), pending counts stay bounded (a ring's
 * worth of buckets, the oldest dropped) and are written when it returns.
 */
import { Pool } from 'pg';
import { classifyError } from '../../checks/errors';
import type { Logger } from '../../types';
import { BucketRings, BUCKET_MS, COARSE_MS, type Counts, FINE_SPAN_MS, type Level, PendingBuckets } from './buckets';
import { IncidentLog, incidentOp, MAX_INCIDENTS, type IncidentOp } from './incidents';
import { applyIncidentOp, CREATE_SCHEMA, deleteOlderThan, readBucketsSince, readIncidents, upsertBuckets, UPSERT_CHUNK, type BucketRow } from './pg-sql';
import { readBuckets, readWindows } from './read';
import { SampleRings } from './samples';
import { HOUR, RETENTION_MS, type HistoryStore } from './types';

export interface PostgresHistoryOptions {
  /** postgres:// URL (secret-bearing: never logged). */
  readonly url: string;
  /** Rows are keyed by service name, so services may share a database. */
  readonly service: string;
  readonly checks: readonly string[];
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** ms between write/read-back rounds. Default 5 s. */
  readonly tickMs?: number;
}

/** Incident changes kept for writing while the database is down; the oldest go first. */
const MAX_PENDING_OPS = 1000;
/** Buckets re-read each round: other replicas write the recent ones up to a round late. */
const REREAD_MS = 3 * BUCKET_MS;
/** ms close() waits for a last write before giving up on it. */
const CLOSE_WAIT_MS = 3_000;

export function createPostgresHistory(opts: PostgresHistoryOptions): HistoryStore {
  const now = opts.now ?? Date.now;
  const tickMs = opts.tickMs ?? 5_000;
  const { service, logger } = opts;
  const known = new Set(opts.checks);
  const index = new Map(opts.checks.map((c, i) => [c, i]));
  const shared = new BucketRings(opts.checks.length);
  let pending = new Map(opts.checks.map((c) => [c, new PendingBuckets()]));
  let inflight: Map<string, PendingBuckets> | null = null;
  const samples = new SampleRings(opts.checks);
  const log = new IncidentLog();
  let ops: IncidentOp[] = [];

  const pool = new Pool({
    connectionString: opts.url,
    max: 2,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 10_000,
    query_timeout: 5_000,
    statement_timeout: 5_000,
    application_name: 'health-aggregator-history',
    allowExitOnIdle: true,
  });
  // Without a listener an idle client's error (e.g. the server shutting down) crashes the process.
  pool.on('error', (err) => noteFailure(err));

  let schemaReady = false;
  let lastReadAt: number | null = null;
  let lastCleanupAt = 0;
  let down = false;
  let closed = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  function noteFailure(err: unknown): void {
    if (down) return;
    down = true;
    const { error, errorKind } = classifyError(err);
    // The classified sentence only: a driver message may name the host.
    logger.warn({ context: { error, error_kind: errorKind } }, 'status history storage unavailable: serving history from memory until it returns');
  }

  async function writeBuckets(): Promise<void> {
    inflight = pending;
    pending = new Map(opts.checks.map((c) => [c, new PendingBuckets()]));
    const rows: BucketRow[] = [];
    for (const [check, p] of inflight) for (const bucket of p.entries()) rows.push({ check, bucket });
    try {
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        const chunk = rows.slice(i, i + UPSERT_CHUNK);
        await upsertBuckets(pool, service, chunk);
        // Written: count it as shared now (the next read-back replaces it with the stored total).
        for (const { check, bucket } of chunk) {
          const c = index.get(check);
          if (c !== undefined) {
            shared.addCounts(c, 'fine', bucket.start, bucket);
            shared.addCounts(c, 'coarse', bucket.start, bucket);
          }
          inflight.get(check)?.delete(bucket.start);
        }
      }
    } finally {
      // Whatever was not written goes back to pending, to be retried next round.
      for (const [check, p] of inflight) for (const b of p.entries()) pending.get(check)?.addCounts(b.start, b);
      inflight = null;
    }
  }

  async function writeIncidents(): Promise<void> {
    while (ops.length > 0) {
      await applyIncidentOp(pool, service, ops[0]!);
      ops.shift();
    }
  }

  function setShared(check: string, level: Level, start: number, counts: Counts): void {
    const c = index.get(check);
    if (c !== undefined) shared.setCounts(c, level, start, counts);
  }

  async function readBack(): Promise<void> {
    const t = now();
    const fineSince = lastReadAt === null ? t - FINE_SPAN_MS : lastReadAt - REREAD_MS;
    for (const row of await readBucketsSince(pool, service, fineSince, 'fine')) setShared(row.check, 'fine', row.start, row.counts);
    // The current hour (and the last, near its end) is what other replicas still add to.
    const coarseSince = lastReadAt === null ? t - RETENTION_MS : Math.floor((lastReadAt - REREAD_MS) / COARSE_MS) * COARSE_MS;
    for (const row of await readBucketsSince(pool, service, coarseSince, 'coarse')) setShared(row.check, 'coarse', row.start, row.counts);
    const incidents = (await readIncidents(pool, service, MAX_INCIDENTS)).filter((i) => known.has(i.check));
    log.replace(incidents);
    // Changes not written yet still count for what this process shows.
    for (const op of ops) log.apply(op);
    lastReadAt = t;
  }

  async function round(readAfter: boolean): Promise<void> {
    try {
      if (!schemaReady) {
        await pool.query(CREATE_SCHEMA);
        schemaReady = true;
      }
      await writeBuckets();
      await writeIncidents();
      if (readAfter) await readBack();
      if (now() - lastCleanupAt > HOUR) {
        await deleteOlderThan(pool, service, now() - RETENTION_MS, now());
        lastCleanupAt = now();
      }
      if (down) {
        down = false;
        logger.info('status history storage is reachable again');
      }
    } catch (err) {
      noteFailure(err);
    }
  }

  function schedule(delayMs: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      running = round(true).finally(() => {
        running = null;
        schedule(tickMs);
      });
    }, delayMs);
    timer.unref();
  }
  schedule(0);

  const sources = (check: string) => {
    const c = index.get(check);
    const s = c === undefined ? undefined : shared.source(c);
    const p = pending.get(check);
    const f = inflight?.get(check);
    return [s, p, f].filter((x) => x !== undefined);
  };

  return {
    record(check, s) {
      pending.get(check)?.add(s.checkedAt, s.status);
      samples.add(check, s.checkedAt, s.durationMs);
    },
    statusChanged(check, prev, next, at) {
      if (!known.has(check)) return;
      const op = incidentOp(check, prev, next, at);
      if (!op) return;
      log.apply(op);
      ops.push(op);
      if (ops.length > MAX_PENDING_OPS) ops = ops.slice(-MAX_PENDING_OPS);
    },
    uptime: (check) => readWindows(sources(check), now()).uptime,
    windows: (check) => readWindows(sources(check), now()),
    // Per process: each replica times its own probes.
    latency: (check) => samples.percentiles(check, now()),
    buckets: (check, count, sizeMs) => readBuckets(sources(check), now(), count, sizeMs),
    incidents: (limit) => log.recent(limit),
    hasOpenIncident: (check) => log.isOpen(check),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      const last = (async () => {
        await running;
        await round(false);
      })();
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([last, new Promise((r) => (waited = setTimeout(r, CLOSE_WAIT_MS)))]);
      clearTimeout(waited);
      await Promise.race([pool.end().catch(() => undefined), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    },
  };
}
