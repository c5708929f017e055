import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports';

/** s3rver's fixed test credentials: it checks signatures against them. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** An in-process s3rver on a free loopback port, with buckets configured, that a test may stop and restart. */
export interface TestS3 {
  readonly port: number;
  /** http://127.0.0.1:PORT (use with forcePathStyle). */
  readonly endpoint: string;
  /** Keys stored in a bucket, read from s3rver's directory (not through S3). */
  objectCount(bucket: string): number;
  stop(): Promise<void>;
  /** Starts again on the same port and directory. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startS3(buckets: readonly string[]): Promise<TestS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ha-s3-'));
  const port = await freePort();
  let server: S3rver | null = null;
  const start = async () => {
    server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
    await server.run();
  };
  const stop = async () => {
    if (server) await server.close();
    server = null;
  };
  await start();
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    objectCount: (bucket) => countFiles(path.join(directory, bucket)),
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

// s3rver stores each object as a few `name._S3rver_object*` files.
function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) n += countFiles(full);
    else if (entry.endsWith('._S3rver_object')) n++;
  }
  return n;
}

/** How the fault proxy treats GET requests for objects. */
export type GetFault = 'pass' | 'corrupt' | 'fail' | 'hang';

/**
 * A real HTTP proxy in front of an S3 server that tampers with object GETs:
 * `corrupt` flips the body's first byte, `fail` answers 500, `hang` never
 * answers. Everything else passes through untouched.
 */
export async function startS3FaultProxy(targetPort: number, fault: GetFault) {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const isObjectGet = req.method === 'GET' && (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).length > 1;
    if (isObjectGet && fault === 'hang') return;
    if (isObjectGet && fault === 'fail') {
      res.writeHead(500, { 'content-type': 'application/xml' }).end('<Error><Code>InternalError</Code><Message>boom</Message></Error>');
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (!(isObjectGet && fault === 'corrupt')) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length > 0) body[0] = body[0]! ^ 0x20;
        res.writeHead(up.statusCode ?? 502, up.headers).end(body);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
