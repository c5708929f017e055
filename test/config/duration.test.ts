import t from 'tap';
import { formatDuration, parseDuration } from '../../src/config/duration';
import { parseBytes } from '../../src/config/bytes';

const durations: readonly (readonly [unknown, number | null])[] = [
  [0, 0],
  [250, 250],
  [1500.4, 1500],
  ['250ms', 250],
  ['3s', 3_000],
  ['5m', 300_000],
  ['1h', 3_600_000],
  ['14d', 1_209_600_000],
  ['1.5s', 1_500],
  ['1m30s', 90_000],
  ['1h30m', 5_400_000],
  ['3000', 3_000],
  [' 3s ', 3_000],
  ['0', 0],
  ['0s', 0],
  // Not durations:
  ['3 seconds', null],
  ['3S', null],
  ['s', null],
  ['', null],
  ['-1s', null],
  [-1, null],
  [Number.NaN, null],
  [Number.POSITIVE_INFINITY, null],
  ['1e3', null],
  ['1y', null],
  ['3s5', null],
  [null, null],
  [undefined, null],
  [true, null],
  [[3], null],
  [{ s: 3 }, null],
  ['999999999999999999999d', null],
];

for (const [input, expected] of durations) {
  t.equal(parseDuration(input), expected, `parseDuration(${JSON.stringify(input) ?? String(input)}) is ${expected}`);
}

const formats: readonly (readonly [number, string])[] = [
  [0, '0ms'],
  [250, '250ms'],
  [1_500, '1500ms'],
  [3_000, '3s'],
  [90_000, '90s'],
  [300_000, '5m'],
  [3_600_000, '1h'],
  [1_209_600_000, '14d'],
  [2.5, '2.5ms'],
];
for (const [ms, expected] of formats) t.equal(formatDuration(ms), expected, `formatDuration(${ms}) is ${expected}`);

t.test('formatDuration output parses back to the same ms', async (t) => {
  for (const ms of [0, 1, 999, 1_000, 61_000, 3_600_000, 86_400_000 * 3]) t.equal(parseDuration(formatDuration(ms)), ms);
});

const sizes: readonly (readonly [unknown, number | null])[] = [
  [0, 0],
  [1024, 1024],
  ['512', 512],
  ['64kb', 64_000],
  ['512MB', 512_000_000],
  ['1GiB', 1024 ** 3],
  ['1.5 KiB', 1536],
  ['1 gigabyte', null],
  [-1, null],
  [1.5, null],
  ['lots', null],
  [null, null],
];
for (const [input, expected] of sizes) t.equal(parseBytes(input), expected, `parseBytes(${JSON.stringify(input)}) is ${expected}`);
