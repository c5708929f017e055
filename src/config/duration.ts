/**
 * Durations in config: a number of milliseconds, or a string with units
 * (`250ms`, `3s`, `5m`, `1h`, `14d`, also compound like `1m30s`).
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// "ms" before "m" so that "5ms" is five milliseconds, not five minutes and an "s".
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Parses a duration to whole milliseconds (rounded). Accepts a non-negative
 * finite number (ms), a numeric string (ms, as `${VAR:-3000}` produces), or a
 * string with units. Returns null for anything else (negative, NaN, "3 seconds").
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  let ms: number;
  if (PLAIN_NUMBER.test(text)) {
    ms = Number(text);
  } else if (WHOLE.test(text)) {
    ms = 0;
    for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit!] ?? Number.NaN);
  } else {
    return null;
  }
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
}

const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Formats ms with the largest unit that divides it exactly: 15000 -> "15s", 1500 -> "1500ms". */
export function formatDuration(ms: number): string {
  if (Number.isInteger(ms) && ms > 0) {
    for (const [unit, size] of FORMAT_UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
