/**
 * Turns per-queue readings into one outcome: pure, so thresholds are tested
 * without Redis.
 */
import type { BullmqCheckConfig, Outcome } from '../types';

export type JobState = 'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'prioritized' | 'waiting-children';

/** One queue's entry in details (metrics read this shape). */
export interface QueueReport {
  readonly counts: Readonly<Record<JobState, number>>;
  readonly workers: number;
  readonly paused: boolean;
  /** Seconds since the oldest waiting job became waiting; null when none waits. */
  readonly oldest_waiting_age_s: number | null;
  /** Seconds the waiting count has been rising; null when it is not. */
  readonly waiting_growing_for_s: number | null;
}

type Thresholds = Pick<BullmqCheckConfig, 'minWorkers' | 'maxWaiting' | 'maxOldestWaitingAge' | 'growingFor'>;

const seconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** error if any queue lacks workers; else degraded if any is over a limit; problems named in one sentence. */
export function judgeQueues(t: Thresholds, queues: Readonly<Record<string, QueueReport>>): Outcome {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const [name, q] of Object.entries(queues)) {
    if (q.workers < t.minWorkers) errors.push(`queue ${name} has ${q.workers} workers (minimum ${t.minWorkers})`);
    const waiting = q.counts.waiting + q.counts.prioritized;
    if (t.maxWaiting !== null && waiting > t.maxWaiting) warnings.push(`queue ${name} has ${waiting} waiting jobs (maximum ${t.maxWaiting})`);
    if (t.maxOldestWaitingAge !== null && q.oldest_waiting_age_s !== null && q.oldest_waiting_age_s * 1000 > t.maxOldestWaitingAge) {
      warnings.push(`queue ${name} oldest waiting job is ${Math.round(q.oldest_waiting_age_s)} s old (maximum ${seconds(t.maxOldestWaitingAge)})`);
    }
    if (t.growingFor !== null && q.waiting_growing_for_s !== null && q.waiting_growing_for_s * 1000 >= t.growingFor) {
      warnings.push(`queue ${name} waiting count rising for ${Math.round(q.waiting_growing_for_s)} s`);
    }
  }
  const details = { queues };
  if (errors.length > 0) return { status: 'error', errorKind: 'assertion', error: [...errors, ...warnings].join('; '), details };
  if (warnings.length > 0) return { status: 'degraded', errorKind: 'assertion', error: warnings.join('; '), details };
  return { status: 'ok', details };
}
