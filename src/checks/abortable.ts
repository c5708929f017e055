import type { Outcome } from '../types';

/**
 * What a checker answers when its probe was aborted (or called with an aborted
 * signal). The scheduler has usually recorded its own `timed out after N ms`
 * already; this is for callers that are not the scheduler (close(), tests).
 */
export const TIMED_OUT: Outcome = { status: 'error', errorKind: 'timeout', error: 'timed out' };

/** Thrown (as a rejection) by `abortable` when the probe's signal aborts. */
export class Aborted extends Error {}

/**
 * Settles with `work`, or rejects with `Aborted` as soon as `signal` aborts,
 * after calling `onAbort` to release what the work holds (destroy a socket).
 * Drivers cannot cancel a query or command in flight; this is how a checker
 * stops waiting for one without leaking it. The abandoned promise's later
 * rejection is swallowed.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) {
    onAbort();
    return Promise.reject(new Aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(new Aborted());
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
