import http from 'node:http';
import type net from 'node:net';

/** One request a receiver got: the raw body bytes as sent, and its headers. */
export interface Received {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: Buffer;
  json(): any;
}

/** How the receiver answers the n-th request (0-based): a status (and headers), or 'hang' to never answer. */
export type Answer = (n: number, req: Received) => number | { status: number; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver for notifications on a free loopback port. */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Resolves once `n` requests have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const got: Received = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        raw,
        json: () => JSON.parse(raw.toString('utf8')),
      };
      const n = received.length;
      received.push(got);
      for (const w of waiters.splice(0)) w();
      const a = answer(n, got);
      if (a === 'hang') return;
      const { status, headers } = typeof a === 'number' ? { status: a, headers: {} } : a;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(status < 300 ? 'ok' : 'no');
    });
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (received.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${received.length} requests, wanted ${n}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
