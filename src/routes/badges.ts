/**
 * GET /api/status/badges/:name.svg, /api/status/badges/:name/uptime/:window.svg
 * and /api/status/badges/:name/shields.json (CONTRACT §4.9). Public, cacheable
 * for a minute; an unknown or hidden check is a 404 (a hidden check is not
 * even admitted to exist).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RouteOptions } from '../context';
import { errorSchema, sendError } from '../http/errors';
import { badgeWord, shieldsEndpoint, statusBadge, uptimeBadge, UPTIME_WINDOWS, type UptimeWindow } from '../status/public/badges';
import { publicChecks } from '../status/public/incidents';

export const BADGE_PATHS = {
  status: '/api/status/badges/:file',
  uptime: '/api/status/badges/:name/uptime/:file',
  shields: '/api/status/badges/:name/shields.json',
} as const;

const CACHE = 'public, max-age=60';
const SVG = 'image/svg+xml; charset=utf-8';
const svgSchema = { response: { 200: { type: 'string' }, 404: errorSchema } };

export async function badgeRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  // Public status reads log at DEBUG, like the page: every visitor reads them, most of all during an outage.
  for (const path of Object.values(BADGE_PATHS)) probePaths.add(path);
  const { store, history, operator } = ctx;
  const checks = new Map(publicChecks(ctx).map((c) => [c.name, c]));
  const word = (name: string) => badgeWord(store.get(name) ?? { status: 'unknown' }, operator?.inMaintenance(name) ?? false);
  const notFound = (reply: FastifyReply) => sendError(reply, 404, 'no such badge');

  // ":name.svg" as one parameter: check names may hold "-" and "_", which the router would split on.
  app.get<{ Params: { file: string } }>(BADGE_PATHS.status, { schema: svgSchema }, (req, reply) => {
    const name = /^(.+)\.svg$/.exec(req.params.file)?.[1];
    const check = name === undefined ? undefined : checks.get(name);
    if (!check) return notFound(reply);
    return reply.type(SVG).header('cache-control', CACHE).send(statusBadge(check.displayName, word(check.name)));
  });

  app.get<{ Params: { name: string; file: string } }>(BADGE_PATHS.uptime, { schema: svgSchema }, (req, reply) => {
    const check = checks.get(req.params.name);
    const window = /^(.+)\.svg$/.exec(req.params.file)?.[1] as UptimeWindow | undefined;
    if (!check || window === undefined || !UPTIME_WINDOWS.includes(window)) return notFound(reply);
    return reply.type(SVG).header('cache-control', CACHE).send(uptimeBadge(check.displayName, history.uptime(check.name), window));
  });

  app.get<{ Params: { name: string } }>(
    BADGE_PATHS.shields,
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { schemaVersion: { type: 'integer', enum: [1] }, label: { type: 'string' }, message: { type: 'string' }, color: { type: 'string' } },
            required: ['schemaVersion', 'label', 'message', 'color'],
          },
          404: errorSchema,
        },
      },
    },
    (req, reply) => {
      const check = checks.get(req.params.name);
      if (!check) return notFound(reply);
      return reply.header('cache-control', CACHE).send(shieldsEndpoint(check.displayName, word(check.name)));
    },
  );
}
