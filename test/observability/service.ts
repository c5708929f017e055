/**
 * The real service with a bullmq check on a real Redis (with a real Queue and
 * Worker), a redis check (with maxmemory), a postgres check on a real
 * PostgreSQL and a disk check, so nearly every metric family it can export is
 * present in /metrics: per-check gauges, probe counters, queue gauges, db_*,
 * health_redis_*, disk, HTTP metrics and, when asked, prom-client's default
 * process metrics, replication lag (a pg_basebackup replica) and the memory
 * limit (from a cgroup directory of its own: this machine may set none).
 */
import type { Test } from 'tap';
import pino from 'pino';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { eventually } from '../support/app';
import os from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPostgres, startReplica } from '../support/postgres';
import { startRedis } from '../support/redis';

const PREFIX = 'observe';

export interface ObservedService {
  readonly app: FastifyInstance;
  /** GET /metrics through the app. */
  metrics(): Promise<string>;
}

/** Starts it all and registers teardowns on `t`; resolves once the bullmq check has reported its queues. */
export async function startObservedService(t: Test, opts: { defaultMetrics: boolean }): Promise<ObservedService> {
  const redis = await startRedis(['--maxmemory', '64mb']);
  t.teardown(() => redis.destroy());
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const replica = await startReplica(pg);
  t.teardown(() => replica.destroy());
  const cgroupRoot = mkdtempSync(path.join(os.tmpdir(), 'ha-cgroup-'));
  t.teardown(() => rmSync(cgroupRoot, { recursive: true, force: true }));
  writeFileSync(path.join(cgroupRoot, 'memory.max'), `${2 * 1024 ** 3}\n`);
  const connection = { host: '127.0.0.1', port: redis.port };
  const queue = new Queue('emails', { connection, prefix: PREFIX });
  queue.on('error', () => {});
  // A Worker needs its own blocking connection (maxRetriesPerRequest: null); it never reads health state.
  const worker = new Worker('emails', async () => {}, { connection: { ...connection, maxRetriesPerRequest: null }, prefix: PREFIX });
  worker.on('error', () => {});
  t.teardown(async () => {
    await worker.close(true).catch(() => {});
    await queue.close().catch(() => {});
  });
  await worker.waitUntilReady();
  await queue.add('digest', {}, { delay: 600_000 });

  const config = parseConfig(
    `
defaults: { interval: 500ms, timeout: 400ms }
checks:
  - { name: cache, type: redis, url: "${redis.url}", critical: false }
  - { name: jobs, type: bullmq, redisUrl: "${redis.url}", prefix: ${PREFIX}, queues: [emails] }
  - { name: database, type: postgres, url: "${pg.url}" }
  - { name: replica, type: postgres, url: "${replica.url}", critical: false }
  - { name: scratch, type: disk, path: "${os.tmpdir()}", maxUsage: 100%, degradedUsage: 100% }
`,
    {},
    'observe.yml',
  );
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: opts.defaultMetrics, cgroupRoot });
  // Closed before the Worker and Redis (teardowns run in reverse).
  t.teardown(() => app.close());
  await app.ready();
  const metrics = async () => (await app.inject({ url: '/metrics' })).body;
  await eventually(async () => {
    const text = await metrics();
    return (
      /^health_bullmq_queue_workers\{[^}]*\} 1$/m.test(text) &&
      /^health_check_last_success_timestamp_seconds\{check="jobs"/m.test(text) &&
      /^db_connections_used\{check="database"\}/m.test(text) &&
      /^db_replication_lag_seconds\{check="replica"\}/m.test(text) &&
      /^health_disk_used_ratio\{check="scratch"\}/m.test(text)
    );
  }, 'the bullmq, postgres and disk checks report', 20_000);
  // Some traffic, so the HTTP metrics have samples.
  await app.inject({ url: '/api/health' });
  await app.inject({ url: '/api/health/detailed' });
  return { app, metrics };
}
