import { roundMs } from '../units';

/**
 * Phase timings for a probe's details (`timings_ms`), in fractional ms with two
 * decimals. `duration_ms` stays the whole probe; these say where it went.
 */
export function createPhases() {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  return {
    /** Records the time since the previous mark (or creation) under `name`. */
    lap(name: string): void {
      const now = performance.now();
      timings[name] = roundMs(now - mark);
      mark = now;
    },
    /** Restarts the clock without recording (for a phase that did not happen). */
    skip(): void {
      mark = performance.now();
    },
    timings,
  };
}
