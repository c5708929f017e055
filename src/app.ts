/**
 * buildApp(config) -> a ready-to-listen Fastify instance: store, scheduler,
 * checkers, metrics, history, logging and routes wired together. The process
 * side (listen, signals) lives in server.ts so tests can use app.inject().
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { HealthContext } from './context';
import { createHistory, feedHistory } from './status/history';
import { installErrorHandling, installPressure, installRequestHooks } from './http/hooks';
import { serverOptions } from './http/server-options';
import { createLogger } from './observability/logging';
import { accessLogFor } from './observability/access-log';
import { createMetrics } from './observability/metrics';
import { createProbing } from './scheduler/probing';
import { createScrubber, secretsOf } from './observability/redact';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { probeRoutes } from './routes/probes';
import { statusRoutes } from './routes/status';
import { logStatusChanges } from './observability/status-log';
import type { Config } from './types';

export interface AppDeps {
  /** A pino logger (tests pass one writing to a stream). Default: JSON to stdout at $LOG_LEVEL. */
  readonly logger?: PinoLogger;
  /** Collect prom-client's default process metrics. Default true. */
  readonly defaultMetrics?: boolean;
  /** Where the cgroup files are (health_process_memory_limit_bytes). Default /sys/fs/cgroup, for this process. */
  readonly cgroupRoot?: string;
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const logger =
    deps.logger ??
    createLogger({
      service: config.service.name,
      environment: config.service.environment,
      level: process.env.LOG_LEVEL,
      scrub: createScrubber(secretsOf(config)),
    });
  const app = Fastify(serverOptions(logger as FastifyBaseLogger));

  const probing = createProbing(config.checks, app.log);
  const { store, scheduler } = probing;
  const metrics = createMetrics({ snapshot: () => store.snapshot(), defaultMetrics: deps.defaultMetrics, cgroupRoot: deps.cgroupRoot });
  store.onResult((name, result, state) => metrics.observeProbe(name, state.type, result));
  logStatusChanges(store, app.log);
  const history = createHistory(config, { logger: app.log });
  feedHistory(store, history);

  const ctx: HealthContext = { config, store, scheduler, metrics, lifecycle: { shuttingDown: false, startedAt: Date.now() }, history };
  app.decorate('health', ctx);

  const probePaths = new Set<string>();
  installRequestHooks(app, { metrics, probePaths, accessLog: accessLogFor(logger) });
  await installPressure(app, config.pressure, metrics);
  installErrorHandling(app);
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
    await probing.close();
    await history.close();
  });
  return app;
}
