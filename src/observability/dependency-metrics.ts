/**
 * What the postgres, redis and disk probes read about their dependency, as
 * metrics (CONTRACT §4.5 `db_*`, `health_redis_*`, `health_disk_used_ratio`).
 *
 * Gauges and the servers' own counters are filled from the store's snapshot at
 * scrape time, so a replica serving results a cluster peer probed exports them
 * too. A server's counter (pg_stat_database.deadlocks, Redis keyspace_hits...)
 * cannot be `inc()`ed by what changed since the last probe without double
 * counting across restarts of either side; it is exposed as a prom-client
 * Counter reset and set to the server's figure at each scrape. The exposition
 * says `counter`, the value is the server's count, and when the server
 * restarts the count drops, which `rate()`/`increase()` read as a counter reset.
 * Labels: `check` only (a name from config).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CheckState, ProbeResult } from '../types';

type Labelled = 'check';

function num(details: Record<string, unknown>, key: string): number | undefined {
  const v = details[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface DependencyMetrics {
  /** Sets every snapshot-derived series from the checks' current details. */
  refresh(checks: readonly CheckState[]): void;
  /** Per probe of this process: the postgres query's duration. */
  observeProbe(name: string, type: string, result: ProbeResult): void;
}

export function createDependencyMetrics(registers: Registry[]): DependencyMetrics {
  const gauge = (name: string, help: string) => new Gauge<Labelled>({ name, help, labelNames: ['check'], registers });
  const serverCounter = (name: string, help: string) => new Counter<Labelled>({ name, help, labelNames: ['check'], registers });

  const dbUsed = gauge('db_connections_used', 'Client connections open on the PostgreSQL server, as its last probe counted them.');
  const dbMax = gauge('db_connections_max', "The PostgreSQL server's max_connections.");
  const dbLag = gauge(
    'db_replication_lag_seconds',
    'Replication lag: on a replica its replay lag, on a primary its worst replica (absent without replicas).',
  );
  const dbDeadlocks = serverCounter('db_deadlocks_total', "Deadlocks in the probed database (the server's own count, pg_stat_database.deadlocks).");
  const dbConnectionErrors = serverCounter('db_connection_errors_total', "The postgres probe's failed connection attempts.");
  const dbQuery = new Histogram<Labelled>({
    name: 'db_query_duration_seconds',
    help: "Duration of the postgres probe's query, in seconds.",
    labelNames: ['check'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  const redisUsed = gauge('health_redis_memory_used_bytes', 'Memory Redis has allocated (INFO used_memory), in bytes.');
  const redisMax = gauge('health_redis_memory_max_bytes', 'Redis maxmemory, in bytes (absent when unlimited).');
  const redisFrag = gauge('health_redis_mem_fragmentation_ratio', 'Redis mem_fragmentation_ratio (RSS over allocated).');
  const redisClients = gauge('health_redis_connected_clients', 'Clients connected to Redis.');
  const redisHits = serverCounter('health_redis_keyspace_hits_total', "Successful key lookups (Redis's own count).");
  const redisMisses = serverCounter('health_redis_keyspace_misses_total', "Failed key lookups (Redis's own count).");
  const redisEvicted = serverCounter('health_redis_evicted_keys_total', "Keys evicted for maxmemory (Redis's own count).");

  const diskUsed = gauge('health_disk_used_ratio', 'Used share of the filesystem a disk check watches (0..1, as df counts it).');

  const snapshotSeries = [dbUsed, dbMax, dbLag, dbDeadlocks, redisUsed, redisMax, redisFrag, redisClients, redisHits, redisMisses, redisEvicted, diskUsed];
  // Timeouts come back without details: keep the last count a probe reported.
  const connectionErrors = new Map<string, number>();

  const put = (metric: Gauge<Labelled> | Counter<Labelled>, check: string, value: number | undefined) => {
    if (value === undefined) return;
    if (metric instanceof Gauge) metric.set({ check }, value);
    else if (value >= 0) metric.inc({ check }, value);
  };

  return {
    refresh(checks) {
      for (const m of snapshotSeries) m.reset();
      dbConnectionErrors.reset();
      for (const c of checks) {
        const d = c.details as Record<string, unknown>;
        if (c.type === 'postgres') {
          put(dbUsed, c.name, num(d, 'connections'));
          put(dbMax, c.name, num(d, 'max_connections'));
          put(dbLag, c.name, num(d, 'replication_lag_s'));
          put(dbDeadlocks, c.name, num(d, 'deadlocks'));
          const errors = num(d, 'connection_errors');
          if (errors !== undefined) connectionErrors.set(c.name, errors);
          // Present from the first scrape at 0, so `increase()` sees the first failure.
          dbConnectionErrors.inc({ check: c.name }, connectionErrors.get(c.name) ?? 0);
        } else if (c.type === 'redis') {
          put(redisUsed, c.name, num(d, 'used_memory_bytes'));
          put(redisMax, c.name, num(d, 'maxmemory_bytes'));
          put(redisFrag, c.name, num(d, 'mem_fragmentation_ratio'));
          put(redisClients, c.name, num(d, 'connected_clients'));
          put(redisHits, c.name, num(d, 'keyspace_hits'));
          put(redisMisses, c.name, num(d, 'keyspace_misses'));
          put(redisEvicted, c.name, num(d, 'evicted_keys'));
        } else if (c.type === 'disk') {
          put(diskUsed, c.name, num(d, 'used_ratio'));
        }
      }
    },
    observeProbe(name, type, result) {
      if (type !== 'postgres') return;
      const timings = result.details.timings_ms as Record<string, unknown> | undefined;
      const queryMs = timings && typeof timings.query === 'number' ? timings.query : undefined;
      if (queryMs !== undefined) dbQuery.observe({ check: name }, queryMs / 1000);
    },
  };
}
