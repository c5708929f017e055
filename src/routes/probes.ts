/** Readiness and liveness: what Kubernetes and load balancers ask every few seconds. */
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context';
import { sendError } from '../http/errors';
import { decideReadiness } from './readiness';
import { pathsFor } from './paths';
import { errorSchema, livenessSchema, readinessSchema } from './schemas';

interface ReadinessQuery {
  exclude?: string[];
  verbose?: string;
}

/** Per-route under-pressure override: never shed; the handler decides. */
const notShed = { pressureHandler: () => undefined };

export async function probeRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  const { config, store, scheduler, lifecycle } = ctx;
  const paths = pathsFor(config);
  const known = new Set(config.checks.map((c) => c.name));
  probePaths.add(paths.readiness).add(paths.liveness);

  app.get<{ Querystring: ReadinessQuery }>(
    paths.readiness,
    {
      config: notShed,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            exclude: { type: 'array', items: { type: 'string', maxLength: 63 }, maxItems: 64 },
            verbose: { type: 'string', maxLength: 8 },
          },
        },
        response: { 200: readinessSchema, 503: readinessSchema, 400: errorSchema },
      },
    },
    (req, reply) => {
      const exclude = new Set(req.query.exclude ?? []);
      const unknown = [...exclude].filter((n) => !known.has(n));
      // A typo in a probe's ?exclude= would silently exclude nothing: say so instead.
      if (unknown.length > 0) return sendError(reply, 400, `exclude names no configured check: ${unknown.join(', ')}`);
      const result = decideReadiness(store.snapshot(), {
        exclude,
        shuttingDown: lifecycle.shuttingDown,
        underPressure: app.isUnderPressure(),
      });
      reply.code(result.ready ? 200 : 503);
      const verbose = req.query.verbose !== undefined && !/^(false|0|no)$/i.test(req.query.verbose);
      if (verbose) return reply.type('text/plain; charset=utf-8').send(result.lines.join('\n') + '\n');
      return result.body;
    },
  );

  app.get(
    paths.liveness,
    { config: notShed, schema: { response: { 200: livenessSchema, 503: livenessSchema } } },
    (_req, reply) => {
      const uptime_s = Math.round(process.uptime() * 10) / 10;
      // Only the scheduler's own health counts: a database outage must not get the pod restarted.
      if (scheduler.stalled()) return reply.code(503).send({ status: 'error', reason: 'scheduler_stalled', uptime_s });
      return { status: 'ok', uptime_s };
    },
  );
}
