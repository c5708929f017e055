/**
 * The heartbeat's pure parts with a fake clock: when the next ping is due
 * (period, cron in a zone with DST), how a ping changes the state (runs tied
 * by rid), the verdict at each moment, and the per-check rate limit.
 */
import t from 'tap';
import { evaluateHeartbeat } from '../../src/heartbeat/evaluate';
import { applyPing, MAX_OPEN_RUNS, type Ping, type PingState } from '../../src/heartbeat/pings';
import { createRateLimiter } from '../../src/heartbeat/rate-limit';
import { cronProblem } from '../../src/config/cron';
import { nextExpected } from '../../src/heartbeat/schedule';

const at = (iso: string) => Date.parse(iso);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

t.test('the next expected ping, by cron and zone (a fake clock)', async (t) => {
  const cases = [
    { name: 'a daily UTC job pinged at 02:31 is next due at 02:30 the day after', schedule: '30 2 * * *', tz: 'UTC', after: '2026-06-10T02:31:00Z', want: '2026-06-11T02:30:00Z' },
    { name: 'a ping just before the cron time is for the run about to start', schedule: '30 2 * * *', tz: 'UTC', after: '2026-06-10T02:29:00Z', want: '2026-06-10T02:30:00Z' },
    { name: 'Berlin summer time: 02:30 local is 00:30 UTC', schedule: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-06-10T12:00:00Z', want: '2026-06-11T00:30:00Z' },
    { name: 'Berlin winter time: 02:30 local is 01:30 UTC', schedule: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-01-10T12:00:00Z', want: '2026-01-11T01:30:00Z' },
    { name: 'spring forward (29 March 2026): 02:30 does not exist in Berlin, the run is due at 03:00 CEST', schedule: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-03-28T12:00:00Z', want: '2026-03-29T01:00:00Z' },
    { name: 'the day after spring forward is back to 02:30 CEST', schedule: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-03-29T02:00:00Z', want: '2026-03-30T00:30:00Z' },
    { name: 'fall back (25 October 2026): 02:30 happens twice, the first one counts', schedule: '30 2 * * *', tz: 'Europe/Berlin', after: '2026-10-24T12:00:00Z', want: '2026-10-25T00:30:00Z' },
    { name: 'an hourly job across fall back: the repeated hour is not skipped', schedule: '0 * * * *', tz: 'Europe/Berlin', after: '2026-10-25T00:30:00Z', want: '2026-10-25T01:00:00Z' },
    { name: 'weekdays only: a Friday ping is next due on Monday', schedule: '0 6 * * 1-5', tz: 'UTC', after: '2026-06-12T06:05:00Z', want: '2026-06-15T06:00:00Z' },
  ];
  for (const c of cases) {
    const next = nextExpected({ period: null, schedule: c.schedule, timezone: c.tz });
    t.equal(new Date(next(at(c.after))).toISOString(), new Date(at(c.want)).toISOString(), c.name);
  }
  t.equal(nextExpected({ period: 5 * MIN, schedule: null, timezone: 'UTC' })(1_000), 1_000 + 5 * MIN, 'a period counts from the last ping');
});

t.test('cron problems found at validation', async (t) => {
  t.equal(cronProblem('30 2 * * *', 'Europe/Berlin'), null, 'a valid expression');
  t.match(cronProblem('61 * * * *', 'UTC'), /not a valid cron expression .*minute/, 'a minute out of range');
  t.match(cronProblem('* * * *', 'UTC'), /has 4 fields/, 'four fields');
  t.match(cronProblem('0 0 30 2 *', 'UTC'), /never fires/, 'the 30th of February');
});

const ping = (p: Partial<Ping> & { at: number }): Ping => ({ kind: 'success', exitCode: null, rid: null, note: null, ...p });
const replay = (pings: Ping[]): PingState | null => pings.reduce<PingState | null>((s, p) => applyPing(s, p), null);

t.test('pings and runs', async (t) => {
  const s = replay([ping({ kind: 'start', at: 0 }), ping({ at: 90 * S, note: 'done' })]);
  t.equal(s?.lastDurationMs, 90 * S, 'a start then a success gives the run duration');
  t.same(s?.runs, {}, 'the run is closed');
  t.equal(s?.note, 'done');

  const overlap = replay([
    ping({ kind: 'start', rid: 'a', at: 0 }),
    ping({ kind: 'start', rid: 'b', at: 10 * S }),
    ping({ kind: 'success', rid: 'a', at: 30 * S }),
  ]);
  t.equal(overlap?.lastDurationMs, 30 * S, 'rid ties the end to its own start, not the latest one');
  t.same(Object.keys(overlap?.runs ?? {}), ['b'], 'the other run stays open');

  const many = replay(Array.from({ length: MAX_OPEN_RUNS + 5 }, (_, i) => ping({ kind: 'start', rid: `r${i}`, at: i })));
  t.equal(Object.keys(many?.runs ?? {}).length, MAX_OPEN_RUNS, 'open runs are bounded');
  t.notOk('r0' in (many?.runs ?? {}), 'the oldest open run goes first');

  const coded = replay([ping({ kind: 'fail', exitCode: 3, at: 5 })]);
  t.equal(coded?.lastExitCode, 3);
  t.equal(coded?.lastFailureAt, 5);
});

t.test('the verdict over time (period 10 min, grace 5 min)', async (t) => {
  const config = { period: 10 * MIN, schedule: null, timezone: 'UTC', grace: 5 * MIN };
  const next = nextExpected(config);
  const since = 0;
  const judge = (state: PingState | null | undefined, now: number) => evaluateHeartbeat({ config, next, state, now, since });
  const ok = replay([ping({ at: 1 * H })]);
  const cases: Array<{ name: string; state: PingState | null | undefined; now: number; status: string; kind?: string }> = [
    { name: 'storage not read yet: no verdict', state: undefined, now: 5 * H, status: 'unknown' },
    { name: 'never pinged, within the first period + grace after start: no verdict (never a false error)', state: null, now: 14 * MIN, status: 'unknown' },
    { name: 'never pinged, past the first period + grace after start: error', state: null, now: 16 * MIN, status: 'error', kind: 'timeout' },
    { name: 'pinged, before the next is due: ok', state: ok, now: 1 * H + 9 * MIN, status: 'ok' },
    { name: 'overdue within grace: degraded', state: ok, now: 1 * H + 12 * MIN, status: 'degraded', kind: 'timeout' },
    { name: 'overdue past grace: error', state: ok, now: 1 * H + 16 * MIN, status: 'error', kind: 'timeout' },
    { name: 'a failure after the last success: error at once', state: replay([ping({ at: 1 * H }), ping({ kind: 'fail', at: 1 * H + MIN })]), now: 1 * H + 2 * MIN, status: 'error', kind: 'assertion' },
    { name: 'a non-zero exit code: error', state: replay([ping({ kind: 'fail', exitCode: 2, at: 1 * H })]), now: 1 * H + MIN, status: 'error', kind: 'assertion' },
    { name: 'exit code 0 after a failure: ok again', state: replay([ping({ kind: 'fail', at: 1 * H }), ping({ exitCode: 0, at: 1 * H + MIN })]), now: 1 * H + 2 * MIN, status: 'ok' },
    { name: 'a run started within grace: ok even though the period has passed', state: replay([ping({ at: 0 }), ping({ kind: 'start', at: 12 * MIN })]), now: 14 * MIN, status: 'ok' },
    { name: 'a run started and not finished past its grace: error', state: replay([ping({ at: 0 }), ping({ kind: 'start', at: 12 * MIN })]), now: 18 * MIN, status: 'error', kind: 'timeout' },
    { name: 'only a start, running within grace: ok', state: replay([ping({ kind: 'start', at: 0 })]), now: 4 * MIN, status: 'ok' },
  ];
  for (const c of cases) {
    const out = judge(c.state, c.now);
    t.equal(out.status, c.status, c.name);
    if (c.kind) t.equal(out.errorKind, c.kind, `${c.name}: kind ${c.kind}`);
  }
  const details = judge(replay([ping({ kind: 'start', at: 0 }), ping({ kind: 'fail', exitCode: 4, at: 30 * S })]), MIN).details ?? {};
  t.match(details, { last_ping_at: new Date(30 * S).toISOString(), last_exit_code: 4, last_duration_ms: 30 * S, last_ping_kind: 'fail' }, 'details carry the last ping, exit code and duration');
  t.equal(details.expected_at, null, 'no success yet: nothing is expected');
  t.equal(judge(ok, 1 * H).details?.expected_at, new Date(1 * H + 10 * MIN).toISOString(), 'expected_at follows the last success');
  const noted = replay([ping({ at: 0, note: 'exported 12 rows' })]);
  t.notOk('last_note' in (judge(noted, MIN).details ?? {}), 'the note is not shown by default');
  t.equal(evaluateHeartbeat({ config, next, state: noted, now: MIN, since, showNote: true }).details?.last_note, 'exported 12 rows', 'shown where asked');
});

t.test('the rate limit: a burst of perMinute, then one every 60/perMinute s', async (t) => {
  const limiter = createRateLimiter(new Map([['job', 6]]));
  const results = Array.from({ length: 7 }, () => limiter.take('job', 0));
  t.same(results.slice(0, 6), [0, 0, 0, 0, 0, 0], 'a burst of 6 passes');
  t.equal(results[6], 10 * S, 'the 7th waits 10 s');
  t.equal(limiter.take('job', 10 * S), 0, 'one more after 10 s');
  t.ok(limiter.take('job', 10 * S) > 0, 'but not two');
  t.equal(limiter.take('other', 0), 0, 'an unlimited name passes');
});
