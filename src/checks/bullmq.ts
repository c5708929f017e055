/**
 * BullMQ check: per queue job counts, connected workers, paused, age of the
 * oldest waiting job, and whether the waiting count keeps rising.
 *
 * Queue state is read through ONE ioredis connection built to fail fast
 * (no offline queue, no per-command retries, a command timeout). BullMQ's
 * own default connection blocks every command while Redis is down, which
 * would turn an outage into a hung probe.
 */
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { BullmqCheckConfig, Checker, CheckDeps, Outcome } from '../types';
import { classifyRedisError, classifyRedisFailure, isConnectionLost } from './redis-errors';
import { addSample, growingForMs, type Sample } from './bullmq-trend';
import { judgeQueues, type JobState, type QueueReport } from './bullmq-judge';
import { TIMED_OUT } from './abortable';

export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'];


// How long trend samples are kept when `growingFor` is off (still reported in details).
const DEFAULT_TREND_WINDOW_MS = 3_600_000;

/**
 * Creates a BullMQ checker. Details (read by metrics, keep the shape):
 * `{ queues: { [name]: { counts: {waiting, active, delayed, failed, completed,
 * prioritized, 'waiting-children'}, workers, paused, oldest_waiting_age_s,
 * waiting_growing_for_s } } }`.
 * Status: fewer than `minWorkers` workers on a queue -> error (assertion);
 * over `maxWaiting`, `maxOldestWaitingAge` or rising for `growingFor` ->
 * degraded. "Waiting" for thresholds and trend is waiting + prioritized.
 */
export function createBullmqCheck(config: BullmqCheckConfig, deps: CheckDeps): Checker {
  let lastError: unknown = null;
  const client = new Redis(config.redisUrl, {
    // No background reconnects: a probe connects when it needs to, bounded by its
    // signal, so a hung Redis times out at the check's timeout (not at some earlier
    // reconnect attempt) and never holds more than one socket.
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: config.timeout,
    connectTimeout: config.timeout,
  });
  client.on('error', (err) => {
    lastError = err;
  });

  let queues: Map<string, Queue> | null = null;
  const trend = new Map<string, Sample[]>(config.queues.map((q) => [q, []]));
  let closed = false;

  function openQueues(): Map<string, Queue> {
    if (queues) return queues;
    queues = new Map(
      config.queues.map((name) => {
        const q = new Queue(name, { connection: client, prefix: config.prefix });
        q.on('error', (err) => deps.logger.debug({ reason: classifyRedisError(err).error }, 'bullmq queue error'));
        return [name, q];
      }),
    );
    return queues;
  }

  // A Queue whose initialisation failed (Redis dropped mid-handshake) stays broken: start over after a failure.
  async function dropQueues(): Promise<void> {
    const old = queues;
    queues = null;
    if (old) await Promise.allSettled([...old.values()].map((q) => q.close()));
  }

  async function readQueue(name: string, queue: Queue, now: number): Promise<QueueReport> {
    const [counts, workers, paused, oldest] = await Promise.all([
      queue.getJobCounts(...JOB_STATES),
      queue.getWorkersCount(),
      queue.isPaused(),
      queue.getJobs(['wait'], 0, 0, true),
    ]);
    const c = Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as QueueReport['counts'];
    const job = oldest[0];
    // A job that was delayed became waiting when its delay ran out, not when it was added.
    const waitingSince = job ? job.timestamp + (job.delay ?? 0) : null;
    const samples = trend.get(name)!;
    // Keep enough to see a trend: twice growingFor, and never less than two probe intervals
    // (a growingFor shorter than the interval would otherwise never hold two samples).
    const keepMs = 2 * (config.growingFor ?? DEFAULT_TREND_WINDOW_MS) + 2 * config.interval;
    addSample(samples, { at: now, waiting: c.waiting + c.prioritized }, keepMs);
    const growing = growingForMs(samples);
    return {
      counts: c,
      workers,
      paused,
      oldest_waiting_age_s: waitingSince === null ? null : Math.max(0, Math.round((now - waitingSince) / 100) / 10),
      waiting_growing_for_s: growing === null ? null : Math.round(growing / 100) / 10,
    };
  }

  async function check(signal: AbortSignal): Promise<Outcome> {
    if (closed) return { status: 'error', errorKind: 'other', error: 'check is closed' };
    if (signal.aborted) return TIMED_OUT;
    let onAbort = (): void => {};
    const aborted = new Promise<Outcome>((resolve) => {
      onAbort = () => resolve(TIMED_OUT);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // Queue reads cannot be cancelled: the signal only stops us waiting; commandTimeout ends them.
      return await Promise.race([aborted, probe(signal)]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function probe(signal: AbortSignal): Promise<Outcome> {
    const reused = client.status === 'ready';
    const first = await probeOnce(signal);
    // The kept connection died just before the probe (a Redis restart) and ioredis had not
    // noticed yet: that says nothing about Redis now, so connect again once and report that.
    if (!first.lost || !reused || signal.aborted) return first.outcome;
    deps.logger.debug('kept bullmq connection was lost, probing on a new one');
    // ioredis may still say 'ready' for a socket that can no longer be written: close it for good first.
    await closeConnection(signal);
    return (await probeOnce(signal)).outcome;
  }

  /** Resolves once the connection has ended (or the probe is aborted), so the next connect starts afresh. */
  function closeConnection(signal: AbortSignal): Promise<void> {
    if (client.status === 'end' || client.status === 'wait') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        client.off('end', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      client.on('end', done);
      signal.addEventListener('abort', done, { once: true });
      client.disconnect();
    });
  }

  async function probeOnce(signal: AbortSignal): Promise<{ outcome: Outcome; lost?: boolean }> {
    const notReady = await waitForReady(signal);
    if (notReady) return { outcome: notReady };
    try {
      const now = Date.now();
      const open = openQueues();
      const reports = await Promise.all(config.queues.map(async (name) => [name, await readQueue(name, open.get(name)!, now)] as const));
      return { outcome: judgeQueues(config, Object.fromEntries(reports)) };
    } catch (err) {
      await dropQueues();
      const outcome: Outcome = { status: 'error', ...classifyRedisFailure(err, lastError) };
      return { outcome, lost: isConnectionLost(err) };
    }
  }

  /** Resolves null once the connection is ready, or an error outcome if it cannot be made (or the probe is aborted). */
  function waitForReady(signal: AbortSignal): Promise<Outcome | null> {
    if (client.status === 'ready') return Promise.resolve(null);
    return new Promise((resolve) => {
      let attempted = false;
      const attempt = () => {
        attempted = true;
        lastError = null;
        client.connect().catch(() => {}); // a failure arrives as 'error' then 'end'
      };
      const onReady = () => done(null);
      // The first 'end' may be the previous connection finishing its close: connect after it.
      const onEnd = () => (attempted ? done({ status: 'error', ...classifyRedisError(lastError ?? new Error('connection closed')) }) : attempt());
      const onAbort = () => {
        // Drop the half-open socket now; the next probe starts a fresh connection.
        client.disconnect();
        done(TIMED_OUT);
      };
      const done = (o: Outcome | null) => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      client.on('ready', onReady);
      client.on('end', onEnd);
      signal.addEventListener('abort', onAbort, { once: true });
      if (client.status === 'wait' || client.status === 'end') attempt();
    });
  }

  return {
    name: config.name,
    type: 'bullmq',
    check,
    async close() {
      if (closed) return;
      closed = true;
      await dropQueues();
      // disconnect(), not quit(): quit waits for an answer a dead Redis never sends.
      client.disconnect();
    },
  };
}
