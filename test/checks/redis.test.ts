import t, { type Test } from 'tap';
import net from 'node:net';
import { createRedisCheck, parseInfo } from '../../src/checks/redis';
import type { RedisCheckConfig } from '../../src/types';
import { freePort } from '../support/ports';
import { startRedis } from '../support/redis';
import { makeCert } from '../support/tls';
import { startBlackhole } from '../support/blackhole';
import {
  checkAbortedAfter,
  checkOnce,
  common,
  eventually,
  openSockets,
  recordingLogger,
} from './checker-harness';

function make(url: string, extra: Partial<RedisCheckConfig> = {}) {
  const logger = recordingLogger();
  const checker = createRedisCheck({ ...common('redis'), url, ...extra }, { logger });
  return { checker, logger };
}

/** Nothing that locates or unlocks the server may leak into an outcome. */
function assertSanitised(t: Test, outcome: unknown, port: number, secret?: string): void {
  const text = JSON.stringify(outcome);
  t.notMatch(text, '127.0.0.1', 'no host in the outcome');
  t.notMatch(text, String(port), 'no port in the outcome');
  if (secret) t.notMatch(text, secret, 'no password in the outcome');
}

t.test('INFO text is read into fields, skipping section headers', async (t) => {
  const fields = parseInfo('# Server\r\nredis_version:7.0.15\r\nrole:master\r\n\r\n# Memory\r\nused_memory:1024\r\nweird\r\n');
  t.same([...fields], [['redis_version', '7.0.15'], ['role', 'master'], ['used_memory', '1024']]);
});

t.test('a healthy server is ok with its facts in the details', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const { checker } = make(redis.url);
  t.teardown(() => checker.close());
  t.equal(checker.type, 'redis');

  const outcome = await checkOnce(checker);
  t.equal(outcome.status, 'ok');
  t.equal(outcome.error, undefined);
  t.match(outcome.details, {
    role: 'master',
    redis_version: /^\d+\.\d+\.\d+$/,
    connected_clients: Number,
    used_memory_bytes: Number,
    uptime_s: Number,
    connected_replicas: 0,
  });
  t.ok((outcome.details?.connected_clients as number) >= 1, 'our own connection is counted');
  t.ok((outcome.details?.used_memory_bytes as number) > 0, 'memory is in bytes');
  t.notOk('maxmemory_bytes' in (outcome.details ?? {}), 'no limit is left out, not reported as 0');

  t.match(outcome.details?.timings_ms, { connect: Number, ping: Number, info: Number }, 'phases of the first probe');

  const before = openSockets();
  let last = outcome;
  for (let i = 0; i < 5; i++) {
    last = await checkOnce(checker);
    t.equal(last.status, 'ok');
  }
  t.equal(openSockets(), before, 'probes reuse one connection');
  t.notOk('connect' in (last.details?.timings_ms as object), 'a kept connection has no connect phase');
});

t.test('a stopped server is refused, and the same checker recovers after a restart', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const { checker, logger } = make(redis.url);
  t.teardown(() => checker.close());

  t.equal((await checkOnce(checker)).status, 'ok', 'ok before the outage');
  await redis.stop();
  for (let i = 0; i < 3; i++) {
    const down = await checkOnce(checker);
    t.equal(down.status, 'error');
    t.equal(down.errorKind, 'refused');
    t.equal(down.error, 'connection refused');
    assertSanitised(t, down, redis.port);
  }
  t.notOk(logger.lines.some((l) => JSON.stringify(l.args).includes(String(redis.port))), 'no port in the logs');

  await redis.start();
  t.equal((await checkOnce(checker)).status, 'ok', 'ok again without a new checker');
});

t.test('the first probe after the server went away is refused, never a stale-connection error', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const { checker } = make(redis.url);
  t.teardown(() => checker.close());
  // The kept connection is closed by the server a moment before the probe: a race
  // that a single try would sometimes lose with "Stream isn't writeable".
  for (let i = 0; i < 15; i++) {
    t.equal((await checkOnce(checker)).status, 'ok', `cycle ${i + 1}: up`);
    await redis.stop();
    t.match(await checkOnce(checker), { status: 'error', errorKind: 'refused' }, `cycle ${i + 1}: down`);
    await redis.start();
  }
});

t.test('a password-protected server', async (t) => {
  const redis = await startRedis(['--requirepass', 's3cret']);
  t.teardown(() => redis.destroy());
  const cases = [
    { name: 'no password is an auth error', url: redis.url, status: 'error', kind: 'auth' },
    { name: 'a wrong password is an auth error', url: `redis://:wr0ng-pw@127.0.0.1:${redis.port}`, status: 'error', kind: 'auth' },
    { name: 'a wrong user is an auth error', url: `redis://nobody:s3cret@127.0.0.1:${redis.port}`, status: 'error', kind: 'auth' },
    { name: 'the right password is ok', url: `redis://:s3cret@127.0.0.1:${redis.port}`, status: 'ok', kind: undefined },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const { checker, logger } = make(c.url);
      t.teardown(() => checker.close());
      const outcome = await checkOnce(checker);
      t.equal(outcome.status, c.status);
      t.equal(outcome.errorKind, c.kind);
      if (c.kind) t.equal(outcome.error, 'authentication failed');
      assertSanitised(t, outcome, redis.port, 's3cret');
      t.notMatch(JSON.stringify(outcome), 'wr0ng-pw');
      t.notMatch(JSON.stringify(logger.lines), /s3cret|wr0ng-pw/, 'no password in the logs');
    });
  }
});

t.test('rediss:// speaks TLS (and an untrusted certificate is a tls error)', async (t) => {
  const cert = makeCert();
  t.teardown(() => cert.remove());
  const tlsPort = await freePort();
  const redis = await startRedis([
    '--tls-port', String(tlsPort),
    '--tls-cert-file', `${cert.certFile}`,
    '--tls-key-file', `${cert.certFile.replace(/cert\.pem$/, 'key.pem')}`,
    '--tls-auth-clients', 'no',
  ]);
  t.teardown(() => redis.destroy());
  const { checker } = make(`rediss://127.0.0.1:${tlsPort}`);
  t.teardown(() => checker.close());
  const outcome = await checkOnce(checker);
  t.equal(outcome.status, 'error');
  t.equal(outcome.errorKind, 'tls');
  assertSanitised(t, outcome, tlsPort);
});

t.test('a server that answers PING with something else is an assertion error', async (t) => {
  // Speaks RESP, but answers every command with +OK.
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', (chunk) => {
      const commands = chunk.toString().split('\r\n').filter((l) => l.startsWith('*')).length;
      s.write('+OK\r\n'.repeat(commands));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as net.AddressInfo;
  const { checker } = make(`redis://127.0.0.1:${port}`);
  t.teardown(() => checker.close());
  const outcome = await checkOnce(checker);
  t.equal(outcome.status, 'error');
  t.equal(outcome.errorKind, 'assertion');
  t.equal(outcome.error, 'unexpected reply to PING');
});

t.test('a server that accepts and never answers', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const url = `redis://:s3cret@127.0.0.1:${hole.port}`;

  t.test('the probe settles at the abort and leaves no connection behind', async (t) => {
    // A long driver timeout proves the abort itself, not ioredis' timer, ends the probe.
    const { checker } = make(url, { timeout: 60_000 });
    t.teardown(() => checker.close());
    const { outcome, settledAfterAbortMs } = await checkAbortedAfter(checker, 300);
    t.ok(settledAfterAbortMs < 5000, `settled ${Math.round(settledAfterAbortMs)} ms after the abort`);
    t.equal(outcome.status, 'error');
    t.equal(outcome.errorKind, 'timeout');
    assertSanitised(t, outcome, hole.port, 's3cret');
    t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds no connection from us');
  });

  t.test('without an abort, the driver timeout still ends the probe', async (t) => {
    const { checker } = make(url, { timeout: 300 });
    t.teardown(() => checker.close());
    const outcome = await checkOnce(checker, 30_000);
    t.equal(outcome.status, 'error');
    t.equal(outcome.errorKind, 'timeout');
    t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds no connection from us');
  });

  t.test('close() during a hung probe does not hang', async (t) => {
    const { checker } = make(url, { timeout: 60_000 });
    const probe = checker.check(new AbortController().signal);
    t.ok(await eventually(() => hole.openConnections() === 1), 'the probe is connected and waiting');
    await checker.close();
    await checker.close();
    t.ok(await eventually(() => hole.openConnections() === 0), 'the socket was closed');
    t.equal((await probe).status, 'error', 'the probe in flight settles');
  });
});

t.test('many failing probes leave no growing number of sockets', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  await redis.stop();

  const targets = [
    { name: 'a stopped server', url: redis.url, abortAfterMs: 5000 },
    { name: 'a hung server', url: `redis://127.0.0.1:${hole.port}`, abortAfterMs: 30 },
  ];
  for (const target of targets) {
    t.test(target.name, async (t) => {
      const { checker } = make(target.url, { timeout: 60_000 });
      t.teardown(() => checker.close());
      const before = openSockets();
      for (let i = 0; i < 30; i++) {
        const { outcome } = await checkAbortedAfter(checker, target.abortAfterMs);
        t.equal(outcome.status, 'error', `probe ${i + 1} failed`);
      }
      t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds nothing');
      t.ok(await eventually(() => openSockets() <= before + 2), `sockets bounded (before ${before}, now ${openSockets()})`);
    });
  }
});

t.test('close() is idempotent and quick, whether the server is up or down', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  for (const serverUp of [true, false]) {
    const { checker } = make(redis.url);
    t.equal((await checkOnce(checker)).status, 'ok');
    if (!serverUp) await redis.stop();
    await checker.close();
    await checker.close();
    const after = await checkOnce(checker);
    t.equal(after.status, 'error', 'a closed checker does not reconnect');
    t.equal(after.error, 'checker is closed');
  }
});
