/**
 * Load shedding (CONTRACT §3.1 `pressure`), by @fastify/under-pressure, in
 * two ways with one answer (503 JSON, `Retry-After: 10`, counted, logged):
 *
 * - routes registered in the scope `install` is given are shed by
 *   under-pressure's own onRequest hook;
 * - the routes that answer from the snapshot in memory (probes, summary,
 *   detailed) live outside that scope and ask `shed()` in their handler. A
 *   hook runs a hook runner and reads `req.routeOptions` on every request:
 *   about 3% of a probe's or a detailed request's throughput, paired with
 *   bare Fastify on one core (bench/variants.mjs), for a decision that is one
 *   comparison of numbers under-pressure samples anyway.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { sendError } from './errors';
import type { Metrics } from '../observability/metrics';
import type { PressureConfig } from '../types';

export interface Pressure {
  /** Over a limit now (readiness reports it; liveness ignores it). */
  underPressure(): boolean;
  /** Answers this request 503 when over a limit, and says whether it did. */
  shed(req: FastifyRequest, reply: FastifyReply): boolean;
  /** Registers under-pressure in `scope`: its hook sheds that scope's routes (they may opt out via `config.pressureHandler`). */
  install(scope: FastifyInstance): Promise<void>;
}

interface Sampled {
  readonly eventLoopDelay: number;
  readonly heapUsed: number;
  readonly rssBytes: number;
}

/** The limit exceeded, named as under-pressure names it (its check order). */
function exceededLimit(m: Sampled, limits: PressureConfig): string {
  if (limits.maxEventLoopDelay > 0 && m.eventLoopDelay > limits.maxEventLoopDelay) return 'eventLoopDelay';
  if (limits.maxHeapUsedBytes > 0 && m.heapUsed > limits.maxHeapUsedBytes) return 'heapUsedBytes';
  return 'rssBytes';
}

export function createPressure(limits: PressureConfig, metrics?: Metrics): Pressure {
  let scope: FastifyInstance | null = null;
  const answer = (req: FastifyRequest, reply: FastifyReply, limit: string) => {
    req.log.warn({ context: { pressure: limit } }, 'request shed: under pressure');
    metrics?.requestShed(limit);
    reply.header('retry-after', '10');
    sendError(reply, 503, 'service under pressure, retry later');
  };
  return {
    underPressure: () => scope?.isUnderPressure() ?? false,
    shed(req, reply) {
      if (scope === null || !scope.isUnderPressure()) return false;
      answer(req, reply, exceededLimit(scope.memoryUsage(), limits));
      return true;
    },
    async install(target) {
      await target.register(underPressure, {
        maxEventLoopDelay: limits.maxEventLoopDelay,
        maxHeapUsedBytes: limits.maxHeapUsedBytes,
        maxRssBytes: limits.maxRssBytes,
        pressureHandler: (req, reply, type) => answer(req, reply, String(type)),
      });
      scope = target;
    },
  };
}
