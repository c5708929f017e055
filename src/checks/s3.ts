/**
 * S3 check: HeadBucket, or with `writeProbe` a put / get / compare / delete
 * round trip of a small object that never outlives the probe.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Checker, CheckDeps, Details, Outcome, S3CheckConfig } from '../types';
import { classifyS3Error } from './s3-errors';
import { roundMs } from '../units';

type Operation = 'head' | 'put' | 'get' | 'delete';


/**
 * Creates an S3 checker with one client for its lifetime (one attempt per
 * request, every request bound to the probe's signal, no keep-alive so an
 * aborted request leaves no pooled socket). Credentials: explicit keys from
 * config, else the default AWS provider chain.
 * Details: `bucket`, `operations` (those run), `timings_ms` per operation.
 */
export function createS3Check(config: S3CheckConfig, deps: CheckDeps): Checker {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint !== null ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.accessKeyId !== null && config.secretAccessKey !== null
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, ...(config.sessionToken !== null ? { sessionToken: config.sessionToken } : {}) } }
      : {}),
    // A probe reports what it saw; retries would hide it and outlive the timeout.
    maxAttempts: 1,
    // The SDK's default checksums break streamed uploads on S3-compatible servers (s3rver).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Second line behind the scheduler's signal, which is what normally ends a hung request.
    requestHandler: {
      connectionTimeout: config.timeout,
      socketTimeout: config.timeout + 1000,
      httpAgent: { keepAlive: false },
      httpsAgent: { keepAlive: false },
    },
  });
  // Background deletes of probe objects left by aborted probes; close() waits for them.
  const cleanups = new Set<Promise<void>>();
  let closed = false;

  function cleanupLater(key: string): void {
    const p = client
      .send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: AbortSignal.timeout(config.timeout) })
      .then(
        () => undefined,
        (err: unknown) => deps.logger.warn({ reason: classifyS3Error(err).error }, 's3 probe object could not be deleted'),
      )
      .finally(() => cleanups.delete(p));
    cleanups.add(p);
  }

  async function check(signal: AbortSignal): Promise<Outcome> {
    const timings: Partial<Record<Operation, number>> = {};
    const operations: Operation[] = [];
    const details = (): Details => ({ bucket: config.bucket, operations: [...operations], timings_ms: { ...timings } });
    const timed = async <T>(op: Operation, run: () => Promise<T>): Promise<T> => {
      operations.push(op);
      const started = performance.now();
      try {
        return await run();
      } finally {
        timings[op] = roundMs(performance.now() - started);
      }
    };
    const failed = (err: unknown, op: Operation): Outcome => {
      const c = classifyS3Error(signal.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : err);
      const error = op === 'head' || c.errorKind !== 'auth' ? c.error : `${c.error} (${op})`;
      return { status: 'error', errorKind: c.errorKind, error, details: details() };
    };

    if (!config.writeProbe) {
      try {
        await timed('head', () => client.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal: signal }));
        return { status: 'ok', details: details() };
      } catch (err) {
        return failed(err, 'head');
      }
    }

    const key = `${config.probePrefix}${Date.now()}-${randomUUID()}`;
    const content = `health-aggregator probe ${key}`;
    let outcome: Outcome | null = null;
    try {
      await timed('put', () =>
        client.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: content, ContentType: 'text/plain' }), { abortSignal: signal }),
      );
      const read = await timed('get', () => readBack(client, config.bucket, key, content.length, signal));
      if (read !== content) outcome = { status: 'error', errorKind: 'assertion', error: 'object read back differs from what was written', details: details() };
    } catch (err) {
      outcome = failed(err, operations[operations.length - 1] ?? 'put');
    }
    // Deleting even after a failed put: an aborted put may still have landed.
    if (signal.aborted || closed) {
      cleanupLater(key);
      return outcome ?? failed(null, 'delete');
    }
    try {
      await timed('delete', () => client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: signal }));
    } catch (err) {
      if (signal.aborted) cleanupLater(key);
      outcome ??= failed(err, 'delete');
    }
    // Details as of now, so they list the delete that ran after a failure too.
    return { ...(outcome ?? { status: 'ok' }), details: details() };
  }

  return {
    name: config.name,
    type: 's3',
    check,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...cleanups]);
      client.destroy();
    },
  };
}

/** Reads the probe object back, refusing to read more than `expectedLength` bytes' worth. */
async function readBack(client: S3Client, bucket: string, key: string, expectedLength: number, signal: AbortSignal): Promise<string | null> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  if (res.ContentLength !== undefined && res.ContentLength !== expectedLength) {
    (res.Body as Readable | undefined)?.destroy?.();
    return null;
  }
  return (await res.Body?.transformToString('utf8')) ?? null;
}
