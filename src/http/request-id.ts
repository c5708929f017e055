import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Ids we accept from callers: short and log-safe (no spaces, quotes or control characters). */
const SAFE_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && SAFE_ID.test(s) ? s : undefined;
}

/** X-Request-ID, else X-Trace-ID, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  return header(req, 'x-request-id') ?? header(req, 'x-trace-id') ?? randomUUID();
}

export function traceIdOf(req: IncomingMessage): string | undefined {
  return header(req, 'x-trace-id');
}
