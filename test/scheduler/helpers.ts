import type { Checker, Logger, Outcome } from '../../src/types';

export interface LogLine {
  readonly level: string;
  readonly bindings: Record<string, unknown>;
  readonly args: unknown[];
}

/** A logger that records every call (child bindings included) instead of printing. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (...args: unknown[]) => void lines.push({ level, bindings, args });
  const logger = {
    level: 'debug',
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    silent: () => {},
    child: (more: Record<string, unknown>) => recordingLogger(lines, { ...bindings, ...more }),
  };
  return logger as unknown as Logger;
}

/** A hand-driven checker: every call is counted and its signal kept; `impl` decides the outcome. */
export function fakeChecker(name: string, impl: (signal: AbortSignal, call: number) => Promise<Outcome>) {
  const signals: AbortSignal[] = [];
  let running = 0;
  const stats = { calls: 0, maxConcurrent: 0, signals };
  const checker: Checker = {
    name,
    type: 'tcp',
    async check(signal) {
      stats.calls += 1;
      signals.push(signal);
      running += 1;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
      try {
        return await impl(signal, stats.calls);
      } finally {
        running -= 1;
      }
    },
    close: async () => {},
  };
  return { checker, stats };
}

export const ok = (): Promise<Outcome> => Promise.resolve({ status: 'ok' });
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Never settles, whatever the signal says: a checker that ignores abort. */
export const never = (): Promise<Outcome> => new Promise<Outcome>(() => {});
/** Settles (rejects) only when aborted: a well-behaved checker against a hung dependency. */
export const untilAborted = (signal: AbortSignal): Promise<Outcome> =>
  new Promise<Outcome>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

/** Polls `cond` every 5 ms; fails after `ms` (a generous bound, not a timing assertion). */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await sleep(5);
  }
}

export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
