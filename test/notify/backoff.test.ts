/** The pure parts of retrying: backoff grows, jitters and is capped; Retry-After in seconds or as a date, bounded. */
import t from 'tap';
import { backoff, retryAfterMs } from '../../src/notify/queue';

t.test('backoff doubles from the base, between half and all of it, capped', async (t) => {
  const tuning = { baseDelayMs: 1_000, maxDelayMs: 60_000 };
  for (const [n, ceiling] of [[1, 1_000], [2, 2_000], [3, 4_000], [6, 32_000], [7, 60_000], [20, 60_000]] as const) {
    for (let i = 0; i < 50; i++) {
      const d = backoff(n, tuning);
      if (d < ceiling / 2 || d > ceiling) t.fail(`attempt ${n}: ${d} ms outside [${ceiling / 2}, ${ceiling}]`);
    }
  }
  const spread = new Set(Array.from({ length: 50 }, () => backoff(5, tuning)));
  t.ok(spread.size > 10, 'jittered: replicas retrying together spread out');
});

t.test('Retry-After', async (t) => {
  const now = Date.parse('2026-12-01T09:00:00Z');
  t.equal(retryAfterMs(null, now), undefined);
  t.equal(retryAfterMs('3', now), 3_000);
  t.equal(retryAfterMs('Tue, 01 Dec 2026 09:00:30 GMT', now), 30_000);
  t.equal(retryAfterMs('Tue, 01 Dec 2026 08:00:00 GMT', now), 0, 'a date in the past: at once');
  t.equal(retryAfterMs('86400', now), 600_000, 'capped at 10 minutes: a hostile value cannot park the queue');
  t.equal(retryAfterMs('soon', now), undefined);
});
