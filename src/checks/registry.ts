/**
 * Check type -> factory: the only place that knows every check type.
 * Modules load on first use: the AWS SDK and BullMQ are large, and a service
 * that checks only PostgreSQL should not carry them in its heap (a bigger old
 * space makes every major GC dearer, which showed in the benchmark).
 */
import type { CheckConfig, CheckDeps, CheckFactory, CheckType, Checker } from '../types';

/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: { readonly [T in CheckType]: () => CheckFactory<Extract<CheckConfig, { type: T }>> } = {
  postgres: () => (require('./postgres') as typeof import('./postgres')).createPostgresCheck,
  redis: () => (require('./redis') as typeof import('./redis')).createRedisCheck,
  s3: () => (require('./s3') as typeof import('./s3')).createS3Check,
  http: () => (require('./http') as typeof import('./http')).createHttpCheck,
  bullmq: () => (require('./bullmq') as typeof import('./bullmq')).createBullmqCheck,
  tcp: () => (require('./tcp') as typeof import('./tcp')).createTcpCheck,
  heartbeat: () => (require('./heartbeat') as typeof import('./heartbeat')).createHeartbeatCheck,
  disk: () => (require('./disk') as typeof import('./disk')).createDiskCheck,
};

export function createChecker(config: CheckConfig, deps: CheckDeps): Checker {
  const factory = LOADERS[config.type]() as CheckFactory;
  return factory(config, deps);
}
