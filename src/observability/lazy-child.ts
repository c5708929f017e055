/**
 * A child logger made on its first line. The scheduler and each checker hold
 * one per check, and most checks never log: 10,000 checks held 20,000 pino
 * children (about 320 B each) for nothing; this holds its parent and its
 * bindings until a line is written.
 */
import type { Logger } from '../types';

type Bindings = Record<string, unknown>;
type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

class LazyChild {
  private made: Logger | null = null;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  private get real(): Logger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.made ? this.made.level : this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  child(bindings: Bindings, options?: Parameters<Logger['child']>[1]): Logger {
    return this.real.child(bindings, options);
  }
}

for (const method of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly Method[]) {
  Object.defineProperty(LazyChild.prototype, method, {
    value(this: { real: Logger }, ...args: unknown[]) {
      return (this.real[method] as (...a: unknown[]) => void)(...args);
    },
  });
}

/** `parent.child(bindings)`, made when it first writes a line (or is asked for a child or a level change). */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  return new LazyChild(parent, bindings) as unknown as Logger;
}
