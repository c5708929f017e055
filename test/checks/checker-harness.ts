/**
 * Small helpers for checker tests: a recording logger, common config fields,
 * running a probe with a scheduler-like abort, and counting our sockets.
 */
import type { CheckCommon, Checker, CheckType, Logger, Outcome } from '../../src/types';

export interface LogLine {
  readonly level: string;
  readonly args: readonly unknown[];
}

/** A logger that records every call instead of printing (enough of pino's shape for checkers). */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (...args: unknown[]) => {
    lines.push({ level, args });
  };
  const logger = {
    lines,
    level: 'debug',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: at('silent'),
    child: () => logger,
    isLevelEnabled: () => true,
  };
  return logger as unknown as Logger & { lines: LogLine[] };
}

/** The keys every check config has, with test-friendly values. */
export function common<T extends CheckType>(type: T, timeout = 2000): CheckCommon & { type: T } {
  return {
    name: `test-${type}`,
    type,
    interval: timeout * 5,
    timeout,
    failureThreshold: 1,
    successThreshold: 1,
    critical: true,
    degradedLatency: null,
    displayName: `test ${type}`,
    group: 'Services',
    dependsOn: [],
  };
}

export interface AbortedRun {
  readonly outcome: Outcome;
  /** ms from the abort to the probe settling. */
  readonly settledAfterAbortMs: number;
}

/** Runs one probe and aborts it after `abortAfterMs`, as the scheduler does at a check's timeout. */
export async function checkAbortedAfter(checker: Checker, abortAfterMs: number): Promise<AbortedRun> {
  const ac = new AbortController();
  let abortedAt = 0;
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    ac.abort();
  }, abortAfterMs);
  try {
    const outcome = await checker.check(ac.signal);
    return { outcome, settledAfterAbortMs: abortedAt === 0 ? 0 : performance.now() - abortedAt };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one probe with a generous abort, for tests that expect it to finish by itself. */
export async function checkOnce(checker: Checker, abortAfterMs = 10_000): Promise<Outcome> {
  return (await checkAbortedAfter(checker, abortAfterMs)).outcome;
}

/** TCP sockets (client and server side) this process holds open right now. */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length;
}

/** Polls `cond` every 20 ms until it holds or `boundMs` passes; returns whether it held. */
export async function eventually(cond: () => boolean, boundMs = 5000): Promise<boolean> {
  const until = Date.now() + boundMs;
  while (!cond()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
