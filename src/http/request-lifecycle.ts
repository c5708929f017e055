/**
 * What every request records at its start and end: the request id and
 * no-store headers, the HTTP metrics and the access line.
 *
 * It is Fastify's log controller (the extension point Fastify calls for
 * "incoming request" and "request completed" on every request), not an
 * onRequest/onResponse hook pair: Fastify makes those two calls anyway, and
 * a hook pair adds two hook runners per request, which bare Fastify paired
 * on one core measured at about 3% of a probe request. It also sees what
 * hooks never do: requests that fail in the router (bad percent-encoding,
 * over-long parameters) before any hook runs.
 *
 * A request ends once: normally when Fastify reports it completed (on the
 * response's 'finish'); when its client goes away first (an SSE stream, a
 * client that gives up) Fastify never does, so the closing of its connection
 * finishes it, counted and logged as aborted. Without that the in-progress
 * gauge would leak one per stream. The connection, not each response,
 * carries the one 'close' listener: a keep-alive client's thousand requests
 * add and remove none.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { AccessLog } from '../observability/access-log';
import type { Metrics } from '../observability/metrics';
import { traceIdOf } from './request-id';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** The status code an abandoned request is counted under when nothing was sent yet (nginx's "client closed request"). */
const CLIENT_CLOSED = 499;

/** The requests a connection is carrying that have not ended (more than one only when a client pipelines). */
const IN_FLIGHT = Symbol('requestsInFlight');
type TrackedSocket = { [IN_FLIGHT]?: Set<FastifyReply> } & Pick<Socket, 'once'>;

export interface RequestLifecycleDeps {
  readonly metrics: Metrics;
  /** Routes whose access line is DEBUG, not INFO (filled in as the probe routes register). */
  readonly probePaths: ReadonlySet<string>;
  readonly accessLog: AccessLog;
}

export class RequestLifecycle extends LogController {
  constructor(private readonly deps: RequestLifecycleDeps) {
    // Fastify's own request lines are off: the access line below is ours, in the contract's shape.
    super({ disableRequestLogging: true, requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(req: FastifyRequest, reply: FastifyReply): void {
    this.deps.metrics.requestStarted();
    this.inFlightOn(req).add(reply);
    const trace = traceIdOf(req.raw);
    if (trace) req.log = req.log.child({ trace_id: trace });
    reply.header('x-request-id', req.id).header('cache-control', 'no-store');
  }

  override requestCompleted(_err: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (this.inFlightOn(req).delete(reply)) this.finish(req, reply, false);
  }

  private inFlightOn(req: FastifyRequest): Set<FastifyReply> {
    const socket = req.raw.socket as unknown as TrackedSocket;
    let open = socket[IN_FLIGHT];
    if (open === undefined) {
      const replies = new Set<FastifyReply>();
      open = socket[IN_FLIGHT] = replies;
      // Whatever has not ended when its connection closes was abandoned by its client.
      socket.once('close', () => {
        for (const reply of replies) this.finish(reply.request, reply, true);
        replies.clear();
      });
    }
    return open;
  }

  private finish(req: FastifyRequest, reply: FastifyReply, abandoned: boolean): void {
    const { metrics, probePaths, accessLog } = this.deps;
    const route = req.routeOptions.url ?? 'unmatched';
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    const elapsedMs = reply.elapsedTime;
    const statusCode = abandoned && !reply.raw.headersSent ? CLIENT_CLOSED : reply.statusCode;
    const headers = req.headers;
    const length = headers['content-length'];
    const sent = abandoned ? undefined : reply.getHeader('content-length');
    metrics.requestFinished(method, route, statusCode, elapsedMs / 1000, length === undefined ? 0 : Number(length) || 0, sent === undefined ? null : Number(sent));
    // Probes and scrapes arrive every few seconds; at INFO they would drown everything else.
    const level = probePaths.has(route) ? 'debug' : 'info';
    if (!accessLog.enabled(level)) return;
    accessLog({
      level,
      requestId: req.id,
      requestIdFromCaller: headers['x-request-id'] !== undefined || headers['x-trace-id'] !== undefined,
      traceId: traceIdOf(req.raw),
      durationMs: elapsedMs,
      method,
      route,
      statusCode,
      url: req.url,
      userAgent: headers['user-agent'],
      aborted: abandoned,
    });
  }
}
