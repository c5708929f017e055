/**
 * The real service with a bullmq check on a real Redis (with a real Queue and
 * Worker) and a redis check, so every metric family it can export is present
 * in /metrics: per-check gauges, probe counters, queue gauges, HTTP metrics
 * and, when asked, prom-client's default process metrics.
 */
import type { Test } from 'tap';
import pino from 'pino';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { eventually } from '../support/app';
import { startRedis } from '../support/redis';

const PREFIX = 'observe';

export interface ObservedService {
  readonly app: FastifyInstance;
  /** GET /metrics through the app. */
  metrics(): Promise<string>;
}

/** Starts it all and registers teardowns on `t`; resolves once the bullmq check has reported its queues. */
export async function startObservedService(t: Test, opts: { defaultMetrics: boolean }): Promise<ObservedService> {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
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
`,
    {},
    'observe.yml',
  );
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: opts.defaultMetrics });
  // Closed before the Worker and Redis (teardowns run in reverse).
  t.teardown(() => app.close());
  await app.ready();
  const metrics = async () => (await app.inject({ url: '/metrics' })).body;
  await eventually(async () => {
    const text = await metrics();
    return /^health_bullmq_queue_workers\{[^}]*\} 1$/m.test(text) && /^health_check_last_success_timestamp_seconds\{check="jobs"/m.test(text);
  }, 'the bullmq check reports its queue and a success', 20_000);
  // Some traffic, so the HTTP metrics have samples.
  await app.inject({ url: '/api/health' });
  await app.inject({ url: '/api/health/detailed' });
  return { app, metrics };
}
