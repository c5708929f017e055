/**
 * buildApp(config) -> a ready-to-listen Fastify instance: store, scheduler,
 * checkers, metrics, logging and routes wired together. The process side
 * (listen, signals) lives in server.ts so tests can use app.inject().
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger as PinoLogger } from 'pino';
import { createChecker } from './checks/registry';
import type { HealthContext } from './context';
import { createHistory, feedHistory } from './history';
import { errorCode, sendError } from './http-errors';
import { createLogger } from './logging';
import { createMetrics } from './metrics';
import { createScrubber, secretsOf } from './redact';
import { requestIdOf, traceIdOf } from './request-id';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { probeRoutes } from './routes/probes';
import { statusRoutes } from './routes/status';
import { createScheduler } from './scheduler/scheduler';
import { logStatusChanges } from './status-log';
import { createResultStore } from './store/store';
import type { Config } from './types';

export interface AppDeps {
  /** A pino logger (tests pass one writing to a stream). Default: JSON to stdout at $LOG_LEVEL. */
  readonly logger?: PinoLogger;
  /** Collect prom-client's default process metrics. Default true. */
  readonly defaultMetrics?: boolean;
}

/** A whole request (headers and body) must arrive within this, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;

const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'path parameter too long',
};

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (header
 * overflow, malformed request lines, timeouts) still get the one JSON error
 * shape; Fastify's default uses `statusCode`. Nothing from the request is
 * echoed or logged: its raw bytes may hold a token.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 408 ? 'request not received in time' : status === 431 ? 'request headers too large' : 'malformed HTTP request';
  const body = JSON.stringify({ error: errorCode(status), message, status_code: status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const logger =
    deps.logger ??
    createLogger({
      service: config.service.name,
      environment: config.service.environment,
      level: process.env.LOG_LEVEL,
      scrub: createScrubber(secretsOf(config)),
    });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Access logs are ours (onResponse below): probe paths at DEBUG, in the contract's shape.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestIdOf,
    bodyLimit: 16 * 1024,
    routerOptions: { maxParamLength: 128 },
    return503OnClosing: true,
    // Fastify's default of 0 means a client that announces a body and never sends it holds its socket forever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Node arms its request timer only from createServer's options (Fastify sets the property too late),
    // and sweeps for expired requests every connectionsCheckingInterval (30 s by default).
    http: { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // Bad percent-encoding and over-long params never reach the error handler: give them the one error shape too.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode ?? 400;
      reply.header('x-request-id', req.id).header('cache-control', 'no-store');
      // Fastify's own messages quote the raw path back; ours do not.
      sendError(reply, status, FRAMEWORK_MESSAGES[err.code] ?? errorCode(status));
    },
    clientErrorHandler: answerClientError,
  });

  const store = createResultStore(config.checks);
  const entries = config.checks.map((c) => ({
    config: c,
    checker: createChecker(c, { logger: app.log.child({ check: c.name, type: c.type }) }),
  }));
  const scheduler = createScheduler({ entries, store, logger: app.log });
  const metrics = createMetrics({ snapshot: () => store.snapshot(), defaultMetrics: deps.defaultMetrics });
  store.onResult((name, result, state) => metrics.observeProbe(name, state.type, result));
  logStatusChanges(store, app.log);
  const history = createHistory(config, { logger: app.log });
  feedHistory(store, history);

  const ctx: HealthContext = { config, store, scheduler, metrics, lifecycle: { shuttingDown: false, startedAt: Date.now() }, history };
  app.decorate('health', ctx);

  // Registered before under-pressure so even a shed request gets its id, no-store and metrics.
  const probePaths = new Set<string>();
  // Per-request work stays small and allocation-light: no closures, no properties added
  // to the request object (that would change its hidden class on every request).
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
    req.log[level]({ duration_ms: Math.round(elapsedMs * 100) / 100, context: { method, route, status_code: reply.statusCode } }, 'request completed');
    done();
  });

  await app.register(underPressure, {
    maxEventLoopDelay: config.pressure.maxEventLoopDelay,
    maxHeapUsedBytes: config.pressure.maxHeapUsedBytes,
    maxRssBytes: config.pressure.maxRssBytes,
    pressureHandler: (req, reply, type) => {
      req.log.warn({ context: { pressure: type } }, 'request shed: under pressure');
      reply.header('retry-after', '10');
      sendError(reply, 503, 'service under pressure, retry later');
    },
  });

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
  const routeOpts = { ctx, probePaths };
  await app.register(healthRoutes, routeOpts);
  await app.register(probeRoutes, routeOpts);
  await app.register(metricsRoutes, routeOpts);
  await app.register(statusRoutes, routeOpts);

  app.addHook('onReady', async () => {
    if (config.checks.length === 0) app.log.warn('no dependency checks are configured: set DATABASE_URL, REDIS_URL, S3_BUCKET or BULLMQ_QUEUES, or pass --config');
    scheduler.start();
  });
  app.addHook('onClose', async () => {
    await scheduler.stop();
    await Promise.allSettled(entries.map((e) => e.checker.close()));
    await history.close();
  });
  return app;
}
