/**
 * The public status page's API (CONTRACT §4.6): GET /api/status, the
 * Server-Sent Events stream GET /api/status/stream, and GET /status (the
 * page). No token: nothing here carries an error text, details or a host.
 * CORS only for server.corsOrigins.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteOptions } from '../context';
import { errorSchema, sendError } from '../http/errors';
import { buildStatusBody, statusBodySchema } from '../status/history/status-body';
import type { CheckState, Snapshot } from '../types';
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from './status-page';

export const STATUS_PATHS = { api: '/api/status', stream: '/api/status/stream', page: '/status' } as const;

export interface StatusRouteOptions extends RouteOptions {
  /** Open event streams at most; beyond, 503. Default 1000. */
  readonly maxStreams?: number;
  /** ms between SSE heartbeat comments (keeps proxies from timing the stream out). Default 15 s. */
  readonly heartbeatMs?: number;
  /** ms a built /api/status body is reused while no check's status changed. Default 5 s. */
  readonly bodyTtlMs?: number;
}

/** Unread bytes a stream may hold before its client is dropped. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const preflightSchema = { response: { 204: { type: 'null' } } };

/** `server.corsOrigins` as a predicate; "*" allows any origin. */
function corsFor(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req: FastifyRequest, reply: FastifyReply): boolean => {
    reply.header('vary', 'Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !(any || allowed.has(origin))) return false;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    return true;
  };
}

/** Changes only when some check's served status does: the body is rebuilt at once then, else after its TTL. */
const statusKey = (snap: Snapshot) => snap.checks.map((c) => c.status).join(',');

export async function statusRoutes(app: FastifyInstance, opts: StatusRouteOptions) {
  const { ctx } = opts;
  const { config, store, history } = ctx;
  const maxStreams = opts.maxStreams ?? 1000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const bodyTtlMs = opts.bodyTtlMs ?? 5_000;
  const cors = corsFor(config.server.corsOrigins);
  const byName = new Map(config.checks.map((c) => [c.name, c]));

  // Every visitor's browser polls this: serialise once per status change or TTL, not per request.
  let cached: { snap: Snapshot; key: string; at: number; body: string } | null = null;
  const body = (): string => {
    const snap = store.snapshot();
    const now = Date.now();
    if (cached && cached.snap !== snap) {
      const key = statusKey(snap);
      if (key === cached.key) cached.snap = snap;
      else cached = null;
    }
    if (!cached || now - cached.at >= bodyTtlMs) {
      const text = JSON.stringify(buildStatusBody(snap, config.checks, history, now));
      cached = { snap, key: statusKey(snap), at: now, body: text };
    }
    return cached.body;
  };

  const preflight = (req: FastifyRequest, reply: FastifyReply) => {
    if (cors(req, reply)) {
      reply
        .header('access-control-allow-methods', 'GET, OPTIONS')
        .header('access-control-allow-headers', 'Cache-Control, Last-Event-ID')
        .header('access-control-max-age', '600');
    }
    // Denied origins get no allow headers: the browser then refuses, which is the point.
    return reply.code(204).send();
  };
  app.options(STATUS_PATHS.api, { schema: preflightSchema }, preflight);
  app.options(STATUS_PATHS.stream, { schema: preflightSchema }, preflight);

  app.get(STATUS_PATHS.api, { schema: { response: { 200: statusBodySchema } } }, (req, reply) => {
    cors(req, reply);
    return reply.type(JSON_TYPE).send(body());
  });

  // Open streams, so preClose can end them: an open SSE response would otherwise hold app.close() until its cap.
  const streams = new Set<PassThrough>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });

  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const change = (prev: CheckState, next: CheckState) => ({
    name: next.name,
    display_name: byName.get(next.name)?.displayName ?? next.name,
    status: next.status,
    previous: prev.status,
    overall: store.snapshot().status,
    at: new Date().toISOString(),
  });
  const current = () => {
    const snap = store.snapshot();
    return { status: snap.status, components: snap.checks.map((c) => ({ name: c.name, status: c.status })) };
  };

  app.get(
    STATUS_PATHS.stream,
    { schema: { response: { 200: { type: 'string' }, 503: errorSchema } } },
    (req, reply) => {
      cors(req, reply);
      if (streams.size >= maxStreams) {
        reply.header('retry-after', '30');
        return sendError(reply, 503, 'too many open status streams, retry later');
      }
      const stream = new PassThrough();
      streams.add(stream);
      // A client that stops reading is dropped rather than buffered for without bound.
      const send = (text: string) => {
        if (stream.writableLength > MAX_BUFFERED_BYTES) stream.end();
        else if (!stream.writableEnded) stream.write(text);
      };
      const off = store.onStatusChange((prev, next) => send(event('status', change(prev, next))));
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs).unref();
      let cleaned = false;
      const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        off();
        clearInterval(heartbeat);
        streams.delete(stream);
        stream.end();
      };
      reply.raw.once('close', cleanup);
      stream.once('close', cleanup);
      // retry: how long a browser waits before reconnecting; then the state as it is now.
      stream.write(`retry: 5000\n\n${event('snapshot', current())}`);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        // nginx and friends buffer responses by default: an event would arrive late or never.
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );

  app.get(STATUS_PATHS.page, { schema: { response: { 200: { type: 'string' } } } }, (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', STATUS_PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(STATUS_PAGE_HTML),
  );
}
