/**
 * Turns whatever a driver throws into a short, sanitised sentence and a
 * bounded error kind. Driver messages embed hosts, ports, user names and
 * sometimes URLs, so the sentence is chosen from the error's code, never
 * copied from its message.
 */
import type { ErrorKind } from '../types';

export interface Classified {
  readonly errorKind: ErrorKind;
  /** Safe to show publicly: no host, no secret, no stack. */
  readonly error: string;
}

const BY_CODE: Readonly<Record<string, Classified>> = {
  ECONNREFUSED: { errorKind: 'refused', error: 'connection refused' },
  ECONNRESET: { errorKind: 'other', error: 'connection reset by peer' },
  EPIPE: { errorKind: 'other', error: 'connection closed by peer' },
  ENOTFOUND: { errorKind: 'dns', error: 'host name not found' },
  EAI_AGAIN: { errorKind: 'dns', error: 'host name lookup failed (temporary)' },
  EAI_FAIL: { errorKind: 'dns', error: 'host name lookup failed' },
  EHOSTUNREACH: { errorKind: 'refused', error: 'host unreachable' },
  ENETUNREACH: { errorKind: 'refused', error: 'network unreachable' },
  EADDRNOTAVAIL: { errorKind: 'refused', error: 'address not available' },
  ETIMEDOUT: { errorKind: 'timeout', error: 'connection timed out' },
  ESOCKETTIMEDOUT: { errorKind: 'timeout', error: 'socket timed out' },
  UND_ERR_CONNECT_TIMEOUT: { errorKind: 'timeout', error: 'connection timed out' },
  UND_ERR_HEADERS_TIMEOUT: { errorKind: 'timeout', error: 'timed out waiting for response headers' },
  UND_ERR_BODY_TIMEOUT: { errorKind: 'timeout', error: 'timed out reading response body' },
  UND_ERR_SOCKET: { errorKind: 'other', error: 'connection closed by peer' },
  // PostgreSQL SQLSTATEs
  '28P01': { errorKind: 'auth', error: 'authentication failed' },
  '28000': { errorKind: 'auth', error: 'authorization rejected' },
  '3D000': { errorKind: 'other', error: 'database does not exist' },
  '57P01': { errorKind: 'other', error: 'server is shutting down' },
  '57P02': { errorKind: 'other', error: 'server is shutting down' },
  '57P03': { errorKind: 'other', error: 'server is starting up or shutting down' },
  '53300': { errorKind: 'other', error: 'too many connections' },
  '57014': { errorKind: 'timeout', error: 'query cancelled (statement timeout)' },
  '42501': { errorKind: 'auth', error: 'permission denied' },
};

const TLS_CODE = /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_|ERR_SSL_|ERR_OSSL_|HOSTNAME_MISMATCH)/;

function codeOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  // undici's fetch wraps the socket error in `cause`; AggregateError holds several.
  if (e.cause) return codeOf(e.cause);
  if (Array.isArray(e.errors) && e.errors.length > 0) return codeOf(e.errors[0]);
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : '';
}

/** Classifies a thrown driver error. Unknown errors become kind `other` with a generic sentence. */
export function classifyError(err: unknown): Classified {
  const code = codeOf(err);
  if (code !== undefined) {
    const known = BY_CODE[code];
    if (known) return known;
    if (TLS_CODE.test(code)) return { errorKind: 'tls', error: `TLS handshake failed (${code.toLowerCase().replace(/_/g, ' ')})` };
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') return { errorKind: 'timeout', error: 'timed out' };
  const msg = messageOf(err);
  // Redis answers auth failures as reply errors, not codes.
  if (/^(NOAUTH|WRONGPASS)\b/.test(msg)) return { errorKind: 'auth', error: 'authentication failed' };
  if (/self[- ]signed certificate|certificate has expired|unable to verify|wrong version number/i.test(msg)) {
    return { errorKind: 'tls', error: 'TLS handshake failed' };
  }
  if (/timeout|timed out/i.test(msg)) return { errorKind: 'timeout', error: 'timed out' };
  if (/Connection terminated|connection is closed|Connection is closed/i.test(msg)) {
    return { errorKind: 'other', error: 'connection closed unexpectedly' };
  }
  return { errorKind: 'other', error: code ? `unexpected error (${code.slice(0, 40)})` : 'unexpected error' };
}
