/**
 * The Statuspage-compatible API (CONTRACT §4.8): read-only, public, in
 * Atlassian Statuspage's field names. Hidden checks are absent.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../context';
import { allIncidents, publicChecks } from '../status/public/incidents';
import { trackSince } from '../status/public/since';
import { v2Bodies, type V2Input } from '../status/public/statuspage';
import { V2_SCHEMAS } from '../status/public/v2-schemas';
import type { MaintenanceWindow } from '../status/operator/types';

export const V2_PATHS = {
  status: '/api/v2/status.json',
  summary: '/api/v2/summary.json',
  components: '/api/v2/components.json',
  incidents: '/api/v2/incidents.json',
  unresolved: '/api/v2/incidents/unresolved.json',
  maintenances: '/api/v2/scheduled-maintenances.json',
  upcoming: '/api/v2/scheduled-maintenances/upcoming.json',
  active: '/api/v2/scheduled-maintenances/active.json',
} as const;

export async function v2Routes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  // Public status reads log at DEBUG, like the page: every visitor reads them, most of all during an outage.
  for (const path of Object.values(V2_PATHS)) probePaths.add(path);
  const { config, store, operator } = ctx;
  // Read-only, public and credential-free, like Statuspage's own API: any page's widget may read it.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  const tracker = trackSince(store, ctx.lifecycle.startedAt);
  app.addHook('onClose', async () => tracker.stop());
  const checks = publicChecks(ctx);
  const hidden = new Set(config.statusPage.hidden);

  const publicWindows = (): MaintenanceWindow[] =>
    (operator?.windows() ?? [])
      .map((w) => ({ ...w, components: w.components.filter((c) => !hidden.has(c)) }))
      .filter((w) => w.components.length > 0);

  const bodies = () => {
    const input: V2Input = {
      service: config.service.name,
      title: config.statusPage.title,
      url: config.statusPage.url,
      snap: store.snapshot(),
      checks,
      since: tracker.since,
      inMaintenance: (c) => operator?.inMaintenance(c) ?? false,
      incidents: allIncidents(ctx),
      windows: publicWindows(),
      startedAt: ctx.lifecycle.startedAt,
      now: Date.now(),
    };
    return v2Bodies(input);
  };

  app.get(V2_PATHS.status, { schema: { response: { 200: V2_SCHEMAS.status } } }, async () => bodies().status());
  app.get(V2_PATHS.summary, { schema: { response: { 200: V2_SCHEMAS.summary } } }, async () => bodies().summary());
  app.get(V2_PATHS.components, { schema: { response: { 200: V2_SCHEMAS.components } } }, async () => bodies().components());
  app.get(V2_PATHS.incidents, { schema: { response: { 200: V2_SCHEMAS.incidents } } }, async () => bodies().incidents());
  app.get(V2_PATHS.unresolved, { schema: { response: { 200: V2_SCHEMAS.incidents } } }, async () => bodies().unresolved());
  app.get(V2_PATHS.maintenances, { schema: { response: { 200: V2_SCHEMAS.maintenances } } }, async () => bodies().maintenances());
  app.get(V2_PATHS.upcoming, { schema: { response: { 200: V2_SCHEMAS.maintenances } } }, async () => bodies().upcoming());
  app.get(V2_PATHS.active, { schema: { response: { 200: V2_SCHEMAS.maintenances } } }, async () => bodies().active());
}
