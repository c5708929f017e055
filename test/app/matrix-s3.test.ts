/** The outage matrix for s3 (a real s3rver), through the running service. */
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { lazy, runRow, startDelayProxy, type Row } from '../support/matrix';
import { freePort } from '../support/ports';
import { S3_CREDENTIALS, startS3, startS3FaultProxy } from '../support/s3';

const BUCKET = 'uploads';
const shared = lazy(() => startS3([BUCKET]), (s3) => s3.destroy());
t.teardown(() => shared.destroy());

const s3At = (endpoint: string, extra = '') =>
  `type: s3, bucket: ${BUCKET}, region: us-east-1, endpoint: "${endpoint}", forcePathStyle: true, ` +
  `accessKeyId: ${S3_CREDENTIALS.accessKeyId}, secretAccessKey: ${S3_CREDENTIALS.secretAccessKey}${extra}`;
const origin = (port: number) => `http://127.0.0.1:${port}`;

const rows: Row[] = [
  {
    name: 'an existing bucket is ok, naming the bucket and the HeadBucket it ran',
    arrange: async () => ({ check: s3At((await shared.get()).endpoint) }),
    expect: { kind: 'ok', details: { bucket: BUCKET, operations: ['head'], timings_ms: { head: Number } } },
  },
  {
    name: 'the write probe is ok after putting, reading back and deleting its object',
    arrange: async () => ({ check: s3At((await shared.get()).endpoint, ', writeProbe: true') }),
    expect: { kind: 'ok', details: { bucket: BUCKET, operations: ['put', 'get', 'delete'], timings_ms: { put: Number, get: Number, delete: Number } } },
  },
  {
    name: 'a stopped s3 is refused after failureThreshold probes and is ok again once restarted',
    arrange: async (t) => {
      const s3 = await startS3([BUCKET]);
      t.teardown(() => s3.destroy());
      return { check: s3At(s3.endpoint), stop: () => s3.stop(), start: () => s3.start() };
    },
    expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
  },
  {
    name: 'an s3 that accepts and never answers times out at the check timeout',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: s3At(origin(hole.port)) };
    },
    expect: { kind: 'timeout' },
  },
  {
    name: 'an s3 whose answers arrive after degradedLatency is degraded, not an error',
    arrange: async (t) => {
      const proxy = await startDelayProxy((await shared.get()).port, 150);
      t.teardown(() => proxy.close());
      return { check: s3At(origin(proxy.port), ', degradedLatency: 100ms') };
    },
    expect: { kind: 'slow', degradedLatency: 100 },
  },
  {
    name: 'a bucket that does not exist is an error saying so',
    arrange: async () => ({ check: s3At((await shared.get()).endpoint).replace(`bucket: ${BUCKET}`, 'bucket: no-such-bucket') }),
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'bucket not found' },
  },
  {
    name: 'rejected credentials are an auth error',
    arrange: async () => ({ check: s3At((await shared.get()).endpoint).replace(/accessKeyId: .*/, 'accessKeyId: WRONGKEY, secretAccessKey: not-the-secret') }),
    expect: { kind: 'answer', status: 'error', errorKind: 'auth', error: 'access denied' },
  },
  {
    name: 'an object that reads back different from what was written is an error',
    arrange: async (t) => {
      const proxy = await startS3FaultProxy((await shared.get()).port, 'corrupt');
      t.teardown(() => proxy.close());
      return { check: s3At(proxy.endpoint, ', writeProbe: true') };
    },
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'object read back differs from what was written' },
  },
  {
    name: 'fifty probes against a dead s3 hold no more sockets than one',
    arrange: async () => ({ check: s3At(origin(await freePort())) }),
    expect: { kind: 'sockets', cycles: 50 },
  },
  {
    name: 'fifty probes against a hung s3 hold no more sockets than one',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: s3At(origin(hole.port)) };
    },
    expect: { kind: 'sockets', cycles: 50 },
  },
];

for (const row of rows) t.test(row.name, (t) => runRow(t, 's3', row));
