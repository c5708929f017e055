/**
 * buildApp(config) -> a ready-to-listen Fastify instance: store, scheduler,
 * checkers, metrics, history, logging and routes wired together. The process
 * side (listen, signals) lives in server.ts so tests can use app.inject().
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { HealthContext } from './context';
import { createHistory, feedHistory } from './status/history';
import { installErrorHandling } from './http/hooks';
import { createPressure } from './http/pressure';
import { RequestLifecycle } from './http/request-lifecycle';
import { serverOptions } from './http/server-options';
import { createLogger } from './observability/logging';
import { accessLogFor } from './observability/access-log';
import { createMetrics } from './observability/metrics';
import { createNotifications } from './notify';
import { createProbing } from './scheduler/probing';
import { createCluster } from './cluster/cluster';
import { clusterRoutes } from './routes/cluster';
import { createScrubber, secretsOf } from './observability/redact';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { probeRoutes } from './routes/probes';
import { statusRoutes } from './routes/status';
import { createPingStore } from './heartbeat';
import { heartbeatRoutes } from './routes/heartbeats';
import { adminRoutes } from './routes/admin';
import { v2Routes } from './routes/v2';
import { feedRoutes } from './routes/feeds';
import { badgeRoutes } from './routes/badges';
import { createOperator } from './status/operator';
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
  const scrub = createScrubber(secretsOf(config));
  const logger =
    deps.logger ??
    createLogger({
      service: config.service.name,
      environment: config.service.environment,
      level: process.env.LOG_LEVEL,
      scrub,
    });
  const log = logger as FastifyBaseLogger;

  const cluster = config.cluster ? createCluster(config, { logger: log }) : null;
  const pings = createPingStore(config, log);
  const probing = createProbing(config.checks, log, { cluster, heartbeats: pings });
  const { store, scheduler } = probing;
  const operator = createOperator(config, { logger: log });
  const metrics = createMetrics({
    snapshot: () => store.snapshot(),
    defaultMetrics: deps.defaultMetrics,
    inMaintenance: (c) => operator.inMaintenance(c),
    cluster: cluster ? () => cluster.gauges() : undefined,
    cgroupRoot: deps.cgroupRoot,
  });
  store.onResult((name, result, state) => metrics.observeProbe(name, state.type, result));
  logStatusChanges(store, log);
  const history = createHistory(config, { logger: log });
  // Maintenance windows count neither for nor against uptime.
  feedHistory(store, history, { inMaintenance: (check, at) => operator.inMaintenance(check, at) });

  const notifications = createNotifications(config, { store, logger: log, metrics, operator });

  const probePaths = new Set<string>();
  const app = Fastify(serverOptions(log, new RequestLifecycle({ metrics, probePaths, accessLog: accessLogFor(logger) })));
  const pressure = createPressure(config.pressure, metrics);
  const ctx: HealthContext = { config, store, scheduler, metrics, lifecycle: { shuttingDown: false, startedAt: Date.now() }, history, operator, cluster, pressure };
  app.decorate('health', ctx);

  installErrorHandling(app, pressure);
  const routeOpts = { ctx, probePaths };
  // What answers from the snapshot in memory, every few seconds per monitor: shedding is decided in
  // the handler (or never: liveness, /metrics), without under-pressure's per-request hook.
  await app.register(healthRoutes, routeOpts);
  await app.register(probeRoutes, routeOpts);
  await app.register(metricsRoutes, routeOpts);
  // Everything else is shed by under-pressure's hook, registered in this scope only.
  await app.register(async (shedding) => {
    await pressure.install(shedding);
    await shedding.register(statusRoutes, routeOpts);
    await shedding.register(heartbeatRoutes, { ...routeOpts, pings, scrub });
    await shedding.register(clusterRoutes, routeOpts);
    // statusPage.enabled=false: every public status route (and the operator API under /api/status) is a 404.
    if (config.statusPage.enabled) {
      await shedding.register(adminRoutes, { ...routeOpts, operator });
      await shedding.register(v2Routes, routeOpts);
      await shedding.register(feedRoutes, routeOpts);
      await shedding.register(badgeRoutes, routeOpts);
    }
  });

  app.addHook('onReady', async () => {
    if (config.checks.length === 0) app.log.warn('no dependency checks are configured: set DATABASE_URL, REDIS_URL, S3_BUCKET or BULLMQ_QUEUES, or pass --config');
    pings.start();
    cluster?.start(store, scheduler);
    scheduler.start();
  });
  app.addHook('onClose', async () => {
    await probing.close();
    await cluster?.close();
    await notifications.close();
    await history.close();
    await pings.close();
    await operator.close();
  });
  return app;
}
