/** GET /status/history.atom and /status/history.rss (CONTRACT §4.9): public incident history, cacheable for a minute. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteOptions } from '../context';
import { atomFeed, rssFeed, type FeedInput } from '../status/public/feeds';
import { allIncidents } from '../status/public/incidents';

export const FEED_PATHS = { atom: '/status/history.atom', rss: '/status/history.rss' } as const;
const CACHE = 'public, max-age=60';

export async function feedRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  // Public status reads log at DEBUG, like the page: every visitor reads them, most of all during an outage.
  for (const path of Object.values(FEED_PATHS)) probePaths.add(path);
  const { config } = ctx;
  const input = (req: FastifyRequest): FeedInput => ({
    title: config.statusPage.title,
    description: config.statusPage.description,
    // Feed ids and links must be absolute: the configured public address, else the address this request came to.
    base: (config.statusPage.url || `${req.protocol}://${req.host}`).replace(/\/$/, ''),
    incidents: allIncidents(ctx),
    now: Date.now(),
  });
  const schema = { response: { 200: { type: 'string' } } };
  app.get(FEED_PATHS.atom, { schema }, (req, reply) =>
    reply.type('application/atom+xml; charset=utf-8').header('cache-control', CACHE).send(atomFeed(input(req))),
  );
  app.get(FEED_PATHS.rss, { schema }, (req, reply) =>
    reply.type('application/rss+xml; charset=utf-8').header('cache-control', CACHE).send(rssFeed(input(req))),
  );
}
