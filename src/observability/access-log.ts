/**
 * The access line, written straight to the log's destination in the contract's
 * shape (§5.5). It is the one line written per request, so it skips pino's
 * render -> parse -> reshape -> stringify round trip (about 75 µs a line): the
 * fixed parts are rendered once, and only what can carry a caller's text (the
 * URL's path and query, the user agent, a caller-chosen request id) is masked
 * and scrubbed. A route pattern, a method and a status code come from this
 * service's own vocabulary and cannot hold personal data.
 */
import type { Logger } from 'pino';
import { isoAt, roundMs } from '../units';

/** What the hooks know about a finished request. */
export interface AccessEntry {
  readonly level: 'debug' | 'info';
  readonly requestId: string;
  /** The request id came from the caller (X-Request-ID / X-Trace-ID), so it is user text. */
  readonly requestIdFromCaller: boolean;
  readonly traceId: string | undefined;
  readonly durationMs: number;
  readonly method: string;
  readonly route: string;
  readonly statusCode: number;
  /** Path and query as sent. */
  readonly url: string;
  readonly userAgent: string | undefined;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
}

export interface AccessLog {
  (entry: AccessEntry): void;
  /** Whether a line at `level` would be written: the hooks build no entry for one that would not. */
  enabled(level: AccessEntry['level']): boolean;
}

const LEVEL_VALUES = { debug: 20, info: 30 } as const;
const LEVEL_FIELDS = { debug: '"level":"DEBUG"', info: '"level":"INFO"' } as const;
/** URLs and user agents are cut to this many characters: a log line is not a place for a 16 KB query. */
const MAX_TEXT = 256;
/** Batched access lines are handed to stdout once they fill this many bytes (about four hundred lines)... */
const BATCH_BYTES = 128 * 1024;
/** ...or this long after the first of them: a quiet service's lines still show within a quarter second. */
const BATCH_MS = 250;
/** Distinct user agents whose masked form is kept: a fleet of probes sends the same few all day. */
const UA_CACHE_SIZE = 256;

/**
 * An access-line writer for a logger made by `createLogger` (which registers
 * it), else one that logs through pino's ordinary path.
 */
export function accessLogFor(logger: Logger): AccessLog {
  return WRITERS.get(logger) ?? pinoAccessLog(logger);
}

const WRITERS = new WeakMap<Logger, AccessLog>();

/** What each writer hands on when the process exits (one 'exit' listener, however many apps a process builds). */
const exitFlushes = new Set<() => void>();
function atExit(flush: () => void): void {
  if (exitFlushes.size === 0) process.once('exit', () => exitFlushes.forEach((f) => f()));
  exitFlushes.add(flush);
}

/** A destination taking text, a line per write (a test's stream). */
export type LineSink = { write(s: string): unknown };
/** A destination taking bytes (logging.ts's stdout). */
export type ByteSink = { write(b: Buffer): unknown; flushSync?(): void; sync?: boolean };

/**
 * The process's stdout, 128 KB at a time or 250 ms after the first line held,
 * because each hand-off costs far more than a line: in the service pinned to
 * one core, cpu-prof put about 140 µs of the main thread on each
 * asynchronous write (it wakes a thread-pool thread on the same core). 32 KB
 * batches cost 3% of a detailed request; 128 KB ones answered 5% more
 * requests paired with bare Fastify (bench/variants.mjs). Each line is
 * encoded into the batch as it is made, while its pieces are fresh, so
 * nothing is measured or encoded again at hand-off. A line may thus
 * reach stdout after a pino line written later; every line carries its own
 * timestamp. What is held is handed on before the process exits.
 */
function batched(stream: ByteSink): { write(line: string): void } {
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (used === 0) return;
    // The destination keeps what it is given until written: the next batch is a new buffer.
    const full = batch.subarray(0, used);
    batch = Buffer.allocUnsafe(BATCH_BYTES);
    used = 0;
    stream.write(full);
  };
  atExit(() => {
    // At exit an asynchronous write would never run: sonic-boom writes synchronously from here on.
    if ('sync' in stream) stream.sync = true;
    try {
      flush();
      stream.flushSync?.();
    } catch {
      // Nothing more can be done for a stream that cannot be written at exit (a closed pipe).
    }
  });
  return {
    write(line) {
      // A UTF-16 unit is at most three bytes of UTF-8; lines are short (their free text is cut to 256).
      if (used + line.length * 3 > BATCH_BYTES) {
        flush();
        if (line.length * 3 > BATCH_BYTES) return void stream.write(Buffer.from(line));
      }
      used += batch.write(line, used);
      if (timer === null) {
        timer = setTimeout(flush, BATCH_MS);
        timer.unref();
      }
    },
  };
}

/** Called by createLogger with the logger's own destination: lines go to it at the logger's current level, to bytes in batches. */
export function registerAccessLog(
  logger: Logger,
  base: { service: string; environment: string },
  clean: (s: string) => string,
  to: { readonly bytes: ByteSink } | { readonly lines: LineSink },
): void {
  const out = 'bytes' in to ? batched(to.bytes) : to.lines;
  const fixed = `"service":${JSON.stringify(base.service)},"environment":${JSON.stringify(base.environment)},"message":"request completed"`;
  const agents = new Map<string, string>();
  const agent = (ua: string): string => {
    let masked = agents.get(ua);
    if (masked === undefined) {
      masked = JSON.stringify(clean(ua.slice(0, MAX_TEXT)));
      if (agents.size >= UA_CACHE_SIZE) agents.clear();
      agents.set(ua, masked);
    }
    return masked;
  };
  const enabled = (level: AccessEntry['level']) => logger.levelVal <= LEVEL_VALUES[level];
  const write = (e: AccessEntry) => {
    if (!enabled(e.level)) return;
    let line = `{"timestamp":"${isoAt(Date.now())}",${LEVEL_FIELDS[e.level]},${fixed},"request_id":${JSON.stringify(e.requestIdFromCaller ? clean(e.requestId) : e.requestId)}`;
    if (e.traceId !== undefined) line += `,"trace_id":${JSON.stringify(clean(e.traceId))}`;
    line += `,"duration_ms":${roundMs(e.durationMs)},"context":{"method":"${e.method}","route":${JSON.stringify(e.route)},"status_code":${e.statusCode}`;
    // The URL adds something only where the route pattern does not say it all (params, a query, a 404).
    if (e.url !== e.route) line += `,"url":${JSON.stringify(clean(e.url.slice(0, MAX_TEXT)))}`;
    if (e.userAgent !== undefined) line += `,"user_agent":${agent(e.userAgent)}`;
    if (e.aborted) line += ',"aborted":true';
    out.write(line + '}}\n');
  };
  WRITERS.set(logger, Object.assign(write, { enabled }));
}

/** For a logger built elsewhere (a test's own pino): the same fields through pino and its hooks. */
function pinoAccessLog(logger: Logger): AccessLog {
  const enabled = (level: AccessEntry['level']) => logger.isLevelEnabled(level);
  const write = (e: AccessEntry) => {
    if (!enabled(e.level)) return;
    const context: Record<string, unknown> = { method: e.method, route: e.route, status_code: e.statusCode };
    if (e.url !== e.route) context.url = e.url.slice(0, MAX_TEXT);
    if (e.userAgent !== undefined) context.user_agent = e.userAgent.slice(0, MAX_TEXT);
    if (e.aborted) context.aborted = true;
    logger[e.level]({ request_id: e.requestId, trace_id: e.traceId, duration_ms: e.durationMs, context }, 'request completed');
  };
  return Object.assign(write, { enabled });
}
