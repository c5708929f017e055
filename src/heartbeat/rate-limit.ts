/**
 * A token bucket per heartbeat: `perMinute` pings in a burst, refilled
 * evenly over a minute. A job stuck in a loop gets 429 instead of turning
 * every ping into a database write. Per replica: in a cluster each replica
 * admits its own share, which bounds the total to replicas × perMinute.
 */
export interface RateLimiter {
  /** 0 when the ping may pass (and takes a token), else ms until one is available. */
  take(name: string, now?: number): number;
}

export function createRateLimiter(limits: ReadonlyMap<string, number>): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(name, now = Date.now()) {
      const perMinute = limits.get(name);
      if (perMinute === undefined) return 0;
      const perMs = perMinute / 60_000;
      const b = buckets.get(name) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(name, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
  };
}
