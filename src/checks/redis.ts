/**
 * Redis check: PING, then INFO for role, memory, clients and version.
 *
 * One connection is kept between probes while it is healthy. After any
 * failure or abort it is disconnected and the next probe starts a fresh
 * client: the probe interval is the reconnect backoff, so there is no
 * background reconnect loop that could pile up sockets against a hung server,
 * and recovery after a Redis restart needs no restart of this service.
 */
import { Redis } from 'ioredis';
import type { Checker, CheckDeps, Details, Outcome, RedisCheckConfig } from '../types';
import { classifyRedisError, classifyRedisFailure, isConnectionLost } from './redis-errors';
import { Aborted, abortable, TIMED_OUT } from './abortable';
import { createPhases } from './phases';

/** Shown in CLIENT LIST so operators can tell our connection apart. */
export const REDIS_CONNECTION_NAME = 'health-aggregator';



/** The dependency answered, but not as a Redis should. */
class Unexpected extends Error {}

/**
 * Creates a Redis checker (redis:// or rediss:// for TLS). `config.timeout`
 * also bounds connecting and each command inside the driver, as a second
 * line behind the scheduler's abort.
 */
export function createRedisCheck(config: RedisCheckConfig, deps: CheckDeps): Checker {
  const { logger } = deps;
  // Aborts a probe in flight when close() is called, so shutdown never waits on a hung server.
  const closing = new AbortController();
  let client: Redis | null = null;
  // ioredis reports why a connection failed only through 'error' events; connect() itself
  // rejects with a bare "Connection is closed.".
  let lastError: unknown = null;

  function open(): Redis {
    const c = new Redis(config.url, {
      lazyConnect: true,
      // Fail fast instead of queueing while disconnected: a probe wants the truth now.
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: config.timeout,
      commandTimeout: config.timeout,
      // Reconnection is driven by the next probe (see the file comment).
      retryStrategy: () => null,
      // The ready check would wait out a loading server; PING reports LOADING instead.
      enableReadyCheck: false,
      // RESP2 is what every server and proxy speaks; we only read simple replies.
      protocol: 2,
      connectionName: REDIS_CONNECTION_NAME,
    });
    c.on('error', (err: unknown) => {
      if (c === client) lastError = err;
      logger.debug({ reason: classifyRedisError(err).error }, 'redis connection error');
    });
    return c;
  }

  function drop(): void {
    const c = client;
    client = null;
    if (!c) return;
    c.disconnect();
    // disconnect() only half-closes a socket; a hung peer must not keep it open.
    c.stream?.destroy();
  }

  async function connected(signal: AbortSignal): Promise<Redis> {
    if (client?.status === 'ready') return client;
    drop();
    const c = open();
    client = c;
    lastError = null;
    await abortable(c.connect(), signal, drop);
    return c;
  }

  async function probe(signal: AbortSignal): Promise<Details> {
    const reused = client?.status === 'ready';
    try {
      return await probeOnce(signal);
    } catch (err) {
      // A kept connection can die between probes (a Redis restart) just before
      // ioredis notices; that says nothing about Redis now, so ask again on a fresh one.
      if (!reused || !isConnectionLost(err)) throw err;
      logger.debug('kept redis connection was lost, probing on a new one');
      drop();
      return await probeOnce(signal);
    }
  }

  async function probeOnce(signal: AbortSignal): Promise<Details> {
    const phases = createPhases();
    const fresh = client?.status !== 'ready';
    const c = await connected(signal);
    if (fresh) phases.lap('connect');
    else phases.skip();
    const pong = await abortable(c.ping(), signal, drop);
    if (pong !== 'PONG') throw new Unexpected('unexpected reply to PING');
    phases.lap('ping');
    const info = await abortable(c.info(), signal, drop);
    if (typeof info !== 'string' || !info.includes('redis_version:')) throw new Unexpected('unexpected reply to INFO');
    phases.lap('info');
    return { ...toDetails(parseInfo(info)), timings_ms: phases.timings };
  }

  return {
    name: config.name,
    type: 'redis',
    async check(signal) {
      if (closing.signal.aborted) return { status: 'error', errorKind: 'other', error: 'checker is closed' };
      if (signal.aborted) return TIMED_OUT;
      try {
        return { status: 'ok', details: await probe(AbortSignal.any([signal, closing.signal])) };
      } catch (err) {
        const failure = classifyRedisFailure(err, lastError);
        drop();
        if (err instanceof Aborted) return TIMED_OUT;
        if (err instanceof Unexpected) return { status: 'error', errorKind: 'assertion', error: err.message };
        return { status: 'error', ...failure };
      }
    },
    async close() {
      closing.abort();
      const c = client;
      client = null;
      if (!c) return;
      // QUIT is polite but waits for an answer; only a ready connection gets one.
      if (c.status === 'ready') {
        await Promise.race([c.quit().catch(() => {}), new Promise((resolve) => c.once('end', resolve))]);
      }
      c.disconnect();
      c.stream?.destroy();
    },
  };
}

/** `INFO` text -> flat key/value map (section headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon > 0) fields.set(trimmed.slice(0, colon), trimmed.slice(colon + 1));
  }
  return fields;
}

function toDetails(info: Map<string, string>): Details {
  const num = (key: string): number | undefined => {
    const v = info.get(key);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const details: Details = {
    role: info.get('role'),
    redis_version: info.get('redis_version'),
    uptime_s: num('uptime_in_seconds'),
    connected_clients: num('connected_clients'),
    used_memory_bytes: num('used_memory'),
    // The server's own counters since its start (exported as counters, so a restart shows as a reset).
    keyspace_hits: num('keyspace_hits'),
    keyspace_misses: num('keyspace_misses'),
    evicted_keys: num('evicted_keys'),
    mem_fragmentation_ratio: num('mem_fragmentation_ratio'),
  };
  const maxmemory = num('maxmemory');
  // 0 means "no limit": leave it out rather than suggest a limit of zero.
  if (maxmemory) details.maxmemory_bytes = maxmemory;
  if (info.get('role') === 'slave') details.master_link_status = info.get('master_link_status');
  else details.connected_replicas = num('connected_slaves');
  for (const key of Object.keys(details)) if (details[key] === undefined) delete details[key];
  return details;
}
