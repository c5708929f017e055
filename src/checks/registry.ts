/** Check type -> factory: the only place that knows every check type. */
import type { CheckConfig, CheckDeps, CheckFactory, CheckType, Checker } from '../types';
import { createBullmqCheck } from './bullmq';
import { createHttpCheck } from './http';
import { createPostgresCheck } from './postgres';
import { createRedisCheck } from './redis';
import { createS3Check } from './s3';
import { createTcpCheck } from './tcp';

const FACTORIES: { readonly [T in CheckType]: CheckFactory<Extract<CheckConfig, { type: T }>> } = {
  postgres: createPostgresCheck,
  redis: createRedisCheck,
  s3: createS3Check,
  http: createHttpCheck,
  bullmq: createBullmqCheck,
  tcp: createTcpCheck,
};

export function createChecker(config: CheckConfig, deps: CheckDeps): Checker {
  const factory = FACTORIES[config.type] as CheckFactory;
  return factory(config, deps);
}
