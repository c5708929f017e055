/**
 * S3 error classification. The SDK names errors after the S3 error code when
 * the response has a body, and after the HTTP status when it has none (HEAD
 * requests: `NotFound`, `Forbidden`), so both are looked at.
 */
import type { Classified } from './errors';
import { classifyError } from './errors';

const AUTH_NAMES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired']);

/** Classifies an S3 client error into a sanitised sentence and kind. */
export function classifyS3Error(err: unknown): Classified {
  const e = (err ?? {}) as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof e.name === 'string' ? e.name : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (name === 'NoSuchBucket' || (name === 'NotFound' && status === 404)) return { errorKind: 'assertion', error: 'bucket not found' };
  if (name === 'NoSuchKey') return { errorKind: 'assertion', error: 'probe object missing after upload' };
  if (AUTH_NAMES.has(name)) return { errorKind: 'auth', error: 'credentials rejected' };
  if (name === 'CredentialsProviderError') return { errorKind: 'auth', error: 'no AWS credentials available' };
  if (status === 403 || name === 'AccessDenied' || name === 'Forbidden') return { errorKind: 'auth', error: 'access denied' };
  if (status === 301 || name === 'PermanentRedirect') return { errorKind: 'other', error: 'bucket is in another region' };
  if (status !== undefined && status >= 500) return { errorKind: 'other', error: `server error (HTTP ${status})` };
  if (status !== undefined && status >= 400) return { errorKind: 'assertion', error: `unexpected answer (HTTP ${status})` };
  return classifyError(err);
}
