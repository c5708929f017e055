/**
 * What happens around every request: request ids, no-store, HTTP metrics,
 * access logs, load shedding, 404s and errors. Routes stay thin because of it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import underPressure from '@fastify/under-pressure';
import type { Socket } from 'node:net';
import { errorCode, sendError } from './errors';
import type { Metrics } from '../observability/metrics';
import type { AccessLog } from '../observability/access-log';
import { traceIdOf } from './request-id';
import type { PressureConfig } from '../types';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** The status code an abandoned request is counted under when nothing was sent yet (nginx's "client closed request"). */
const CLIENT_CLOSED = 499;

/** The requests a connection is carrying that have not ended (more than one only when a client pipelines). */
const IN_FLIGHT = Symbol('requestsInFlight');
type TrackedSocket = { [IN_FLIGHT]?: Set<FastifyReply> } & Pick<Socket, 'once'>;

/**
 * Request id, no-store, metrics and the access log. Install before
 * under-pressure so even a shed request gets its id, no-store and metrics.
 * Per-request work stays small and allocation-light: no properties added to
 * the request object (that would change its hidden class every time), no
 * listener per request.
 *
 * A request ends once: normally in `onResponse` (Fastify runs it on the
 * response's 'finish'); when its client goes away first (an SSE stream, a
 * client that gives up) Fastify never runs `onResponse`, so the closing of
 * its connection finishes it, counted and logged as aborted. Without that the
 * in-progress gauge would leak one per stream. The connection, not each
 * response, carries the one 'close' listener: a keep-alive client's thousand
 * requests add and remove none.
 */
export function installRequestHooks(
  app: FastifyInstance,
  opts: { metrics: Metrics; probePaths: ReadonlySet<string>; accessLog: AccessLog },
): void {
  const { metrics, probePaths, accessLog } = opts;

  const finish = (req: FastifyRequest, reply: FastifyReply, abandoned: boolean) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    const elapsedMs = reply.elapsedTime;
    const statusCode = abandoned && !reply.raw.headersSent ? CLIENT_CLOSED : reply.statusCode;
    const headers = req.headers;
    const length = headers['content-length'];
    const sent = abandoned ? undefined : reply.getHeader('content-length');
    metrics.requestFinished(method, route, statusCode, elapsedMs / 1000, length === undefined ? 0 : Number(length) || 0, sent === undefined ? null : Number(sent));
    // Probes and scrapes arrive every few seconds; at INFO they would drown everything else.
    const level = probePaths.has(route) ? 'debug' : 'info';
    if (!accessLog.enabled(level)) return;
    accessLog({
      level,
      requestId: req.id,
      requestIdFromCaller: headers['x-request-id'] !== undefined || headers['x-trace-id'] !== undefined,
      traceId: traceIdOf(req.raw),
      durationMs: elapsedMs,
      method,
      route,
      statusCode,
      url: req.url,
      userAgent: headers['user-agent'],
      aborted: abandoned,
    });
  };

  const inFlightOn = (req: FastifyRequest): Set<FastifyReply> => {
    const socket = req.raw.socket as unknown as TrackedSocket;
    let open = socket[IN_FLIGHT];
    if (open === undefined) {
      const replies = new Set<FastifyReply>();
      open = socket[IN_FLIGHT] = replies;
      // Whatever has not ended when its connection closes was abandoned by its client.
      socket.once('close', () => {
        for (const reply of replies) finish(reply.request, reply, true);
        replies.clear();
      });
    }
    return open;
  };

  app.addHook('onRequest', (req, reply, done) => {
    metrics.requestStarted();
    inFlightOn(req).add(reply);
    const trace = traceIdOf(req.raw);
    if (trace) req.log = req.log.child({ trace_id: trace });
    reply.header('x-request-id', req.id).header('cache-control', 'no-store');
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (inFlightOn(req).delete(reply)) finish(req, reply, false);
    done();
  });
}

/** Sheds requests with 503 + Retry-After over a pressure limit (routes may opt out via `config.pressureHandler`). */
export async function installPressure(app: FastifyInstance, pressure: PressureConfig, metrics?: Metrics): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: pressure.maxEventLoopDelay,
    maxHeapUsedBytes: pressure.maxHeapUsedBytes,
    maxRssBytes: pressure.maxRssBytes,
    pressureHandler: (req, reply, type) => {
      req.log.warn({ context: { pressure: type } }, 'request shed: under pressure');
      metrics?.requestShed(String(type));
      reply.header('retry-after', '10');
      sendError(reply, 503, 'service under pressure, retry later');
    },
  });
}

/** 404s and errors in the one JSON shape; never a stack. Every route must declare a response schema. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]?.slice(0, 200)}`);
  });
  app.setErrorHandler((err: { statusCode?: number; message?: string; validation?: unknown }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    // Client errors come from Fastify's own validation and parsing: safe to echo; server errors are not.
    sendError(reply, status, status >= 500 ? 'internal error' : (err.message ?? errorCode(status)));
  });
  // Every route documents its answer (and gets fast serialisation): enforced, not hoped for.
  app.addHook('onRoute', (route) => {
    if (!route.schema?.response) throw new Error(`route ${route.method} ${route.url} has no response schema`);
  });
}
