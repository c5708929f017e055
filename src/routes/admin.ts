/**
 * The operator API (CONTRACT §4.7): incidents with updates and maintenance
 * windows. Writes need `Authorization: Bearer <server.adminToken>` (checked
 * in onRequest, before the body is read: an anonymous caller cannot make us
 * parse 64 KiB); with no token configured they answer 403 admin_disabled.
 * Reads are public and show no hidden check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteOptions } from '../context';
import { bearerAuth } from '../http/auth';
import { corsFor } from '../http/cors';
import { errorSchema, sendError } from '../http/errors';
import type { OperatorService } from '../status/operator';
import { incidentListSchema, incidentSchema, windowListSchema, windowSchema } from '../status/operator/schemas';
import type { MaintenanceWindow } from '../status/operator/types';
import { checkListQuery, checkNewIncident, checkNewUpdate, checkNewWindow } from '../status/operator/validate';
import { impactOf } from '../status/public/components';
import { allIncidents, findIncident, pageOfIncidents } from '../status/public/incidents';

export interface AdminRouteOptions extends RouteOptions {
  readonly operator: OperatorService;
}

export const ADMIN_PATHS = {
  incidents: '/api/status/incidents',
  incident: '/api/status/incidents/:id',
  updates: '/api/status/incidents/:id/updates',
  maintenances: '/api/status/maintenances',
  maintenance: '/api/status/maintenances/:id',
} as const;

/** Operator bodies may be this large (the server's default limit is 16 KiB). */
const BODY_LIMIT = 64 * 1024;
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z0-9_-]{1,120}$' } }, required: ['id'] } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema };

function adminGuard(token: string) {
  if (token === '') {
    return async (_req: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, 403, 'the operator API is disabled: set server.adminToken to enable it', 'admin_disabled');
  }
  return bearerAuth(token, 'operator API request refused')!;
}

export async function adminRoutes(app: FastifyInstance, opts: AdminRouteOptions) {
  const { ctx, operator } = opts;
  const { config, store } = ctx;
  const known = new Set(config.checks.map((c) => c.name));
  const hidden = new Set(config.statusPage.hidden);
  const write = { onRequest: adminGuard(config.server.adminToken), bodyLimit: BODY_LIMIT };
  // The public reads are part of the status page's API: a widget on corsOrigins may read them too.
  const cors = corsFor(config.server.corsOrigins);

  // A write that storage did not take is the caller's to retry: say so, never a bare 500.
  const durable = async <T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> => {
    try {
      return await work();
    } catch (err) {
      reply.request.log.error({ err }, 'operator write failed');
      return sendError(reply, 503, 'operator storage unavailable, retry later');
    }
  };

  app.post(ADMIN_PATHS.incidents, { ...write, schema: { response: { 201: incidentSchema, ...errors } } }, async (req, reply) => {
    const body = checkNewIncident(req.body, known);
    if (!body.ok) return sendError(reply, 400, body.message);
    const { impact, ...rest } = body.value;
    const resolved = impact ?? impactOf(store.snapshot(), rest.components, (c) => operator.inMaintenance(c));
    const incident = await durable(reply, () => operator.createIncident({ ...rest, impact: resolved }));
    return reply.sent ? reply : reply.code(201).send(incident);
  });

  app.post<{ Params: { id: string } }>(
    ADMIN_PATHS.updates,
    { ...write, schema: { params: idParams, response: { 201: incidentSchema, ...errors } } },
    async (req, reply) => {
      const body = checkNewUpdate(req.body);
      if (!body.ok) return sendError(reply, 400, body.message);
      const incident = await durable(reply, () => operator.addUpdate(req.params.id, body.value));
      if (reply.sent) return reply;
      if (!incident) return sendError(reply, 404, 'no operator incident with that id');
      return reply.code(201).send(incident);
    },
  );

  app.get(ADMIN_PATHS.incidents, { schema: { response: { 200: incidentListSchema, 400: errorSchema } } }, async (req, reply) => {
    cors(req, reply);
    const q = checkListQuery(req.query as Record<string, unknown>, ['unresolved', 'resolved', 'all']);
    if (!q.ok) return sendError(reply, 400, q.message);
    const incidents = pageOfIncidents(allIncidents(ctx), q.value);
    if (incidents === null) return sendError(reply, 400, 'before: no incident with that id');
    return { incidents };
  });

  app.get<{ Params: { id: string } }>(
    ADMIN_PATHS.incident,
    { schema: { params: idParams, response: { 200: incidentSchema, 400: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      cors(req, reply);
      return findIncident(ctx, req.params.id) ?? sendError(reply, 404, 'no incident with that id');
    },
  );

  app.post(ADMIN_PATHS.maintenances, { ...write, schema: { response: { 201: windowSchema, ...errors } } }, async (req, reply) => {
    const body = checkNewWindow(req.body, known, Date.now());
    if (!body.ok) return sendError(reply, 400, body.message);
    const window = await durable(reply, () => operator.scheduleMaintenance(body.value));
    return reply.sent ? reply : reply.code(201).send(window);
  });

  app.delete<{ Params: { id: string } }>(
    ADMIN_PATHS.maintenance,
    { ...write, schema: { params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (req, reply) => {
      const done = await durable(reply, () => operator.cancelMaintenance(req.params.id));
      if (reply.sent) return reply;
      if (!done) return sendError(reply, 404, 'no one-off maintenance window with that id');
      return reply.code(204).send();
    },
  );

  const publicWindow = (w: MaintenanceWindow): MaintenanceWindow | null => {
    if (!w.components.some((c) => hidden.has(c))) return w;
    const components = w.components.filter((c) => !hidden.has(c));
    return components.length === 0 ? null : { ...w, components };
  };

  app.get(ADMIN_PATHS.maintenances, { schema: { response: { 200: windowListSchema, 400: errorSchema } } }, async (req, reply) => {
    cors(req, reply);
    const state = (req.query as Record<string, unknown>).state ?? 'all';
    if (state !== 'all' && state !== 'upcoming' && state !== 'active' && state !== 'completed') {
      return sendError(reply, 400, 'state: is not one of upcoming, active, completed, all');
    }
    const windows = operator.windows(state === 'all' ? undefined : state);
    return { maintenances: windows.map(publicWindow).filter((w) => w !== null) };
  });
}
