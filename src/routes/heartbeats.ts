/**
 * The ping routes (CONTRACT §4.10): GET or POST
 * `<basePath>/heartbeats/:name[/start|/fail|/:code]`. Thin: find the check,
 * check its token (constant time, Bearer or ?token=), rate-limit, hand the
 * ping to the ping store. Order: 404, 401, 429 before the body is read, then
 * 413 for a body over 10 KiB. Never shed under pressure: a job's ping must
 * not be lost because the status page is busy, and a ping costs little.
 * The token is never logged: the access log names the route pattern, not the
 * URL, and the config's scrubber knows every heartbeat token.
 */
import { bearerOf, tokenDigest, tokenMatches } from '../http/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteOptions } from '../context';
import { sendError } from '../http/errors';
import type { PingStore } from '../heartbeat/ping-store';
import type { PingKind } from '../heartbeat/pings';
import { createRateLimiter } from '../heartbeat/rate-limit';
import { maskPii } from '../observability/mask';
import type { HeartbeatCheckConfig } from '../types';
import { errorSchema } from './schemas';

/** Bytes of body kept as a run's note; more is refused with 413. */
export const MAX_NOTE_BYTES = 10 * 1024;

interface PingParams {
  name: string;
  action?: string;
}
interface PingQuery {
  token?: string;
  rid?: string;
}

export interface HeartbeatRouteOptions extends RouteOptions {
  readonly pings: PingStore;
  /** Removes secrets from a note (the config's scrubber). */
  readonly scrub: (text: string) => string;
}

export async function heartbeatRoutes(app: FastifyInstance, opts: HeartbeatRouteOptions) {
  const { ctx, probePaths, pings, scrub } = opts;
  const heartbeats = new Map(
    ctx.config.checks.filter((c): c is HeartbeatCheckConfig => c.type === 'heartbeat').map((c) => [c.name, { digest: tokenDigest(c.token) }]),
  );
  const limiter = createRateLimiter(new Map(ctx.config.checks.flatMap((c) => (c.type === 'heartbeat' ? [[c.name, c.rateLimit] as const] : []))));
  const base = `${ctx.config.server.basePath}/heartbeats/:name`;
  // A job sends whatever its tool sends (curl -d is form-encoded): every body is a note, read as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_NOTE_BYTES }, (_req, body, done) => done(null, body));

  /** 404 / 401 / 429 before any body is read. */
  const admit = async (req: FastifyRequest<{ Params: PingParams; Querystring: PingQuery }>, reply: FastifyReply) => {
    const check = heartbeats.get(req.params.name);
    // The name is not echoed: a misdirected token may sit in it.
    if (!check) return sendError(reply, 404, 'no heartbeat check of that name');
    const query = req.query.token;
    // A repeated ?token= arrives as an array: only one plain string is a token.
    const given = bearerOf(req.headers.authorization) ?? (typeof query === 'string' ? query : undefined);
    if (given === undefined || !tokenMatches(given, check.digest)) {
      req.log.info({ context: { check: req.params.name, auth: given === undefined ? 'missing token' : 'wrong token' } }, 'heartbeat ping refused');
      reply.header('www-authenticate', 'Bearer realm="heartbeats"');
      return sendError(reply, 401, 'a valid heartbeat token is required (Authorization: Bearer, or ?token=)');
    }
    const waitMs = limiter.take(req.params.name);
    if (waitMs > 0) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
      return sendError(reply, 429, 'too many pings for this check, retry later');
    }
  };

  const handler = async (req: FastifyRequest<{ Params: PingParams; Querystring: PingQuery; Body?: Buffer }>, reply: FastifyReply) => {
    const ping = pingOf(req.params.action);
    if (!ping) return sendError(reply, 404, 'no such heartbeat action (start, fail, or an exit code 0..255)');
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8').trim() : '';
    try {
      await pings.ping(req.params.name, { ...ping, rid: req.query.rid ?? null, note: body === '' ? null : scrub(maskPii(body)) });
    } catch {
      reply.header('retry-after', '5');
      return sendError(reply, 503, 'heartbeat storage unavailable, retry later');
    }
    req.log.debug({ context: { check: req.params.name, kind: ping.kind, exit_code: ping.exitCode } }, 'heartbeat ping recorded');
    return { ok: true };
  };

  const schema = {
    params: {
      type: 'object',
      properties: { name: { type: 'string', maxLength: 63 }, action: { type: 'string', maxLength: 8 } },
      required: ['name'],
    },
    querystring: {
      type: 'object',
      properties: { token: { type: 'string', maxLength: 1024 }, rid: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    response: {
      200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      '4xx': errorSchema,
      503: errorSchema,
    },
  };
  for (const url of [base, `${base}/:action`]) {
    // Pings are frequent by design; their access lines go to DEBUG like probes.
    probePaths.add(url);
    app.route({
      method: ['GET', 'POST'],
      url,
      // HEAD must not count as a ping (monitors and link checkers send it).
      exposeHeadRoute: false,
      config: { pressureHandler: () => undefined },
      schema,
      onRequest: admit,
      handler,
    });
  }
}

function pingOf(action: string | undefined): { kind: PingKind; exitCode: number | null } | null {
  if (action === undefined) return { kind: 'success', exitCode: null };
  if (action === 'start') return { kind: 'start', exitCode: null };
  if (action === 'fail') return { kind: 'fail', exitCode: null };
  if (!/^\d{1,3}$/.test(action)) return null;
  const code = Number(action);
  if (code > 255) return null;
  return { kind: code === 0 ? 'success' : 'fail', exitCode: code };
}
