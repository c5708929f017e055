/**
 * Raw latency samples for p50/p95: a fixed-size ring per check, all checks'
 * rings in one arena, so a fast probe cannot grow it; samples older than the
 * window are skipped at read.
 */
import { DAY } from './types';
import { roundMs } from '../../units';

/** Samples kept per check (about 21 h at a 150 s interval; fewer hours for faster checks): 4 KB, as 10,000 checks need. */
export const MAX_SAMPLES = 500;
/** Only samples this recent count, ms. */
export const SAMPLE_WINDOW_MS = DAY;

/** One ring of MAX_SAMPLES per check, in arenas shared by every check; names outside the list are ignored (they would be unbounded). */
export class SampleRings {
  private readonly index: ReadonlyMap<string, number>;
  // Float32: a latency needs no more than 7 significant digits.
  private readonly values: Float32Array;
  // Whole seconds since the epoch (fits a Uint32 until 2106): 2 KB per check less than ms in a Float64.
  private readonly times: Uint32Array;
  private readonly next: Uint16Array;
  private readonly filled: Uint16Array;

  constructor(names: readonly string[]) {
    const checks = names.length;
    this.index = new Map(names.map((name, i) => [name, i]));
    this.values = new Float32Array(checks * MAX_SAMPLES);
    this.times = new Uint32Array(checks * MAX_SAMPLES);
    // Touched now, as the bucket arenas are: a full history's memory is resident from the start.
    this.values.fill(0);
    this.times.fill(0);
    this.next = new Uint16Array(checks);
    this.filled = new Uint16Array(checks);
  }

  add(check: string, t: number, durationMs: number): void {
    const c = this.index.get(check);
    if (c === undefined || !Number.isFinite(durationMs) || durationMs < 0) return;
    const at = c * MAX_SAMPLES + this.next[c]!;
    this.values[at] = durationMs;
    this.times[at] = Math.floor(t / 1000);
    this.next[c] = (this.next[c]! + 1) % MAX_SAMPLES;
    this.filled[c] = Math.min(this.filled[c]! + 1, MAX_SAMPLES);
  }

  /** Samples held, all checks together. */
  size(): number {
    return this.filled.reduce((n, f) => n + f, 0);
  }

  /** p50 and p95 (nearest rank, ms, two decimals) of the check's samples newer than now - window. */
  percentiles(check: string, now: number): { p50: number | null; p95: number | null } {
    const c = this.index.get(check);
    if (c === undefined) return { p50: null, p95: null };
    const recent: number[] = [];
    const base = c * MAX_SAMPLES;
    for (let i = base; i < base + this.filled[c]!; i += 1) if (this.times[i]! * 1000 > now - SAMPLE_WINDOW_MS) recent.push(this.values[i]!);
    if (recent.length === 0) return { p50: null, p95: null };
    recent.sort((a, b) => a - b);
    return { p50: rank(recent, 0.5), p95: rank(recent, 0.95) };
  }
}

function rank(sorted: readonly number[], q: number): number {
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return roundMs(v);
}
