/**
 * A child logger made on its first line. Most holders never log: the
 * scheduler and each checker hold one per check (10,000 checks held 20,000
 * pino children, about 320 B each, for nothing), and Fastify gives every
 * request one (a pino child is an object, its rendered bindings and about a
 * microsecond, though a probe's request writes no line). This holds its
 * parent and bindings until a line at an enabled level is written, so what
 * each line says is unchanged.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger as PinoLogger } from 'pino';
import type { Logger } from '../types';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

class LazyChild {
  private made: PinoLogger | undefined;
  constructor(
    private readonly parent: PinoLogger,
    private readonly own: Bindings,
  ) {}

  private get real(): PinoLogger {
    return (this.made ??= this.parent.child(this.own));
  }
  private write(method: Method, args: unknown[]): void {
    // (A parent that is not pino, a test's stand-in, cannot say: the child is made.)
    if (this.made === undefined && this.parent.isLevelEnabled?.(method) === false) return;
    (this.real[method] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }
  set level(level: string) {
    this.real.level = level;
  }
  isLevelEnabled(level: string): boolean {
    return (this.made ?? this.parent).isLevelEnabled?.(level) ?? true;
  }
  bindings(): Bindings {
    return this.made ? this.made.bindings() : { ...this.parent.bindings?.(), ...this.own };
  }
  child(bindings: Bindings, opts?: ChildLoggerOptions): PinoLogger {
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

/** `parent.child(bindings)`, made when it first writes a line (or is asked for a child or a level change). */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  return new LazyChild(parent as unknown as PinoLogger, bindings) as unknown as Logger;
}

/** Fastify's `childLoggerFactory` (the request's logger): a route with its own level or serializers gets its child at once. */
export function deferredChildLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  if (opts.level !== undefined || opts.serializers !== undefined) return logger.child(bindings, opts);
  return lazyChild(logger, bindings);
}
