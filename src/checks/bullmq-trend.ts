/**
 * "Waiting count rising for this long" (the JobQueueGrowing alert), computed
 * from the check's own recent samples. Pure: timestamps are passed in.
 */

export interface Sample {
  /** Epoch ms. */
  readonly at: number;
  readonly waiting: number;
}

/** Samples kept per queue at most, whatever the interval. */
export const MAX_SAMPLES = 512;

/**
 * Appends `sample` to `samples` (in place, oldest first) and drops samples
 * older than `keepMs` before it, and any past MAX_SAMPLES.
 */
export function addSample(samples: Sample[], sample: Sample, keepMs: number): void {
  samples.push(sample);
  while (samples.length > 0 && (samples.length > MAX_SAMPLES || samples[0]!.at < sample.at - keepMs)) samples.shift();
}

/**
 * How long (ms) the waiting count has been rising up to the latest sample:
 * the span of the trailing run in which it never went down, provided it went
 * up overall (a plateau is patience, not growth). null when not rising.
 * A run reaching the oldest kept sample is reported from that sample.
 */
export function growingForMs(samples: readonly Sample[]): number | null {
  const last = samples[samples.length - 1];
  if (last === undefined) return null;
  let start = samples.length - 1;
  while (start > 0 && samples[start - 1]!.waiting <= samples[start]!.waiting) start--;
  const first = samples[start]!;
  return last.waiting > first.waiting ? last.at - first.at : null;
}
