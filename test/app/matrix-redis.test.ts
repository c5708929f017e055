/**
 * The outage matrix for redis, through the running service. (outage.test.ts
 * covers redis beside postgres; here each row also pins the threshold count,
 * metrics and recovery bound.)
 */
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { startHttpServer } from '../support/http';
import { lazy, runRow, startDelayProxy, type Row } from '../support/matrix';
import { freePort } from '../support/ports';
import { startRedis } from '../support/redis';

const shared = lazy(() => startRedis(), (r) => r.destroy());
t.teardown(() => shared.destroy());

const urlAt = (port: number) => `redis://127.0.0.1:${port}`;

const rows: Row[] = [
  {
    name: 'a healthy redis is ok with its role, version, memory and clients',
    arrange: async () => ({ check: `type: redis, url: "${(await shared.get()).url}"` }),
    expect: { kind: 'ok', details: { role: 'master', redis_version: /^\d+\.\d+/, connected_clients: Number, used_memory_bytes: Number, uptime_s: Number } },
  },
  {
    name: 'a stopped redis is refused after failureThreshold probes and is ok again once restarted',
    arrange: async (t) => {
      const redis = await startRedis();
      t.teardown(() => redis.destroy());
      return { check: `type: redis, url: "${redis.url}"`, stop: () => redis.stop(), start: () => redis.start() };
    },
    expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
  },
  {
    name: 'a redis that accepts and never answers times out at the check timeout',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: `type: redis, url: "${urlAt(hole.port)}"` };
    },
    expect: { kind: 'timeout' },
  },
  {
    // Redis answers in microseconds; a real slow path is the network, so the answers are delayed on the way back.
    name: 'a redis whose answers arrive after degradedLatency is degraded, not an error',
    arrange: async (t) => {
      const proxy = await startDelayProxy((await shared.get()).port, 150);
      t.teardown(() => proxy.close());
      return { check: `type: redis, url: "${urlAt(proxy.port)}", degradedLatency: 100ms` };
    },
    expect: { kind: 'slow', degradedLatency: 100 },
  },
  {
    name: 'a redis that wants a password it was not given is an auth error',
    arrange: async (t) => {
      const redis = await startRedis(['--requirepass', 'matrix-secret']);
      t.teardown(() => redis.destroy());
      return { check: `type: redis, url: "${redis.url}"` };
    },
    expect: { kind: 'answer', status: 'error', errorKind: 'auth', error: 'authentication failed' },
  },
  {
    name: 'a peer that speaks HTTP instead of redis is an error',
    arrange: async (t) => {
      const web = await startHttpServer({});
      t.teardown(() => web.stop());
      return { check: `type: redis, url: "${urlAt(web.port)}"` };
    },
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'peer is not speaking the Redis protocol' },
  },
  {
    name: 'fifty probes against a dead redis hold no more sockets than one',
    arrange: async () => ({ check: `type: redis, url: "${urlAt(await freePort())}"` }),
    expect: { kind: 'sockets', cycles: 50 },
  },
  {
    name: 'fifty probes against a hung redis hold no more sockets than one',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: `type: redis, url: "${urlAt(hole.port)}"` };
    },
    expect: { kind: 'sockets', cycles: 50 },
  },
];

for (const row of rows) t.test(row.name, (t) => runRow(t, 'redis', row));
