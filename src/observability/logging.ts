/**
 * The JSON log shape (CONTRACT §5.5), produced through pino so Fastify's own
 * logger writes it too:
 *
 *   {"timestamp":"2025-08-10T12:34:56.789Z","level":"INFO","service":"api",
 *    "environment":"production","message":"check cache is ok","request_id":"...",
 *    "trace_id":"...","duration_ms":2.41,"context":{"check":"cache","type":"redis"},
 *    "exception":{"type":"Error","message":"...","stacktrace":"..."}}
 *
 * pino writes child bindings as top-level keys of a pre-rendered string, out of
 * reach of `formatters.log`, and `context` must hold them. So pino renders its
 * usual flat line under private key names, and the `streamWrite` hook reshapes
 * that one line, masking and scrubbing every string on the way. That costs one
 * JSON.parse per line actually written; lines below the level cost nothing.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskDeep, maskPii } from './mask';
import { registerAccessLog, type ByteSink } from './access-log';
import { isoAt, roundMs } from '../units';

/** The levels LOG_LEVEL accepts, case-insensitively. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Options for `loggerOptions` and `createLogger`. */
export interface LogOptions {
  /** `service` field of every line. */
  readonly service: string;
  /** `environment` field of every line. */
  readonly environment: string;
  /** Minimum level (debug, info, warn, error; any case), usually $LOG_LEVEL. Default info; an unknown value also means info. */
  readonly level?: string | undefined;
  /** Where lines go. Default: stdout, written asynchronously (a slow log reader never blocks a request) and flushed at exit. */
  readonly destination?: NodeJS.WritableStream | DestinationStream;
  /** Removes secrets from text (src/redact.ts `createScrubber`); applied after PII masking. */
  readonly scrub?: (text: string) => string;
}

// Private keys pino renders before the reshape; a caller's own `level`,
// `message` or `timestamp` field cannot collide with them and lands in context.
// (pino concatenates these into its JSON unescaped: plain ASCII only.)
const LEVEL_KEY = '_ha_level';
const TIME_KEY = '_ha_time';
const MESSAGE_KEY = '_ha_message';

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

const LEVEL_ALIASES: Readonly<Record<string, LogLevel | 'silent'>> = {
  debug: 'debug',
  trace: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'error',
  silent: 'silent',
};

/**
 * The pino level for a LOG_LEVEL value (debug, info, warn, error, any case;
 * also trace, warning, fatal and silent), or null when it is none of them.
 * Unset or empty means info.
 */
export function parseLogLevel(raw: string | undefined): LogLevel | 'silent' | null {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return 'info';
  return LEVEL_ALIASES[value] ?? null;
}

/** Fields of a log call that become top-level fields instead of context. */
const REQUEST_ID_KEYS = ['request_id', 'reqId', 'requestId'];
const TRACE_ID_KEYS = ['trace_id', 'traceId'];
const DURATION_KEYS = ['duration_ms', 'responseTime'];
const PRIVATE_KEYS = new Set([LEVEL_KEY, TIME_KEY, MESSAGE_KEY]);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The exception field from a serialised `err` (pino's std serializer), or null when it is not an error. */
function exceptionOf(err: unknown, clean: (s: string) => string): Json | null {
  if (typeof err === 'string') return err === '' ? null : { type: 'Error', message: clean(err) };
  if (!isObject(err) || (typeof err.message !== 'string' && typeof err.stack !== 'string')) return null;
  let message = typeof err.message === 'string' ? err.message : '';
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  if (message === '' && Array.isArray(err.aggregateErrors)) {
    message = err.aggregateErrors
      .map((e: unknown) => (isObject(e) && typeof e.message === 'string' ? e.message : ''))
      .filter((m) => m !== '')
      .join('; ');
  }
  const out: Json = { type: typeof err.type === 'string' && err.type !== '' ? err.type : 'Error' };
  if (message !== '') out.message = clean(message);
  if (typeof err.stack === 'string' && err.stack !== '') out.stacktrace = clean(err.stack);
  return out;
}

function takeFirst(line: Json, keys: readonly string[], accept: (v: unknown) => boolean): unknown {
  let found: unknown;
  for (const key of keys) {
    if (key in line && found === undefined && accept(line[key])) {
      found = line[key];
      delete line[key];
    }
  }
  return found;
}

const isId = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number';
const isDuration = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** Turns pino's flat line into the contract's shape; exported for tests of odd inputs. */
export function reshapeLine(raw: string, base: { service: string; environment: string }, clean: (s: string) => string): string {
  let line: Json;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isObject(parsed)) throw new Error('not an object');
    line = parsed;
  } catch {
    // Never pass an unparsed line through: it has not been masked.
    line = { [LEVEL_KEY]: 'ERROR', [MESSAGE_KEY]: 'log line could not be formatted' };
  }

  const out: Json = {
    timestamp: typeof line[TIME_KEY] === 'string' ? line[TIME_KEY] : new Date().toISOString(),
    level: typeof line[LEVEL_KEY] === 'string' ? line[LEVEL_KEY] : 'INFO',
    service: base.service,
    environment: base.environment,
  };
  const rawMessage = line[MESSAGE_KEY];
  let message = typeof rawMessage === 'string' ? rawMessage : rawMessage === undefined ? '' : JSON.stringify(rawMessage);

  const requestId = takeFirst(line, REQUEST_ID_KEYS, isId);
  const traceId = takeFirst(line, TRACE_ID_KEYS, isId);
  const duration = takeFirst(line, DURATION_KEYS, isDuration) as number | undefined;

  let exception: Json | null = null;
  for (const key of ['err', 'error']) {
    if (exception === null && key in line) {
      // A string `error` is a check's sanitised sentence: context, not an exception.
      if (key === 'error' && typeof line[key] === 'string') continue;
      exception = exceptionOf(line[key], clean);
      if (exception !== null) delete line[key];
    }
  }
  if (message === '' && exception !== null) message = String(exception.message ?? exception.type);

  // Bindings come first in pino's line and the call's fields after, so a
  // call's field wins over a binding of the same name, as JSON.parse left it.
  let explicit: Json = {};
  if (isObject(line.context)) {
    explicit = line.context;
    delete line.context;
  }
  const context: Json = {};
  for (const [key, value] of Object.entries(line)) if (!PRIVATE_KEYS.has(key)) context[key] = value;
  Object.assign(context, explicit);

  if (message !== '') out.message = clean(message);
  if (requestId !== undefined) out.request_id = clean(String(requestId));
  if (traceId !== undefined) out.trace_id = clean(String(traceId));
  if (duration !== undefined) out.duration_ms = roundMs(duration);
  if (Object.keys(context).length > 0) out.context = maskDeep(context, { text: clean, maxDepth: 8 });
  if (exception !== null) out.exception = exception;
  return JSON.stringify(out) + '\n';
}

/** Fastify's request serializer without host and client address: the log needs what was asked, not by whom. */
function requestSummary(req: { method?: string; url?: string }): Json {
  return { method: req.method, url: req.url };
}

function replySummary(reply: { statusCode?: number }): Json {
  return { statusCode: reply.statusCode };
}

/** Serialises an Error under `error` like one under `err`; leaves anything else (a check's error sentence) as it is. */
function errorOrValue(value: unknown): unknown {
  return value instanceof Error ? pino.stdSerializers.err(value) : value;
}

/**
 * pino options for Fastify's `logger` option or for `pino()`: the contract's
 * JSON shape, LOG_LEVEL filtering, and PII masking then `scrub` on every
 * message, id, context string and exception text. `stream` is set only when a
 * destination was given.
 */
/** PII masking, then the configured secrets' scrubber. */
function cleanerOf(opts: LogOptions): (s: string) => string {
  const scrub = opts.scrub;
  return scrub ? (s: string) => scrub(maskPii(s)) : maskPii;
}

export function loggerOptions(opts: LogOptions): LoggerOptions & { stream?: DestinationStream } {
  const clean = cleanerOf(opts);
  const base = { service: opts.service, environment: opts.environment };
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level: parseLogLevel(opts.level) ?? 'info',
    base: null,
    messageKey: MESSAGE_KEY,
    errorKey: 'err',
    timestamp: () => `,"${TIME_KEY}":"${isoAt(Date.now())}"`,
    formatters: {
      level: (label) => ({ [LEVEL_KEY]: LEVEL_NAMES[label] ?? label.toUpperCase() }),
    },
    serializers: {
      err: pino.stdSerializers.err,
      error: errorOrValue,
      req: requestSummary,
      res: replySummary,
    },
    hooks: {
      streamWrite: (s) => reshapeLine(s, base, clean),
    },
  };
  if (opts.destination) options.stream = opts.destination as DestinationStream;
  return options;
}

/**
 * A pino logger writing the contract's JSON lines (for `loggerInstance`, the
 * CLI and tests). An unknown `level` logs one WARN line and falls back to info
 * rather than refusing to start over a logging typo.
 */
export function createLogger(opts: LogOptions): Logger {
  const { stream, ...options } = loggerOptions(opts);
  // A caller's own destination (a test's stream) sees each line as it is written; stdout gets them encoded, in batches.
  const to = stream ? { lines: stream } : { bytes: stdout() };
  const logger = pino(options, 'lines' in to ? to.lines : textInto(to.bytes));
  registerAccessLog(logger, { service: opts.service, environment: opts.environment }, cleanerOf(opts), to);
  if (parseLogLevel(opts.level) === null) {
    logger.warn({ log_level: opts.level }, 'LOG_LEVEL is not one of debug, info, warn, error; logging at info');
  }
  return logger;
}

let stdoutDestination: ByteSink | null = null;

/** A write may carry this much (sonic-boom's default is 16 KB; the access writer hands on 128 KB batches). */
const MAX_WRITE_BYTES = 256 * 1024;
/** Lines kept while stdout does not drain; past this they are dropped, not held until memory runs out. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * The process's one stdout destination: written asynchronously, so a request
 * never waits on a slow pipe (a log shipper falling behind). The access lines,
 * nearly all of what is written, arrive in batches (access-log.ts): an
 * asynchronous write costs far more than a line, whatever its size.
 * It takes bytes, not text: given text, sonic-boom measures the UTF-8 length
 * of each write and of what it still holds, then encodes it again to write
 * it (for 32 KB batches of access lines, 2% of a detailed request's CPU in
 * the service, by cpu-prof). The access writer encodes each line as it is
 * made.
 * pino flushes it synchronously at exit (it registers the stream with
 * on-exit-leak-free when `sync` is false) and stops writing on EPIPE, so the
 * last lines before an exit are kept and a closed pipe is no crash
 * (test/observability/access-log.test.ts). One per process, as stdout is.
 */
function stdout(): ByteSink {
  stdoutDestination ??= pino.destination({
    fd: 1,
    sync: false,
    maxWrite: MAX_WRITE_BYTES,
    maxLength: MAX_PENDING_BYTES,
    contentMode: 'buffer',
    // (sonic-boom's types know only text; in buffer mode it takes Buffers.)
  }) as unknown as ByteSink;
  return stdoutDestination;
}

/** pino's side of the byte destination: its (few) lines are encoded on the way in. */
function textInto(out: ByteSink): DestinationStream {
  return {
    // Looked up on each line: pino replaces the destination's write with a no-op on EPIPE.
    write: (line: string) => out.write(Buffer.from(line)),
  };
}
