/**
 * The logger each request carries. Fastify makes every request a child
 * logger bound to its request id (`logger.child({ request_id })`); a pino
 * child is an object, its rendered bindings and a microsecond or so, on every
 * request, though a probe's request writes no line at all. This factory hands
 * out a stand-in that makes the real child only when a line at an enabled
 * level is written, so what each line says is unchanged.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, Logger } from 'pino';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogFn = (...args: unknown[]) => void;

class DeferredChild {
  private made: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly own: Bindings,
  ) {}

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.own));
  }
  private write(method: Method, args: unknown[]): void {
    if (this.made === undefined && !this.parent.isLevelEnabled(method)) return;
    (this.real[method] as LogFn)(...args);
  }

  get level(): LevelWithSilentOrString {
    return (this.made ?? this.parent).level;
  }
  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }
  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled(level);
  }
  bindings(): Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings(), ...this.own };
  }
  child(bindings: Bindings, opts?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, opts);
  }
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
}

/** Fastify's `childLoggerFactory`: a route with its own level or serializers gets its child at once. */
export function deferredChildLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  return new DeferredChild(logger as Logger, bindings) as unknown as FastifyBaseLogger;
}
