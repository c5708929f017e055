/**
 * How the HTTP server itself meets bad input, before any route runs: limits,
 * timeouts, and the one JSON error shape for what Node's parser and Fastify's
 * router reject on their own.
 */
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorCode, sendError } from './errors';
import { requestIdOf } from './request-id';
import { deferredChildLogger } from '../observability/lazy-child';
import type { RequestLifecycle } from './request-lifecycle';

/** A whole request (headers and body) must arrive within this, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;

const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'path parameter too long',
};

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (header
 * overflow, malformed request lines, timeouts) still get the one JSON error
 * shape; Fastify's default uses `statusCode`. Nothing from the request is
 * echoed or logged: its raw bytes may hold a token.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 408 ? 'request not received in time' : status === 431 ? 'request headers too large' : 'malformed HTTP request';
  const body = JSON.stringify({ error: errorCode(status), message, status_code: status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify options for a public health service: small bodies, bounded waits, no raw errors. */
export function serverOptions(logger: FastifyBaseLogger, lifecycle: RequestLifecycle): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    loggerInstance: logger,
    // Headers, metrics and access lines of every request (probe paths at DEBUG, in the contract's shape).
    logController: lifecycle,
    genReqId: requestIdOf,
    // A request's own logger is made when it first writes a line: most requests write none.
    childLoggerFactory: deferredChildLogger,
    bodyLimit: 16 * 1024,
    routerOptions: { maxParamLength: 128 },
    return503OnClosing: true,
    // Fastify's default of 0 means a client that announces a body and never sends it holds its socket forever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Node arms its request timer only from createServer's options (Fastify sets the property too late),
    // and sweeps for expired requests every connectionsCheckingInterval (30 s by default).
    http: { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // Bad percent-encoding and over-long params never reach the error handler: give them the one error shape too.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode ?? 400;
      // (Its id and no-store headers are set already: Fastify told the lifecycle of the request first.)
      // Fastify's own messages quote the raw path back; ours do not.
      sendError(reply, status, FRAMEWORK_MESSAGES[err.code] ?? errorCode(status));
      // The router failed before Fastify set up its end-of-response report: this answer is the end.
      lifecycle.requestCompleted(null, req, reply);
    },
    clientErrorHandler: answerClientError,
  };
}
