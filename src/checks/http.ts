/**
 * HTTP(S) check for external APIs: status, keyword and JSON-field
 * assertions, redirect policy, and the TLS certificate's remaining days.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Checker, CheckDeps, Details, HttpCheckConfig, Outcome } from '../types';
import { classifyError } from './errors';
import { sendHttpRequest, type HttpResponseSummary } from './http-request';
import { checkJsonField, formatStatuses } from './http-assert';

/** Redirect hops followed at most when `followRedirects` is on. */
export const HTTP_MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Dropped when a redirect leaves the origin, as browsers drop Authorization.
const SECRET_HEADER = /authorization|cookie|token|key|secret|password/i;
const DAY_MS = 86_400_000;

/**
 * Creates an HTTP checker. Each probe uses one fresh connection per hop
 * (no pooling), destroyed before the probe settles or when `signal` aborts.
 * Details: `status_code`, `response_bytes`, `redirects`, `tls_days_remaining`
 * (https), `timings_ms` {dns, connect, tls, first_byte} of the last hop.
 * A body larger than `maxBodyBytes` is an `assertion` error (read no further).
 */
export function createHttpCheck(config: HttpCheckConfig, deps: CheckDeps): Checker {
  return {
    name: config.name,
    type: 'http',
    check: (signal) => probe(config, deps, signal),
    close: async () => {},
  };
}

async function probe(config: HttpCheckConfig, deps: CheckDeps, signal: AbortSignal): Promise<Outcome> {
  let ca: Buffer | null = null;
  if (config.caFile !== null) {
    try {
      ca = await readFile(config.caFile);
    } catch {
      return { status: 'error', errorKind: 'other', error: 'could not read the CA file' };
    }
  }
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return { status: 'error', errorKind: 'other', error: 'invalid URL' };
  }
  let method: string = config.method;
  let body = config.body;
  let headers = config.headers;
  let details: Details = {};
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { status: 'error', errorKind: hop > 0 ? 'assertion' : 'other', error: 'unsupported URL scheme', details };
    }
    const follow = config.followRedirects && hop < HTTP_MAX_REDIRECTS;
    let res: HttpResponseSummary;
    try {
      res = await sendHttpRequest(
        {
          url, method, headers, body, ca,
          rejectUnauthorized: !config.insecureSkipVerify,
          maxBodyBytes: config.maxBodyBytes,
          wantsBody: (s) => config.expectStatus.includes(s) && !(follow && REDIRECTS.has(s)),
          idleTimeoutMs: config.timeout + 1000,
        },
        signal,
      );
    } catch (err) {
      deps.logger.debug({ err: { code: (err as { code?: unknown }).code } }, 'http probe failed');
      return { status: 'error', ...classifyHttpError(err), details };
    }
    details = describe(res);
    if (hop > 0) details.redirects = hop;
    if (config.followRedirects && REDIRECTS.has(res.statusCode) && res.location !== null) {
      if (hop >= HTTP_MAX_REDIRECTS) {
        return { status: 'error', errorKind: 'assertion', error: `too many redirects (more than ${HTTP_MAX_REDIRECTS})`, details };
      }
      const next = new URL(res.location, url);
      if (next.origin !== url.origin) headers = withoutSecrets(headers);
      // 303 always, and 301/302 after a POST by long-standing client practice, become a bodiless GET.
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
      }
      url = next;
      continue;
    }
    return judge(config, res, details);
  }
}

function judge(config: HttpCheckConfig, res: HttpResponseSummary, details: Details): Outcome {
  const fail = (error: string): Outcome => ({ status: 'error', errorKind: 'assertion', error, details });
  if (!config.expectStatus.includes(res.statusCode)) {
    return fail(`expected status ${formatStatuses(config.expectStatus)}, got ${res.statusCode}`);
  }
  if (res.bodyTooLarge) return fail(`response body larger than ${config.maxBodyBytes} bytes`);
  if (config.expectBody !== null && !res.body.includes(config.expectBody)) {
    return fail('response body does not contain the expected text');
  }
  if (config.expectJson !== null) {
    const problem = checkJsonField(res.body.toString('utf8'), config.expectJson.path, config.expectJson.equals, isDeepStrictEqual);
    if (problem !== null) return fail(problem);
  }
  const days = details.tls_days_remaining;
  if (typeof days === 'number' && days < config.certExpiryWarning) {
    const error = days < 0 ? 'TLS certificate has expired' : `TLS certificate expires in ${Math.floor(days)} days`;
    return { status: 'degraded', errorKind: 'tls', error, details };
  }
  return { status: 'ok', details };
}

function describe(res: HttpResponseSummary): Details {
  const d: Details = { status_code: res.statusCode, response_bytes: res.body.length, timings_ms: res.timings };
  if (res.bodyTooLarge) d.body_truncated = true;
  if (res.certValidTo !== null) d.tls_days_remaining = Math.round(((res.certValidTo - Date.now()) / DAY_MS) * 10) / 10;
  return d;
}

function withoutSecrets(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !SECRET_HEADER.test(k)));
}

function classifyHttpError(err: unknown): { errorKind: Outcome['errorKind'] & string; error: string } {
  const code = (err as { code?: unknown } | null)?.code;
  // llhttp's parse errors: the peer answered, but not with HTTP.
  if (typeof code === 'string' && code.startsWith('HPE_')) return { errorKind: 'assertion', error: 'invalid HTTP response' };
  return classifyError(err);
}
