/** Summary, detailed, one check, refresh: thin readers of the store's snapshot. */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Snapshot } from '../types';
import { bearerAuth } from '../http/auth';
import type { RouteOptions } from '../context';
import { sendError } from '../http/errors';
import { httpStatusFor, prepareSummary, type Prepared } from './views';
import { createBodies } from './bodies';
import { pathsFor } from './paths';
import { checkEntrySchema, checkNameSchema, detailedSchema, errorSchema, summarySchema } from './schemas';

const JSON_TYPE = 'application/json; charset=utf-8';
const HEALTH_JSON = 'application/health+json';

function wantsHealthJson(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.toLowerCase().includes(HEALTH_JSON);
}

/** Below this a body is joined and sent as one buffer; above it, its parts are streamed as they are. */
const STREAM_ABOVE_BYTES = 64 * 1024;

/**
 * Sends a prepared body. A large one is written as a stream of the cached
 * buffers with its length declared, so serving a multi-megabyte detailed body
 * allocates nothing per request (a per-request 3 MB copy made the collector
 * run constantly at 50 req/s).
 */
function sendPrepared(reply: FastifyReply, body: Prepared, now: Date) {
  const length = body.byteLength();
  if (length <= STREAM_ABOVE_BYTES) return reply.send(body.bytes(now));
  // Every part pushed at once (they are in memory already): no async iteration step per part.
  const stream = new Readable({ read() {} });
  for (const p of body.parts(now)) stream.push(p);
  stream.push(null);
  return reply.header('content-length', length).send(stream);
}

export async function healthRoutes(app: FastifyInstance, { ctx, probePaths }: RouteOptions) {
  const { config, store, scheduler, pressure } = ctx;
  const paths = pathsFor(config);
  const info = config.service;
  const auth = bearerAuth(config.server.detailsToken);
  const guarded = auth ? { preHandler: auth } : {};

  // Serialised once per snapshot (the store rebuilds it at most a few times a second), never per request;
  // and again when the active maintenance windows change (the operator store keeps one array while they do not).
  const operator = ctx.operator;
  const bodies = createBodies(info, operator ? { inMaintenance: (name) => operator.inMaintenance(name), maintenanceKey: () => operator.windows('active') } : {});

  const sendDetailed = (reply: FastifyReply, accept: string | undefined) => {
    const snap = store.snapshot();
    reply.code(httpStatusFor(snap));
    const b = bodies.of(snap);
    if (wantsHealthJson(accept)) return reply.type(HEALTH_JSON).send(b.healthJson());
    return sendPrepared(reply.type(JSON_TYPE), b.detailed, new Date());
  };

  // The summary has its own cache: Pingdom polling it must not build the detailed body (megabytes
  // with thousands of checks) for every snapshot when nobody reads detailed.
  let summary: { readonly snap: Snapshot; readonly body: Prepared } | null = null;
  probePaths.add(paths.summary);
  app.get(paths.summary, { schema: { response: { 200: summarySchema, 503: summarySchema } } }, (req, reply) => {
    if (pressure.shed(req, reply)) return reply;
    const snap = store.snapshot();
    if (summary?.snap !== snap) summary = { snap, body: prepareSummary(snap, info) };
    return reply.code(httpStatusFor(snap)).type(JSON_TYPE).send(summary.body.render(new Date()));
  });

  app.get(
    paths.detailed,
    { ...guarded, schema: { response: { 200: detailedSchema, 503: detailedSchema, 401: errorSchema } } },
    (req, reply) => (pressure.shed(req, reply) ? reply : sendDetailed(reply, req.headers.accept)),
  );

  app.get<{ Params: { name: string } }>(
    paths.check,
    {
      ...guarded,
      schema: {
        params: { type: 'object', properties: { name: checkNameSchema }, required: ['name'] },
        response: { 200: checkEntrySchema, 401: errorSchema, 404: errorSchema },
      },
    },
    (req, reply) => {
      if (pressure.shed(req, reply)) return reply;
      const state = store.get(req.params.name);
      if (!state) return sendError(reply, 404, `no check named ${req.params.name}`);
      return reply.type(JSON_TYPE).send(bodies.check(state));
    },
  );

  app.post(
    paths.refresh,
    { ...guarded, schema: { response: { 200: detailedSchema, 503: detailedSchema, 401: errorSchema } } },
    async (req, reply) => {
      if (pressure.shed(req, reply)) return reply;
      // Concurrent callers share one run; a check already probing is awaited, not started twice.
      // In a cluster this member probes every check itself (owned or not) and publishes the results,
      // so the answer never waits on an owner or on the database (CONTRACT §5.6).
      await scheduler.refresh();
      return sendDetailed(reply, req.headers.accept);
    },
  );
}
