/** `GET <basePath>/cluster` (CONTRACT §4.11): this replica's view of the cluster, with the detail routes' auth. */
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context';
import { bearerAuth } from '../http/auth';
import { sendError } from '../http/errors';
import { pathsFor } from './paths';
import { clusterSchema, errorSchema } from './schemas';

export async function clusterRoutes(app: FastifyInstance, { ctx }: RouteOptions) {
  const { config, cluster } = ctx;
  const auth = bearerAuth(config.server.detailsToken);
  app.get(
    pathsFor(config).cluster,
    { ...(auth ? { preHandler: auth } : {}), schema: { response: { 200: clusterSchema, 401: errorSchema, 404: errorSchema } } },
    (_req, reply) => {
      if (!cluster) return sendError(reply, 404, 'this replica is not in a cluster (no cluster section)');
      const view = cluster.view();
      return {
        mode: view.mode,
        self: { id: view.self.id, location: view.self.location, started_at: new Date(view.self.startedAt).toISOString() },
        store: view.store,
        members: view.members.map((m) => ({ id: m.id, location: m.location, last_seen: new Date(m.lastSeen).toISOString(), owned_checks: m.ownedChecks })),
      };
    },
  );
}
