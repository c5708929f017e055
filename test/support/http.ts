import { readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

/** Answers one request; anything a test needs (slow, endless, junk) is a handler. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A node:http(s) server on a free loopback port that a test may stop and restart. */
export interface TestHttpServer {
  readonly port: number;
  /** http(s)://127.0.0.1:PORT */
  readonly origin: string;
  /** Requests seen so far, as `METHOD /path`. */
  readonly seen: string[];
  /** Connections currently open against it. */
  openConnections(): number;
  /** Closes the listener and destroys every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/**
 * Starts a server answering from a route table keyed by path (query string
 * ignored); unknown paths get 404. With `tls` it is HTTPS.
 */
export async function startHttpServer(
  routes: Readonly<Record<string, Route>>,
  tls?: { key: Buffer; cert: Buffer },
): Promise<TestHttpServer> {
  const sockets = new Set<net.Socket>();
  const seen: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(`${req.method} ${req.url}`);
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});
  let port = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await start();
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    openConnections: () => sockets.size,
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A route answering `status` with a body (objects are sent as JSON). */
export function reply(status: number, body: unknown = '', headers: Record<string, string> = {}): Route {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  return (_req, res) => res.writeHead(status, { 'content-type': type, ...headers }).end(text);
}

/** A route that answers only after `ms` (timers are cleared if the client goes away). */
export function slow(ms: number, route: Route): Route {
  return (req, res) => {
    const timer = setTimeout(() => route(req, res), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

/** A route that sends a 200 and then an endless body, as fast as the client reads it. */
export const endless: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(16 * 1024, 'x');
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
};

/** A route that sends headers and then never sends the body. */
export const stalled: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.flushHeaders();
};

/** Number of open sockets in this process (Linux: /proc/self/fd links named `socket:[…]`). */
export function openSocketCount(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // The fd closed between listing and reading.
    }
  }
  return n;
}

/** Polls `cond` every 10 ms until true or `ms` passed; returns its last value. */
export async function eventually(cond: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}
