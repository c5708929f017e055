/**
 * The incident and uptime rules of CONTRACT §4.6 through the real result
 * store (thresholds applied) and the memory history, on a fake clock:
 * incidents start at the first failed probe, a blip under the threshold is
 * no incident and counts as up, a reopen within 5 minutes continues the
 * incident, a flapping check is one incident, maintenance counts for nothing.
 */
import t from 'tap';
import { feedHistory } from '../../../src/status/history/feed';
import { createMemoryHistory } from '../../../src/status/history/memory';
import { probeIncidentId } from '../../../src/status/history/incidents';
import { MINUTE } from '../../../src/status/history/types';
import { createResultStore } from '../../../src/store/store';
import type { ProbeStatus } from '../../../src/types';
import { makeConfig, probe } from '../../store/make-config';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const STEP = 10_000;

interface Case {
  name: string;
  failureThreshold?: number;
  successThreshold?: number;
  /** One probe per STEP ms from T0; 'x' = error, 'o' = ok, 'd' = degraded, ' ' = a 6-minute gap. */
  probes: string;
  /** [status, start step, end step | null] per incident, newest first. */
  incidents: Array<[string, number, number | null]>;
  /** Expected 24 h uptime. */
  uptime: number | null;
  maintenance?: [number, number];
  /**
   * In a cluster, the check's owner changes before this probe (step): a new
   * process, serving the old owner's state as adopted, probes from here on
   * into the same shared history. It knows nothing the old one remembered.
   */
  handover?: number;
}

const cases: Case[] = [
  { name: 'an outage starts at its first failed probe, not at the threshold crossing', failureThreshold: 3, probes: 'oooxxxxoo', incidents: [['error', 3, 7]], uptime: 55.56 },
  { name: 'a failure under the threshold that recovered is no incident and counts as up', failureThreshold: 3, probes: 'ooxxoooo', incidents: [], uptime: 100 },
  { name: 'with threshold 1 the crossing is the first failure', failureThreshold: 1, probes: 'oxxo', incidents: [['error', 1, 3]], uptime: 50 },
  { name: 'a recovery counts from its first good probe once it crosses the success threshold', failureThreshold: 1, successThreshold: 3, probes: 'oxxooo', incidents: [['error', 1, 3]], uptime: 66.67 },
  { name: 'good probes under the success threshold stay part of the outage', failureThreshold: 1, successThreshold: 3, probes: 'oxoxooo', incidents: [['error', 1, 4]], uptime: 57.14 },
  { name: 'a reopen within 5 minutes of closing continues the same incident', failureThreshold: 1, probes: 'oxooxo', incidents: [['error', 1, 5]], uptime: 66.67 },
  { name: 'a reopen after more than 5 minutes is a new incident', failureThreshold: 1, probes: 'ox o xo', incidents: [['error', 3, 4], ['error', 1, 2]], uptime: 60 },
  { name: 'a check flapping ok and degraded every probe for 30 s and more is one incident', probes: 'odododododododododododododododo', incidents: [['degraded', 1, 30]], uptime: 100 },
  { name: 'degraded escalated to error is one incident, with the worst status', failureThreshold: 1, probes: 'oddxxo', incidents: [['error', 1, 5]], uptime: 66.67 },
  { name: 'failures inside a maintenance window count neither against uptime nor as an incident', failureThreshold: 1, probes: 'ooxxxoo', incidents: [], uptime: 100, maintenance: [2, 5] },
  { name: 'a check still failing when its window ends opens its incident at its first probe after the window', failureThreshold: 1, probes: 'ooxxxxxoo', incidents: [['error', 5, 7]], uptime: 66.67, maintenance: [2, 5] },
  { name: 'a check that turned degraded inside its window and is still degraded after it is an incident too', failureThreshold: 1, probes: 'oodddddoo', incidents: [['degraded', 5, 7]], uptime: 100, maintenance: [2, 5] },
  { name: 'a check that failed and recovered inside its window opens nothing after it', failureThreshold: 1, probes: 'ooxxoooo', incidents: [], uptime: 100, maintenance: [2, 6] },
  { name: 'a new owner taking over during the window opens the incident after it, as the old owner would have', failureThreshold: 1, probes: 'ooxxxxxoo', incidents: [['error', 5, 7]], uptime: 66.67, maintenance: [2, 5], handover: 4 },
  { name: 'a new owner taking over a check that is down outside any window joins the open incident, never a second one', failureThreshold: 1, probes: 'ooxxxxoo', incidents: [['error', 2, 6]], uptime: 50, handover: 4 },
  { name: 'a new owner taking over after the window, once the incident is open, opens no second one', failureThreshold: 1, probes: 'ooxxxxxxoo', incidents: [['error', 5, 8]], uptime: 57.14, maintenance: [2, 5], handover: 7 },
];

const STATUS: Record<string, ProbeStatus> = { x: 'error', o: 'ok', d: 'degraded' };

for (const c of cases) {
  t.test(c.name, async (t) => {
    let clock = T0;
    const config = makeConfig('db', { failureThreshold: c.failureThreshold ?? 2, successThreshold: c.successThreshold ?? 1, interval: 60 * MINUTE });
    let store = createResultStore([config], { now: () => clock });
    const history = createMemoryHistory(['db'], { now: () => clock });
    // Steps map to times: a gap adds 6 minutes before the next probe.
    const times: number[] = [];
    let at = T0;
    for (const ch of c.probes) {
      if (ch === ' ') at += 6 * MINUTE;
      else {
        times.push(at);
        at += STEP;
      }
    }
    const window = c.maintenance ? [times[c.maintenance[0]]!, times[c.maintenance[1]]!] : null;
    const feedOpts = { now: () => clock, inMaintenance: (_check: string, when: number) => window !== null && when >= window[0]! && when < window[1]! };
    let off = feedHistory(store, history, feedOpts);
    let k = 0;
    for (const ch of c.probes) {
      if (ch === ' ') continue;
      clock = times[k]!;
      if (k === c.handover) {
        off();
        const next = createResultStore([config], { now: () => clock });
        next.adopt('db', store.get('db')!);
        store = next;
        off = feedHistory(store, history, feedOpts);
      }
      store.record('db', probe(STATUS[ch]!, clock));
      k += 1;
    }
    clock += STEP;
    const got = history.incidents(50).map((i) => [i.status, times.indexOf(i.start), i.end === null ? null : times.indexOf(i.end)]);
    t.same(got, c.incidents, 'incidents [status, first probe, first good probe], newest first');
    t.equal(history.uptime('db')['24h'], c.uptime, '24 h uptime');
    for (const i of history.incidents(50)) t.match(probeIncidentId(i), /^probe-db-\d+$/);
  });
}

t.test('a change this process only adopted (a cluster peer decided it) opens no incident and records no probe', async (t) => {
  const config = makeConfig('db', { failureThreshold: 1 });
  const store = createResultStore([config], { now: () => T0 });
  const history = createMemoryHistory(['db'], { now: () => T0 });
  feedHistory(store, history, { now: () => T0 });
  store.adopt('db', { ...store.get('db')!, status: 'error', checkedAt: T0, consecutiveFailures: 1 });
  t.same(history.incidents(10), []);
  t.equal(history.uptime('db')['24h'], null);
});
