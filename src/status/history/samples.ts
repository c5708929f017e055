/**
 * Raw latency samples for p50/p95: a fixed-size ring per check, so a fast
 * probe cannot grow it; samples older than the window are skipped at read.
 */
import { DAY } from './types';
import { roundMs } from '../../units';

/** Samples kept per check (about 21 h at a 150 s interval; fewer hours for faster checks): 4 KB, as 10,000 checks need. */
export const MAX_SAMPLES = 500;
/** Only samples this recent count, ms. */
export const SAMPLE_WINDOW_MS = DAY;

export class SampleRing {
  // Float32: a latency needs no more than 7 significant digits.
  private readonly values = new Float32Array(MAX_SAMPLES);
  // Whole seconds since the epoch (fits a Uint32 until 2106): 2 KB per check less than ms in a Float64.
  private readonly times = new Uint32Array(MAX_SAMPLES);
  private next = 0;
  private filled = 0;

  add(t: number, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.values[this.next] = durationMs;
    this.times[this.next] = Math.floor(t / 1000);
    this.next = (this.next + 1) % MAX_SAMPLES;
    this.filled = Math.min(this.filled + 1, MAX_SAMPLES);
  }

  get size(): number {
    return this.filled;
  }

  /** p50 and p95 (nearest rank, ms, two decimals) of samples newer than now - window. */
  percentiles(now: number): { p50: number | null; p95: number | null } {
    const recent: number[] = [];
    for (let i = 0; i < this.filled; i += 1) if (this.times[i]! * 1000 > now - SAMPLE_WINDOW_MS) recent.push(this.values[i]!);
    if (recent.length === 0) return { p50: null, p95: null };
    recent.sort((a, b) => a - b);
    return { p50: rank(recent, 0.5), p95: rank(recent, 0.95) };
  }
}

function rank(sorted: readonly number[], q: number): number {
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return roundMs(v);
}
