/**
 * What happens around every request: request ids, no-store, HTTP metrics,
 * access logs, load shedding, 404s and errors. Routes stay thin because of it.
 */
import type { FastifyInstance } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { errorCode, sendError } from './errors';
import type { Metrics } from '../observability/metrics';
import { traceIdOf } from './request-id';
import type { PressureConfig } from '../types';
import { roundMs } from '../units';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * Request id, no-store, metrics and the access log. Install before
 * under-pressure so even a shed request gets its id, no-store and metrics.
 * Per-request work stays small and allocation-light: no closures, no properties
 * added to the request object (that would change its hidden class every time).
 */
export function installRequestHooks(app: FastifyInstance, opts: { metrics: Metrics; probePaths: ReadonlySet<string> }): void {
  const { metrics, probePaths } = opts;
  app.addHook('onRequest', (req, reply, done) => {
    metrics.requestStarted();
    const trace = traceIdOf(req.raw);
    if (trace) req.log = req.log.child({ trace_id: trace });
    reply.header('x-request-id', req.id).header('cache-control', 'no-store');
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    const elapsedMs = reply.elapsedTime;
    metrics.requestFinished({ method, route, status_code: String(reply.statusCode) }, elapsedMs / 1000);
    // Probes and scrapes arrive every few seconds; at INFO they would drown everything else.
    const level = probePaths.has(route) ? 'debug' : 'info';
    req.log[level]({ duration_ms: roundMs(elapsedMs), context: { method, route, status_code: reply.statusCode } }, 'request completed');
    done();
  });
}

/** Sheds requests with 503 + Retry-After over a pressure limit (routes may opt out via `config.pressureHandler`). */
export async function installPressure(app: FastifyInstance, pressure: PressureConfig): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: pressure.maxEventLoopDelay,
    maxHeapUsedBytes: pressure.maxHeapUsedBytes,
    maxRssBytes: pressure.maxRssBytes,
    pressureHandler: (req, reply, type) => {
      req.log.warn({ context: { pressure: type } }, 'request shed: under pressure');
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
