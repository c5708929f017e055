/**
 * The outage matrix for bullmq, through the running service: a real Queue
 * and a real Worker on a real Redis.
 */
import t, { type Test } from 'tap';
import { Queue, Worker } from 'bullmq';
import { startBlackhole } from '../support/blackhole';
import { lazy, runRow, startDelayProxy, type Row } from '../support/matrix';
import { freePort } from '../support/ports';
import { startRedis, type TestRedis } from '../support/redis';

const PREFIX = 'matrix';

/** A producer Queue and a Worker on `queue`, closed in teardown. The Worker has its own blocking connection. */
async function withWorker(t: Test, redis: TestRedis, queue: string): Promise<{ queue: Queue; worker: Worker }> {
  const connection = { host: '127.0.0.1', port: redis.port };
  const q = new Queue(queue, { connection, prefix: PREFIX });
  q.on('error', () => {});
  const worker = new Worker(queue, async () => {}, { connection: { ...connection, maxRetriesPerRequest: null }, prefix: PREFIX });
  worker.on('error', () => {});
  t.teardown(async () => {
    await worker.close(true).catch(() => {});
    await q.close().catch(() => {});
  });
  await worker.waitUntilReady();
  return { queue: q, worker };
}

/** Shared Redis with queue `emails` served by one Worker and holding one delayed job. */
const shared = lazy(
  async () => {
    const redis = await startRedis();
    await withWorker(t, redis, 'emails').then(({ queue }) => queue.add('digest', {}, { delay: 600_000 }));
    return redis;
  },
  (redis) => redis.destroy(),
);
t.teardown(() => shared.destroy());

const bull = (url: string, extra = '') => `type: bullmq, redisUrl: "${url}", prefix: ${PREFIX}, queues: [emails]${extra}`;
const urlAt = (port: number) => `redis://127.0.0.1:${port}`;

const rows: Row[] = [
  {
    name: 'a queue with a worker is ok, with its job counts, workers and paused state',
    arrange: async () => ({ check: bull((await shared.get()).url) }),
    expect: {
      kind: 'ok',
      details: { queues: { emails: { counts: { waiting: 0, delayed: 1, failed: 0 }, workers: 1, paused: false, oldest_waiting_age_s: null } } },
    },
  },
  {
    name: 'a stopped redis under the queues is refused after failureThreshold probes and is ok again once restarted',
    arrange: async (t) => {
      const redis = await startRedis();
      // Destroyed after the Worker is closed (teardowns run in reverse).
      t.teardown(() => redis.destroy());
      await withWorker(t, redis, 'emails');
      return { check: bull(redis.url), stop: () => redis.stop(), start: () => redis.start() };
    },
    expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
  },
  {
    name: 'a redis under the queues that accepts and never answers times out at the check timeout',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: bull(urlAt(hole.port)) };
    },
    expect: { kind: 'timeout' },
  },
  {
    name: 'queue state that arrives after degradedLatency is degraded, not an error',
    arrange: async (t) => {
      const proxy = await startDelayProxy((await shared.get()).port, 150);
      t.teardown(() => proxy.close());
      return { check: bull(urlAt(proxy.port), ', degradedLatency: 100ms') };
    },
    expect: { kind: 'slow', degradedLatency: 100 },
  },
  {
    name: 'a queue with no worker connected is an error naming the queue',
    arrange: async () => ({ check: bull((await shared.get()).url).replace('[emails]', '[emails, orphans]') }),
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'queue orphans has 0 workers (minimum 1)' },
  },
  {
    name: 'more waiting jobs than maxWaiting is degraded',
    arrange: async (t) => {
      const redis = await shared.get();
      const backlog = new Queue('backlog', { connection: { host: '127.0.0.1', port: redis.port }, prefix: PREFIX });
      backlog.on('error', () => {});
      t.teardown(() => backlog.close());
      await backlog.addBulk([1, 2, 3].map((n) => ({ name: 'job', data: { n } })));
      return { check: bull(redis.url, ', minWorkers: 0, maxWaiting: 2').replace('[emails]', '[backlog]') };
    },
    expect: { kind: 'answer', status: 'degraded', errorKind: 'assertion', error: 'queue backlog has 3 waiting jobs (maximum 2)' },
  },
  {
    name: 'fifty probes against a dead redis under the queues hold no more sockets than one',
    arrange: async () => ({ check: bull(urlAt(await freePort())) }),
    expect: { kind: 'sockets', cycles: 50 },
  },
  {
    name: 'fifty probes against a hung redis under the queues hold no more sockets than one',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: bull(urlAt(hole.port)) };
    },
    expect: { kind: 'sockets', cycles: 50 },
  },
];

for (const row of rows) t.test(row.name, (t) => runRow(t, 'jobs', row));
