/** Readiness and liveness: what Kubernetes and load balancers ask every few seconds. */
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context';
import { sendError } from '../http/errors';
import { decideReadiness, decideSelfReadiness, type ReadinessResult } from './readiness';
import type { Snapshot } from '../types';
import { pathsFor } from './paths';
import { errorSchema, livenessSchema, readinessSchema } from './schemas';

interface ReadinessQuery {
  exclude?: string[];
  verbose?: string;
  self?: string;
}

const NO_EXCLUDE: ReadonlySet<string> = new Set();

const flag = (value: string | undefined) => value !== undefined && !/^(false|0|no)$/i.test(value);

export async function probeRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  const { config, store, scheduler, lifecycle, cluster, pressure } = ctx;
  const paths = pathsFor(config);
  const known = new Set(config.checks.map((c) => c.name));
  probePaths.add(paths.readiness).add(paths.liveness);
  let plain: { snap: Snapshot; shuttingDown: boolean; underPressure: boolean; result: ReadinessResult } | null = null;

  app.get<{ Querystring: ReadinessQuery }>(
    paths.readiness,
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            exclude: { type: 'array', items: { type: 'string', maxLength: 63 }, maxItems: 64 },
            verbose: { type: 'string', maxLength: 8 },
            self: { type: 'string', maxLength: 8 },
          },
        },
        response: { 200: readinessSchema, 503: readinessSchema, 400: errorSchema },
      },
    },
    (req, reply) => {
      const query = req.query;
      const exclude = query.exclude === undefined ? NO_EXCLUDE : new Set(query.exclude);
      if (exclude.size > 0) {
        const unknown = [...exclude].filter((n) => !known.has(n));
        // A typo in a probe's ?exclude= would silently exclude nothing: say so instead.
        if (unknown.length > 0) return sendError(reply, 400, `exclude names no configured check: ${unknown.join(', ')}`);
      }
      const shuttingDown = lifecycle.shuttingDown;
      const underPressure = pressure.underPressure();
      const snap = store.snapshot();
      let result: ReadinessResult;
      // ?self: the replica's own readiness, so the page stays reachable during the outage it reports.
      if (flag(query.self)) result = decideSelfReadiness(snap, { shuttingDown, underPressure, sharedLoaded: cluster?.loaded() ?? false });
      else if (exclude.size > 0) result = decideReadiness(snap, { shuttingDown, underPressure, exclude });
      else {
        // What Kubernetes asks every few seconds per pod: decided once per snapshot, not once per check per probe.
        if (plain?.snap !== snap || plain.shuttingDown !== shuttingDown || plain.underPressure !== underPressure) {
          plain = { snap, shuttingDown, underPressure, result: decideReadiness(snap, { shuttingDown, underPressure, exclude }) };
        }
        result = plain.result;
      }
      reply.code(result.ready ? 200 : 503);
      if (flag(query.verbose)) return reply.type('text/plain; charset=utf-8').send(result.lines.join('\n') + '\n');
      return result.body;
    },
  );

  app.get(
    paths.liveness,
    { schema: { response: { 200: livenessSchema, 503: livenessSchema } } },
    (_req, reply) => {
      const uptime_s = Math.round(process.uptime() * 10) / 10;
      // Only the scheduler's own health counts: a database outage must not get the pod restarted.
      if (scheduler.stalled()) return reply.code(503).send({ status: 'error', reason: 'scheduler_stalled', uptime_s });
      return { status: 'ok', uptime_s };
    },
  );
}
