import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context';
import { pathsFor } from './paths';

export async function metricsRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  const path = pathsFor(ctx.config).metrics;
  probePaths.add(path);
  // Always 200 (Prometheus drops a 503 scrape) and never shed: it is how pressure gets seen.
  app.get(
    path,
    { schema: { response: { 200: { type: 'string' } } } },
    async (_req, reply) => {
      const body = await ctx.metrics.render();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    },
  );
}
