/** The logger each request carries: Fastify's per-request child, made when the request first writes (lazy-child.ts). */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';
import { lazyChild } from './lazy-child';

/** Fastify's `childLoggerFactory`: a route with its own level or serializers gets its child at once. */
export function deferredChildLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  return lazyChild(logger, bindings);
}
