/**
 * What happens around requests besides their start and end
 * (request-lifecycle.ts) and load shedding (pressure.ts): 404s and errors.
 * Routes stay thin because of it.
 */
import type { FastifyInstance } from 'fastify';
import { errorCode, sendError } from './errors';
import type { Pressure } from './pressure';

/** 404s and errors in the one JSON shape; never a stack. Every route must declare a response schema. */
export function installErrorHandling(app: FastifyInstance, pressure?: Pressure): void {
  app.setNotFoundHandler((req, reply) => {
    if (pressure?.shed(req, reply)) return;
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
