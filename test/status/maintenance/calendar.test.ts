/**
 * The maintenance calendar with a fake clock: recurring windows through
 * croner in their IANA zone (a DST day in Europe/Berlin included), one-off
 * windows, the cached active set, and the started/ended changes a timer
 * reports.
 */
import t from 'tap';
import { calendarAt, createCalendar, occurrenceId, recurringWindows, type OneOffWindow } from '../../../src/status/maintenance/calendar';
import type { MaintenanceWindowConfig } from '../../../src/types';

const MIN = 60_000;
const at = (s: string) => Date.parse(s);
const win = (over: Partial<MaintenanceWindowConfig>): MaintenanceWindowConfig => ({
  name: 'nightly', checks: ['database'], schedule: '0 3 * * *', duration: 30 * MIN, timezone: 'UTC', ...over,
});

// Each row: a recurring window, an instant, and whether `database` is in maintenance then.
const cases: Array<{ name: string; window: MaintenanceWindowConfig; at: string; active: boolean }> = [
  { name: 'UTC window: at its start', window: win({}), at: '2026-06-01T03:00:00Z', active: true },
  { name: 'UTC window: one minute before', window: win({}), at: '2026-06-01T02:59:00Z', active: false },
  { name: 'UTC window: last minute', window: win({}), at: '2026-06-01T03:29:59Z', active: true },
  { name: 'UTC window: at its end (end is exclusive)', window: win({}), at: '2026-06-01T03:30:00Z', active: false },
  { name: 'Berlin in summer (CEST, +2): 03:00 local is 01:00Z', window: win({ timezone: 'Europe/Berlin' }), at: '2026-06-01T01:10:00Z', active: true },
  { name: 'Berlin in summer: 03:00Z is 05:00 local, outside', window: win({ timezone: 'Europe/Berlin' }), at: '2026-06-01T03:10:00Z', active: false },
  { name: 'Berlin in winter (CET, +1): 03:00 local is 02:00Z', window: win({ timezone: 'Europe/Berlin' }), at: '2026-01-15T02:10:00Z', active: true },
  { name: 'Berlin in winter: 01:10Z is 02:10 local, outside', window: win({ timezone: 'Europe/Berlin' }), at: '2026-01-15T01:10:00Z', active: false },
  // 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST; 03:00 local exists and is 01:00Z.
  { name: 'Berlin DST day (spring forward): 03:00 CEST = 01:00Z', window: win({ timezone: 'Europe/Berlin' }), at: '2026-03-29T01:05:00Z', active: true },
  { name: 'Berlin DST day: 02:05Z (04:05 CEST) is outside', window: win({ timezone: 'Europe/Berlin' }), at: '2026-03-29T02:05:00Z', active: false },
  // 02:30 does not exist that day: croner runs it at the first instant after the gap, 03:00 CEST.
  { name: 'Berlin DST day: a 02:30 window that cannot exist runs at 03:00 CEST', window: win({ schedule: '30 2 * * *', timezone: 'Europe/Berlin' }), at: '2026-03-29T01:10:00Z', active: true },
  { name: 'Berlin DST day: ...and not at 02:30 CET (00:30Z... which is 01:30 local)', window: win({ schedule: '30 2 * * *', timezone: 'Europe/Berlin' }), at: '2026-03-29T00:40:00Z', active: false },
  // 2026-10-25: 02:30 local happens twice; the window runs once, at the first (CEST, 00:30Z).
  { name: 'Berlin fall back: 02:30 runs at the first 02:30 (00:30Z)', window: win({ schedule: '30 2 * * *', timezone: 'Europe/Berlin' }), at: '2026-10-25T00:40:00Z', active: true },
  { name: 'Berlin fall back: not again at the second 02:30 (01:30Z)', window: win({ schedule: '30 2 * * *', timezone: 'Europe/Berlin', duration: 20 * MIN }), at: '2026-10-25T01:40:00Z', active: false },
  { name: 'New York weekly on Sundays, 22:00 local (EST, -5) is 03:00Z Monday', window: win({ schedule: '0 22 * * SUN', timezone: 'America/New_York', duration: 2 * 60 * MIN }), at: '2026-01-19T03:30:00Z', active: true },
  { name: 'New York weekly: not on Monday night', window: win({ schedule: '0 22 * * SUN', timezone: 'America/New_York', duration: 2 * 60 * MIN }), at: '2026-01-20T03:30:00Z', active: false },
  { name: 'a window longer than its period covers the gap (every 10 min, 15 min long)', window: win({ schedule: '*/10 * * * *', duration: 15 * MIN }), at: '2026-06-01T03:09:59Z', active: true },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const state = calendarAt(at(c.at), recurringWindows([c.window]), []);
    t.equal(state.checks.has('database'), c.active);
    t.equal(state.checks.has('cache'), false, 'a check the window does not name is never in maintenance');
    const listed = state.windows[0];
    t.ok(listed, 'the current or next occurrence is listed');
    t.equal(listed!.status, c.active ? 'active' : 'upcoming');
    t.equal(listed!.source, 'config');
    t.equal(listed!.title, c.window.name);
    t.ok(state.until > at(c.at), 'valid until a later boundary');
  });
}

t.test('the listed occurrence: start and end in UTC, and an id every replica derives alike', async (t) => {
  const state = calendarAt(at('2026-03-28T12:00:00Z'), recurringWindows([win({ timezone: 'Europe/Berlin' })]), []);
  const w = state.windows[0]!;
  t.equal(w.starts_at, '2026-03-29T01:00:00.000Z', 'next 03:00 Berlin is after the spring-forward: 01:00Z');
  t.equal(w.ends_at, '2026-03-29T01:30:00.000Z');
  t.equal(w.id, occurrenceId('nightly', at('2026-03-29T01:00:00Z')));
  t.equal(state.until, at('2026-03-28T13:00:00Z'), 'nothing changes before that start: valid for the hour the calendar re-checks at');
  t.equal(calendarAt(at('2026-03-29T00:30:00Z'), recurringWindows([win({ timezone: 'Europe/Berlin' })]), []).until, at('2026-03-29T01:00:00Z'), 'within the hour: valid until the start');
});

const oneOff = (over: Partial<OneOffWindow> = {}): OneOffWindow => ({
  id: 'w1', title: 'upgrade', components: ['cache'], starts_at: '2026-06-01T10:00:00.000Z', ends_at: '2026-06-01T11:00:00.000Z',
  message: null, created_at: '2026-05-30T00:00:00.000Z', ...over,
});

t.test('one-off windows: upcoming, active, completed, and the states listed apart', async (t) => {
  const recurring = recurringWindows([]);
  for (const [instant, status] of [['2026-06-01T09:59:59Z', 'upcoming'], ['2026-06-01T10:00:00Z', 'active'], ['2026-06-01T11:00:00Z', 'completed']] as const) {
    const s = calendarAt(at(instant), recurring, [oneOff()]);
    t.equal(s.windows[0]!.status, status, `${instant}: ${status}`);
    t.equal(s.checks.has('cache'), status === 'active');
    t.same(s.byState[status].map((w) => w.id), ['w1']);
  }
});

t.test('createCalendar: inMaintenance for now and for another instant, cached until the boundary, changes reported once', async (t) => {
  let now = at('2026-06-01T09:00:00Z');
  const windows = [oneOff()];
  const cal = createCalendar({ recurring: [win({ checks: ['database'] })], oneOff: () => windows, now: () => now });
  t.equal(cal.inMaintenance('cache'), false);
  t.equal(cal.inMaintenance('cache', at('2026-06-01T10:30:00Z')), true, 'a future instant is computed, not read from the cache');
  t.equal(cal.inMaintenance('database', at('2026-06-01T03:10:00Z')), true, 'and a past one');
  const first = cal.windows('active');
  t.equal(cal.windows('active'), first, 'the same array while nothing changes (routes cache by it)');

  const seen: string[] = [];
  cal.start((changes) => seen.push(...changes.map((c) => `${c.action} ${c.window.id}`)));
  t.teardown(() => cal.stop());
  now = at('2026-06-01T10:00:00Z');
  t.equal(cal.inMaintenance('cache'), true, 'the boundary passed: recomputed on the next call');
  t.same(seen, ['started w1']);
  t.not(cal.windows('active'), first);
  now = at('2026-06-01T10:00:01Z');
  cal.inMaintenance('cache');
  t.same(seen, ['started w1'], 'reported once');
  t.equal(cal.inMaintenance('cache', at('2026-06-01T09:59:59.990Z')), false, 'just before the boundary: the previous state answers');
  now = at('2026-06-01T11:00:00Z');
  t.equal(cal.inMaintenance('cache'), false);
  t.same(seen, ['started w1', 'ended w1']);

  windows.push(oneOff({ id: 'w2', starts_at: '2026-06-01T10:30:00.000Z', ends_at: '2026-06-01T12:00:00.000Z' }));
  t.same(cal.refresh().map((c) => `${c.action} ${c.window.id}`), ['started w2'], 'a window added while active starts at once');
  windows.splice(1, 1);
  t.same(cal.refresh().map((c) => `${c.action} ${c.window.id}`), ['ended w2'], 'and a removed one ends');
});

t.test('the boundary timer fires by itself (real clock, a window 1 s from now)', async (t) => {
  const start = Date.now() + 1_000;
  const cal = createCalendar({
    recurring: [],
    oneOff: () => [oneOff({ starts_at: new Date(start).toISOString(), ends_at: new Date(start + 1_000).toISOString() })],
  });
  t.teardown(() => cal.stop());
  const seen: string[] = [];
  // The calendar's timer is unref'ed (it must not hold a process open): hold this one open meanwhile.
  const keep = setTimeout(() => undefined, 10_000);
  t.teardown(() => clearTimeout(keep));
  await new Promise<void>((resolve) => {
    cal.start((changes) => {
      seen.push(...changes.map((c) => c.action));
      if (seen.length >= 2) resolve();
    });
  });
  t.same(seen, ['started', 'ended']);
});
