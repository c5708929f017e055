/**
 * Errors of an ioredis connection, shared by the two checks that speak to
 * Redis (redis.ts and bullmq.ts): Redis's own reply errors, and the errors
 * that say only that our connection went away (not why, and not whether
 * Redis is there now).
 */
import type { Classified } from './errors';
import { classifyError } from './errors';

/** Redis-specific reply errors first, then the shared classification. */
export function classifyRedisError(err: unknown): Classified {
  const msg = err instanceof Error ? err.message : '';
  if (/^LOADING\b/.test(msg)) return { errorKind: 'other', error: 'server is loading its dataset' };
  if (/^MASTERDOWN\b/.test(msg)) return { errorKind: 'other', error: 'replica has lost its master' };
  // Something answered, but not in RESP (an HTTP server on the port, a TLS-only proxy): the peer is wrong.
  if (/Unknown RESP type|Protocol error|ERR Protocol/i.test(msg)) return { errorKind: 'assertion', error: 'peer is not speaking the Redis protocol' };
  if (isClosedError(err)) return { errorKind: 'other', error: 'connection closed unexpectedly' };
  return classifyError(err);
}

/**
 * What a failed command says, given the connection's last 'error' event:
 * "Connection is closed" says only that, so the socket's own error (a refusal,
 * a reset), when there was one, is what is classified.
 */
export function classifyRedisFailure(err: unknown, lastConnectionError: unknown): Classified {
  return classifyRedisError(isClosedError(err) && lastConnectionError !== null ? lastConnectionError : err);
}

/** ioredis's own words for a command on a connection that has closed: the socket error, if any, came as an 'error' event. */
export function isClosedError(err: unknown): boolean {
  return err instanceof Error && /Connection is closed|Stream isn't writeable/i.test(err.message);
}

/** The connection was lost under the command: a kept connection's death says nothing about Redis now. */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isClosedError(err) || code === 'ECONNRESET' || code === 'EPIPE';
}
