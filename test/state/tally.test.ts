import t from 'tap';
import { isStarted, overallStatus } from '../../src/state/aggregate';
import { createTally } from '../../src/state/tally';
import type { CheckState } from '../../src/types';
import { state } from '../store/make-config';

// Every kind of served state the rules treat differently, heartbeats waiting for their first ping included.
const KINDS: readonly CheckState[] = [
  state('ok'),
  state('degraded', { status: 'degraded' }),
  state('error', { status: 'error' }),
  state('stale', { status: 'unknown' }),
  state('never-probed', { status: 'unknown', checkedAt: null }),
  state('optional-error', { status: 'error', critical: false }),
  state('optional-never', { status: 'unknown', checkedAt: null, critical: false }),
  state('job-waiting', { type: 'heartbeat', status: 'unknown', checkedAt: null }),
  state('job-late', { type: 'heartbeat', status: 'error' }),
];

t.test('the running tally agrees with overallStatus and isStarted for every pair of states, added and taken back', async (t) => {
  for (const a of KINDS) {
    for (const b of KINDS) {
      const tally = createTally();
      tally.count(a, 1);
      tally.count(b, 1);
      const states = [a, b];
      const label = `${a.name} + ${b.name}`;
      t.equal(tally.status(), overallStatus(states), `${label}: status`);
      t.equal(tally.started(), isStarted(states), `${label}: started`);
      tally.count(b, -1);
      t.equal(tally.status(), overallStatus([a]), `${label} - ${b.name}: status`);
      t.equal(tally.started(), isStarted([a]), `${label} - ${b.name}: started`);
    }
  }
});
