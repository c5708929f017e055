/**
 * The public status page (CONTRACT §4.6): GET /api/status, the Server-Sent
 * Events stream GET /api/status/stream, GET /status (the page) and
 * /favicon.ico. No token: nothing here carries an error text, details or a
 * host; hidden checks never appear. CORS only for server.corsOrigins. With
 * statusPage.enabled false none of these routes exist (404).
 *
 * Cost: the document is built once per status change (or every bodyTtlMs,
 * as uptime moves), with an ETag and gzip/brotli forms made once; answers
 * are publicly cacheable for a few seconds so a CDN can front them.
 */
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteOptions } from '../context';
import { corsFor } from '../http/cors';
import { errorSchema, sendError } from '../http/errors';
import { buildStatusBody, MAX_INCIDENT_LIMIT, type StatusBody, visibleChecks } from '../status/page/body';
import { createBroadcaster, sseEvent } from '../status/page/broadcast';
import { faviconSvg } from '../status/page/favicon';
import { renderContent } from '../status/page/render';
import { statusBodySchema } from '../status/page/schema';
import { componentState, pageState } from '../status/page/state';
import { etagOf, sendVariant, variant, type Variant } from '../status/page/variant';
import type { Snapshot } from '../types';
import { STATUS_PAGE_CSP, statusPageHtml } from './status-page';

export const STATUS_PATHS = { api: '/api/status', stream: '/api/status/stream', page: '/status', favicon: '/favicon.ico' } as const;

export interface StatusRouteOptions extends RouteOptions {
  /** Open event streams at most; beyond, the page is told to poll. Default 1000. */
  readonly maxStreams?: number;
  /** ms between SSE pings (keeps proxies from timing the stream out; the page watches them). Default 15 s. */
  readonly heartbeatMs?: number;
  /** ms a built document is reused while no check's status changed. Default 5 s. */
  readonly bodyTtlMs?: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
/** Short, so a CDN may front the page and serve it while the service is down, but never hides a change for long. */
export const STATUS_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30, stale-if-error=300';
/** Seconds a viewer over the stream cap waits before trying the stream again. */
const BUSY_RETRY_S = 30;
const preflightSchema = { response: { 204: { type: 'null' } } };
const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_INCIDENT_LIMIT },
    before: { type: 'string', minLength: 1, maxLength: 300 },
    fragment: { type: 'string', maxLength: 5 },
  },
} as const;
type ListQuery = { limit?: number; before?: string; fragment?: string };

export async function statusRoutes(app: FastifyInstance, opts: StatusRouteOptions) {
  const { ctx, probePaths } = opts;
  const { config, store, history } = ctx;
  if (!config.statusPage.enabled) return;
  const maxStreams = opts.maxStreams ?? 1000;
  const bodyTtlMs = opts.bodyTtlMs ?? 5_000;
  const cors = corsFor(config.server.corsOrigins);
  const hidden = new Set(config.statusPage.hidden);
  const displayName = new Map(config.checks.map((c) => [c.name, c.displayName]));
  // Every viewer's browser reads these: their access lines go to DEBUG, like probes.
  for (const p of Object.values(STATUS_PATHS)) probePaths.add(p);
  // Pre-compressed answers set Content-Encoding themselves (the plugin then leaves them); this covers the rest.
  await app.register(compress, { global: true, threshold: 1024 });

  // Bumped by every operator write: an incident or window changes the document without any check's status changing.
  let operatorVersion = 0;
  const keyOf = (snap: Snapshot) => `${operatorVersion}|${snap.checks.map((c) => (hidden.has(c.name) ? '' : `${c.status}${c.checkedAt === null ? '?' : ''}`)).join(',')}`;
  let cached: { snap: Snapshot; key: string; at: number; body: StatusBody; json: Variant; page?: Variant; fragment?: Variant } | null = null;

  const build = (extra: { limit?: number; before?: string } = {}) =>
    buildStatusBody({ snap: store.snapshot(), config, history, operator: ctx.operator, now: Date.now(), ...extra });
  const current = () => {
    const snap = store.snapshot();
    const now = Date.now();
    if (cached && cached.snap !== snap) {
      const key = keyOf(snap);
      if (key === cached.key) cached.snap = snap;
      else cached = null;
    }
    if (!cached || now - cached.at >= bodyTtlMs) {
      const body = build();
      const { updated_at: _at, ...rest } = body;
      // The ETag ignores updated_at: a rebuild that changed nothing else is still a 304.
      const tag = etagOf(JSON.stringify(rest));
      cached = { snap, key: keyOf(snap), at: now, body, json: variant(JSON.stringify(body), JSON_TYPE, tag) };
    }
    return cached;
  };
  const pageTag = (c: NonNullable<typeof cached>, suffix: string) => `${c.json.etag.slice(0, -1)}-${suffix}"`;

  const preflight = (req: FastifyRequest, reply: FastifyReply) => {
    if (cors(req, reply)) {
      reply
        .header('access-control-allow-methods', 'GET, OPTIONS')
        .header('access-control-allow-headers', 'Cache-Control, Last-Event-ID, If-None-Match')
        .header('access-control-max-age', '600');
    }
    // Denied origins get no allow headers: the browser then refuses, which is the point.
    return reply.code(204).send();
  };
  app.options(STATUS_PATHS.api, { schema: preflightSchema }, preflight);
  app.options(STATUS_PATHS.stream, { schema: preflightSchema }, preflight);

  app.get<{ Querystring: ListQuery }>(
    STATUS_PATHS.api,
    { schema: { querystring: listQuery, response: { 200: statusBodySchema, 304: { type: 'null' }, 400: errorSchema } } },
    (req, reply) => {
      cors(req, reply);
      const { limit, before } = req.query;
      if (limit === undefined && before === undefined) return sendVariant(req, reply, current().json, STATUS_CACHE_CONTROL);
      // Older pages of incidents: rare, built on demand.
      return sendVariant(req, reply, variant(JSON.stringify(build({ limit, before })), JSON_TYPE), STATUS_CACHE_CONTROL);
    },
  );

  const broadcaster = createBroadcaster({ max: maxStreams, heartbeatMs: opts.heartbeatMs ?? 15_000 });
  app.addHook('preClose', async () => broadcaster.endAll());
  const visibleComponents = () =>
    visibleChecks(store.snapshot(), config).map(({ state, check }) => ({
      name: state.name,
      status: state.status,
      critical: check.critical,
      checked: state.checkedAt !== null,
      maintenance: ctx.operator?.inMaintenance(state.name) ?? false,
    }));
  const stateNow = (components = visibleComponents()) =>
    pageState(components, ctx.operator?.incidents({ state: 'unresolved', limit: MAX_INCIDENT_LIMIT }) ?? []);

  // One listener for every stream: the change is serialised once. Events carry the change so pages apply it without refetching.
  const offChange = store.onStatusChange((prev, next) => {
    if (hidden.has(next.name) || broadcaster.size === 0) return;
    const components = visibleComponents();
    const mine = components.find((c) => c.name === next.name);
    broadcaster.send(
      sseEvent('status', {
        name: next.name,
        display_name: displayName.get(next.name) ?? next.name,
        status: next.status,
        previous: prev.status,
        component_state: mine ? componentState(mine) : null,
        overall: store.snapshot().status,
        state: stateNow(components),
        at: new Date().toISOString(),
      }),
    );
  });
  const offOperator = ctx.operator?.onEvent((e) => {
    operatorVersion += 1;
    broadcaster.send(sseEvent('operator', { kind: e.kind, action: e.action, state: stateNow() }));
  });
  app.addHook('onClose', async () => {
    offChange();
    offOperator?.();
  });

  app.get(
    STATUS_PATHS.stream,
    { compress: false, schema: { response: { 200: { type: 'string' }, 503: errorSchema } } },
    (req, reply) => {
      cors(req, reply);
      const components = visibleComponents();
      const snapshot = {
        status: store.snapshot().status,
        state: stateNow(components),
        ping_s: (opts.heartbeatMs ?? 15_000) / 1000,
        components: components.map((c) => ({ name: c.name, status: c.status, checked: c.checked, maintenance: c.maintenance })),
      };
      // retry: how long a browser waits before reconnecting on its own; then the state as it is now.
      const stream = broadcaster.open(`retry: 5000\n\n${sseEvent('snapshot', snapshot)}`);
      reply.header('cache-control', 'no-store').header('x-accel-buffering', 'no');
      if (!stream) {
        reply.header('retry-after', String(BUSY_RETRY_S));
        // An EventSource would treat a 503 as final and say nothing: tell the page, in its own protocol, to poll and come back.
        if (!String(req.headers.accept ?? '').includes('text/event-stream')) return sendError(reply, 503, 'too many open status streams, retry later');
        return reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .send(`retry: ${BUSY_RETRY_S * 1000}\n\n${sseEvent('busy', { retry_s: BUSY_RETRY_S, state: snapshot.state })}`);
      }
      reply.raw.once('close', () => stream.destroy());
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        // nginx and friends buffer responses by default: an event would arrive late or never.
        .send(stream);
    },
  );

  const pageHeaders = (reply: FastifyReply) =>
    reply.header('content-security-policy', STATUS_PAGE_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

  app.get<{ Querystring: ListQuery }>(
    STATUS_PATHS.page,
    { schema: { querystring: listQuery, response: { 200: { type: 'string' }, 304: { type: 'null' }, 400: errorSchema } } },
    (req, reply) => {
      pageHeaders(reply);
      const { limit, before, fragment } = req.query;
      const html = (body: StatusBody) => (fragment !== undefined ? renderContent(body, { pagePath: 'status' }) : statusPageHtml(body));
      if (limit !== undefined || before !== undefined) return sendVariant(req, reply, variant(html(build({ limit, before })), HTML_TYPE), STATUS_CACHE_CONTROL);
      const c = current();
      const v = fragment !== undefined ? (c.fragment ??= variant(html(c.body), HTML_TYPE, pageTag(c, 'f'))) : (c.page ??= variant(html(c.body), HTML_TYPE, pageTag(c, 'p')));
      return sendVariant(req, reply, v, STATUS_CACHE_CONTROL);
    },
  );

  app.get(STATUS_PATHS.favicon, { schema: { response: { 200: { type: 'string' } } } }, (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=60').send(faviconSvg(current().body.state)),
  );
}
