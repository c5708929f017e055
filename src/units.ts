/** Milliseconds as served and logged: two decimals (2.41), whatever the clock's resolution. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
