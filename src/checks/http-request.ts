/**
 * One HTTP(S) request over node:http(s) on a fresh connection, with phase
 * timings, the peer certificate's expiry and a bounded body read.
 *
 * node:http rather than fetch: it hands us the socket (phase events, the
 * peer certificate) and per-request TLS options (custom CA, skip verify)
 * without the separate `undici` package for an Agent.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { roundMs } from '../units';

export interface HttpRequestOptions {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
  /** PEM CA bundle, or null for the system CAs. */
  readonly ca: Buffer | null;
  readonly rejectUnauthorized: boolean;
  /** Bytes of body read at most; past it the socket is destroyed. */
  readonly maxBodyBytes: number;
  /** Whether the body of a response with this status is worth reading at all. */
  readonly wantsBody: (status: number) => boolean;
  /** ms of socket inactivity after which the request fails: a second line behind the signal. */
  readonly idleTimeoutMs: number;
}

/** Durations of each phase in ms; absent when the phase did not happen (no DNS for an IP, no TLS for http). */
export interface PhaseTimings {
  dns?: number;
  connect?: number;
  tls?: number;
  first_byte?: number;
}

export interface HttpResponseSummary {
  readonly statusCode: number;
  readonly location: string | null;
  /** Up to maxBodyBytes of the body (empty when not read). */
  readonly body: Buffer;
  /** True when the body went past maxBodyBytes and the rest was not read. */
  readonly bodyTooLarge: boolean;
  readonly timings: PhaseTimings;
  /** Epoch ms at which the peer certificate expires; null for plain http. */
  readonly certValidTo: number | null;
}


/** Sends one request. Rejects with the driver's error (classify it), or an AbortError when `signal` aborts. */
export function sendHttpRequest(opts: HttpRequestOptions, signal: AbortSignal): Promise<HttpResponseSummary> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timings: PhaseTimings = {};
    const marks = { lookup: started, connect: started, secure: started };
    let certValidTo: number | null = null;
    let settled = false;

    const isHttps = opts.url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'health-aggregator', ...opts.headers };
    if (opts.body !== null) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const reqOpts: https.RequestOptions = {
      method: opts.method,
      headers,
      // A fresh connection per probe: honest connect/TLS timings, a fresh certificate, nothing pooled to leak.
      agent: false,
      ...(isHttps ? { ca: opts.ca ?? undefined, rejectUnauthorized: opts.rejectUnauthorized } : {}),
    };
    const req = (isHttps ? https : http).request(opts.url, reqOpts);

    const done = (err: Error | null, summary?: HttpResponseSummary): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(summary!);
    };
    const onAbort = (): void => {
      const err = new Error('aborted');
      err.name = 'AbortError';
      done(err);
    };
    // The error listener goes first: destroying a request that has none throws
    // "socket hang up" as an uncaught exception and takes the process down.
    req.on('error', (err) => done(err));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    req.setTimeout(opts.idleTimeoutMs, () => done(Object.assign(new Error('socket timed out'), { code: 'ESOCKETTIMEDOUT' })));
    req.on('socket', (socket: net.Socket) => {
      socket.once('lookup', () => {
        marks.lookup = performance.now();
        timings.dns = roundMs(marks.lookup - started);
      });
      socket.once('connect', () => {
        marks.connect = performance.now();
        timings.connect = roundMs(marks.connect - marks.lookup);
      });
      socket.once('secureConnect', () => {
        marks.secure = performance.now();
        timings.tls = roundMs(marks.secure - marks.connect);
        const validTo = (socket as tls.TLSSocket).getPeerCertificate().valid_to;
        const parsed = validTo ? Date.parse(validTo) : NaN;
        certValidTo = Number.isNaN(parsed) ? null : parsed;
      });
    });

    req.on('response', (res) => {
      timings.first_byte = roundMs(performance.now() - (isHttps ? marks.secure : marks.connect));
      const statusCode = res.statusCode ?? 0;
      const base = { statusCode, location: res.headers.location ?? null, timings, certValidTo };
      if (!opts.wantsBody(statusCode)) return done(null, { ...base, body: Buffer.alloc(0), bodyTooLarge: false });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size + chunk.length > opts.maxBodyBytes) {
          chunks.push(chunk.subarray(0, opts.maxBodyBytes - size));
          // Stop reading here: an endless body must not grow memory or keep the probe busy.
          return done(null, { ...base, body: Buffer.concat(chunks), bodyTooLarge: true });
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => done(null, { ...base, body: Buffer.concat(chunks), bodyTooLarge: false }));
      res.on('error', (err) => done(err));
    });

    req.end(opts.body ?? undefined);
  });
}
