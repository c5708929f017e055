/**
 * One delivery queue per notifier: bounded (the oldest dropped, one WARN per
 * burst of drops), one request in flight at a time (so a trigger and its
 * resolve arrive in order), each attempt bounded by a timeout, retried with
 * exponential backoff and jitter on a network error, a timeout, a 429
 * (honouring Retry-After) or a 5xx, for about ten minutes; any other 4xx is
 * final. Nothing here is awaited by a probe or a request: `push` returns at
 * once. Logs name the notifier and its type, a status code and the attempt,
 * never the URL or the body (the URL is the credential).
 */
import type { Logger, NotifierType } from '../types';
import type { Delivery } from './types';

export type DeliveryResult = 'sent' | 'failed' | 'dropped';

export interface QueueTuning {
  /** Deliveries waiting at most; the oldest is dropped past it. Default 1,000. */
  readonly capacity: number;
  /** ms one attempt may take. Default 5 s. */
  readonly timeoutMs: number;
  /** ms after the first attempt past which a delivery is given up. Default 10 min. */
  readonly retryForMs: number;
  /** ms before the first retry (doubled each time, with jitter). Default 1 s. */
  readonly baseDelayMs: number;
  /** ms between retries at most. Default 60 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_TUNING: QueueTuning = { capacity: 1_000, timeoutMs: 5_000, retryForMs: 600_000, baseDelayMs: 1_000, maxDelayMs: 60_000 };

export interface QueueOptions {
  readonly name: string;
  readonly type: NotifierType;
  readonly logger: Pick<Logger, 'warn' | 'info' | 'debug' | 'error'>;
  /** Called once per delivery with how it ended. */
  readonly count: (result: DeliveryResult) => void;
  readonly tuning?: Partial<QueueTuning>;
}

export interface DeliveryQueue {
  push(delivery: Delivery): void;
  /** Deliveries waiting (the one in flight not included). */
  size(): number;
  /** Resolves when nothing is waiting or in flight (tests). */
  idle(): Promise<void>;
  /** Aborts the attempt in flight and stops; what is still waiting is not sent. */
  close(): void;
}

/** What one attempt came to: done, retry (maybe after a server-given delay), or give up. */
type Attempt =
  | { readonly kind: 'sent'; readonly status: number }
  | { readonly kind: 'final'; readonly status: number }
  | { readonly kind: 'retry'; readonly status?: number; readonly afterMs?: number | undefined; readonly reason: string };

export function createDeliveryQueue(opts: QueueOptions): DeliveryQueue {
  const tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  const log = { notifier: opts.name, type: opts.type };
  const waiting: Delivery[] = [];
  const closing = new AbortController();
  let running = false;
  let dropping = false;
  let wake: NodeJS.Timeout | null = null;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (running || waiting.length > 0) return;
    dropping = false;
    for (const fn of idleWaiters) fn();
    idleWaiters = [];
  };

  async function attempt(d: Delivery): Promise<Attempt> {
    // The timeout is a timer of ours, and the combined signal is held until the attempt settles:
    // undici follows a request's signal through a weak reference (nodejs/node#55428), so a signal
    // nothing else holds can be collected under GC pressure, and its abort then never reaches the
    // request: an attempt against a receiver that never answers hung instead of timing out (seen
    // once in CI, on a loaded machine).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), tuning.timeoutMs);
    const signal = AbortSignal.any([timeout.signal, closing.signal]);
    try {
      const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: d.body, redirect: 'manual', signal });
      // Free the socket; receivers' answers are not ours to read (nor to log).
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { kind: 'sent', status: res.status };
      if (res.status === 429 || res.status >= 500) {
        return { kind: 'retry', status: res.status, afterMs: retryAfterMs(res.headers.get('retry-after')), reason: `status ${res.status}` };
      }
      return { kind: 'final', status: res.status };
    } catch {
      return { kind: 'retry', reason: timeout.signal.aborted && !closing.signal.aborted ? `timed out after ${tuning.timeoutMs} ms` : 'network error' };
    } finally {
      clearTimeout(timer);
      void signal;
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      wake = setTimeout(done, ms);
      wake.unref();
      closing.signal.addEventListener('abort', done, { once: true });
    });

  async function deliver(d: Delivery): Promise<void> {
    const started = Date.now();
    for (let n = 1; !closing.signal.aborted; n++) {
      const a = await attempt(d);
      if (closing.signal.aborted) return;
      if (a.kind === 'sent') {
        opts.logger.debug({ context: { ...log, status_code: a.status, attempt: n } }, 'notification sent');
        opts.count('sent');
        return;
      }
      if (a.kind === 'final') {
        opts.logger.warn({ context: { ...log, status_code: a.status, attempt: n } }, 'notification refused by its receiver: not retried');
        opts.count('failed');
        return;
      }
      const delay = Math.max(a.afterMs ?? 0, backoff(n, tuning));
      if (Date.now() + delay - started > tuning.retryForMs) {
        opts.logger.warn({ context: { ...log, status_code: a.status, attempt: n, reason: a.reason } }, 'notification failed: giving up after retries');
        opts.count('failed');
        return;
      }
      opts.logger.info({ context: { ...log, status_code: a.status, attempt: n, reason: a.reason, retry_in_ms: delay } }, 'notification attempt failed: retrying');
      await sleep(delay);
    }
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (waiting.length > 0 && !closing.signal.aborted) await deliver(waiting.shift()!);
    } catch (err) {
      opts.logger.error({ err, context: log }, 'notification queue failed');
    } finally {
      running = false;
      settleIdle();
    }
  }

  return {
    push(delivery) {
      if (closing.signal.aborted) return;
      waiting.push(delivery);
      if (waiting.length > tuning.capacity) {
        waiting.shift();
        opts.count('dropped');
        if (!dropping) {
          dropping = true;
          opts.logger.warn({ context: { ...log, capacity: tuning.capacity } }, 'notification queue full: dropping the oldest');
        }
      }
      void run();
    },
    size: () => waiting.length,
    idle: () => new Promise<void>((resolve) => {
      if (!running && waiting.length === 0) resolve();
      else idleWaiters.push(resolve);
    }),
    close() {
      if (wake) clearTimeout(wake);
      closing.abort();
      const lost = waiting.length;
      waiting.length = 0;
      if (lost > 0) opts.logger.warn({ context: { ...log, pending: lost } }, 'notifications not sent at shutdown');
      settleIdle();
    },
  };
}

/** Exponential backoff with jitter: about base × 2^(n-1), between half and all of it, capped. */
export function backoff(n: number, t: Pick<QueueTuning, 'baseDelayMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(t.maxDelayMs, t.baseDelayMs * 2 ** (n - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retry-After in seconds or as an HTTP date; capped at 10 minutes (a hostile value must not park the queue). */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 600_000) : undefined;
}
