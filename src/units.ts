/** Milliseconds as served and logged: two decimals (2.41), whatever the clock's resolution. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

let lastMs = NaN;
let lastIso = '';

/**
 * `new Date(ms).toISOString()`, remembered for the last millisecond asked:
 * formatting costs about a microsecond, and a busy service stamps many
 * responses and log lines within the same millisecond.
 */
export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
