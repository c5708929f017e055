import t from 'tap';
import pino from 'pino';
import { createS3Check } from '../../src/checks/s3';
import type { Checker, Outcome, S3CheckConfig } from '../../src/types';
import { startBlackhole } from '../support/blackhole';
import { eventually, openSocketCount, startHttpServer } from '../support/http';
import { S3_CREDENTIALS, startS3, startS3FaultProxy, type GetFault } from '../support/s3';

const logger = pino({ level: 'silent' });
const BUCKET = 'uploads';

function baseCommon() {
  return {
    name: 'uploads', interval: 15_000, timeout: 3000, failureThreshold: 2, successThreshold: 1, critical: false,
    degradedLatency: null, displayName: 'Uploads', group: 'Storage', dependsOn: [],
  } as const;
}

function s3Config(endpoint: string, over: Partial<S3CheckConfig> = {}): S3CheckConfig {
  return {
    ...baseCommon(), type: 's3', bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true, writeProbe: false,
    probePrefix: 'health-aggregator/probe/', ...S3_CREDENTIALS, sessionToken: null, ...over,
  };
}

function run(check: Checker, abortAfterMs = 5000): Promise<Outcome> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), abortAfterMs);
  return check.check(ac.signal).finally(() => clearTimeout(timer));
}

t.test('against a real s3rver', async (t) => {
  const s3 = await startS3([BUCKET]);
  t.teardown(() => s3.destroy());
  const cases: Array<{ name: string; over: Partial<S3CheckConfig>; expect: object }> = [
    { name: 'HeadBucket on an existing bucket is ok', over: {},
      expect: { status: 'ok', details: { bucket: BUCKET, operations: ['head'], timings_ms: { head: Number } } } },
    { name: 'the write probe puts, reads back and deletes', over: { writeProbe: true },
      expect: { status: 'ok', details: { operations: ['put', 'get', 'delete'], timings_ms: { put: Number, get: Number, delete: Number } } } },
    { name: 'a missing bucket is an assertion', over: { bucket: 'missing' },
      expect: { status: 'error', errorKind: 'assertion', error: 'bucket not found' } },
    { name: 'a missing bucket under the write probe is an assertion too', over: { bucket: 'missing', writeProbe: true },
      expect: { status: 'error', errorKind: 'assertion', error: 'bucket not found' } },
    { name: 'rejected credentials on HeadBucket are auth', over: { accessKeyId: 'WRONGKEY', secretAccessKey: 'wrong-secret-value' },
      expect: { status: 'error', errorKind: 'auth', error: 'access denied' } },
    { name: 'rejected credentials on the write probe are auth, naming the step', over: { writeProbe: true, accessKeyId: 'WRONGKEY', secretAccessKey: 'wrong-secret-value' },
      expect: { status: 'error', errorKind: 'auth', error: 'credentials rejected (put)' } },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const check = createS3Check(s3Config(s3.endpoint, c.over), { logger });
      t.teardown(() => check.close());
      const out = await run(check);
      t.match(out, c.expect);
      t.notMatch(JSON.stringify(out), new RegExp(`127\\.0\\.0\\.1|${s3.port}|S3RVER|WRONGKEY|wrong-secret`), 'no host, port or key in the outcome');
      t.equal(s3.objectCount(BUCKET), 0, 'no probe object is left behind');
    });
  }
});

t.test('a stopped server is refused; the same checker is ok again once it is back', async (t) => {
  const s3 = await startS3([BUCKET]);
  t.teardown(() => s3.destroy());
  const check = createS3Check(s3Config(s3.endpoint, { writeProbe: true }), { logger });
  t.teardown(() => check.close());
  t.equal((await run(check)).status, 'ok');
  await s3.stop();
  t.match(await run(check), { status: 'error', errorKind: 'refused', error: 'connection refused' });
  await s3.start();
  t.equal((await run(check)).status, 'ok');
  t.equal(s3.objectCount(BUCKET), 0);
});

t.test('when reading the object back goes wrong, the object is still deleted', async (t) => {
  const s3 = await startS3([BUCKET]);
  t.teardown(() => s3.destroy());
  const cases: Array<{ fault: GetFault; expect: object; abortAfterMs?: number }> = [
    { fault: 'pass', expect: { status: 'ok' } },
    { fault: 'corrupt', expect: { status: 'error', errorKind: 'assertion', error: 'object read back differs from what was written', details: { operations: ['put', 'get', 'delete'] } } },
    { fault: 'fail', expect: { status: 'error', errorKind: 'other', error: 'server error (HTTP 500)', details: { operations: ['put', 'get', 'delete'] } } },
    { fault: 'hang', expect: { status: 'error', errorKind: 'timeout' }, abortAfterMs: 300 },
  ];
  for (const c of cases) {
    t.test(`GET ${c.fault}`, async (t) => {
      const proxy = await startS3FaultProxy(s3.port, c.fault);
      t.teardown(() => proxy.close());
      const check = createS3Check(s3Config(proxy.endpoint, { writeProbe: true }), { logger });
      const out = await run(check, c.abortAfterMs);
      t.match(out, c.expect);
      // close() waits for the background delete an aborted probe leaves.
      await check.close();
      t.equal(s3.objectCount(BUCKET), 0, 'no probe object is left behind');
    });
  }
});

t.test('a blackhole: the probe settles as soon as the signal aborts', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const check = createS3Check(s3Config(`http://127.0.0.1:${hole.port}`), { logger });
  t.teardown(() => check.close());
  const started = Date.now();
  t.match(await run(check, 100), { status: 'error', errorKind: 'timeout' });
  t.ok(Date.now() - started < 2000, 'settled at the abort');
});

t.test('a server that reads and never answers: 50 aborted probes leave no growing number of sockets', async (t) => {
  // (startBlackhole never reads, so it never sees our FIN after a request was written: it would keep
  // its own end of every connection open in this process and hide what we are counting.)
  const hung = await startHttpServer({ [`/${BUCKET}`]: () => {}, [`/${BUCKET}/`]: () => {} });
  t.teardown(() => hung.stop());
  const check = createS3Check(s3Config(hung.origin), { logger });
  t.teardown(() => check.close());
  t.equal((await run(check, 20)).errorKind, 'timeout');
  t.ok(await eventually(() => hung.openConnections() === 0), 'the connection was closed at the abort');
  const before = openSocketCount();
  for (let i = 0; i < 50; i++) t.equal((await run(check, 20)).errorKind, 'timeout');
  t.ok(await eventually(() => hung.openConnections() === 0), 'the server holds none of our connections');
  t.ok(await eventually(() => openSocketCount() <= before), `sockets stay bounded (${before} before, ${openSocketCount()} after)`);
});
