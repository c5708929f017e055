import t from 'tap';
import { isStarted, overallStatus, withCausedBy } from '../../src/state/aggregate';
import type { CheckStatus } from '../../src/types';
import { state } from '../store/make-config';

t.test('overall status from one check: critical and non-critical × every status', async (t) => {
  const table: [boolean, CheckStatus, string][] = [
    [true, 'ok', 'ok'],
    [true, 'degraded', 'degraded'],
    [true, 'error', 'error'],
    [true, 'unknown', 'error'],
    [false, 'ok', 'ok'],
    [false, 'degraded', 'degraded'],
    [false, 'error', 'degraded'],
    [false, 'unknown', 'ok'],
  ];
  for (const [critical, status, want] of table) {
    t.equal(overallStatus([state('a', { critical, status })]), want, `${critical ? 'critical' : 'non-critical'} ${status} -> ${want}`);
  }
});

t.test('overall status over several checks', async (t) => {
  const cases: { name: string; checks: [boolean, CheckStatus][]; want: string }[] = [
    { name: 'no checks at all is ok', checks: [], want: 'ok' },
    { name: 'all ok is ok', checks: [[true, 'ok'], [false, 'ok']], want: 'ok' },
    { name: 'a critical error wins over degraded', checks: [[false, 'degraded'], [true, 'error']], want: 'error' },
    { name: 'a critical unknown is error even after a degraded', checks: [[true, 'degraded'], [true, 'unknown']], want: 'error' },
    { name: 'a non-critical error only degrades', checks: [[true, 'ok'], [false, 'error']], want: 'degraded' },
    { name: 'a non-critical unknown beside ok is ok', checks: [[true, 'ok'], [false, 'unknown']], want: 'ok' },
  ];
  for (const c of cases) {
    const states = c.checks.map(([critical, status], i) => state(`c${i}`, { critical, status }));
    t.equal(overallStatus(states), c.want, c.name);
  }
});

t.test('started: every critical check has a first result', async (t) => {
  t.equal(isStarted([]), true, 'nothing to wait for');
  t.equal(isStarted([state('a'), state('b', { critical: false, checkedAt: null })]), true, 'non-critical checks are not waited for');
  t.equal(isStarted([state('a'), state('b', { checkedAt: null, status: 'unknown' })]), false, 'a critical check not yet probed');
  t.equal(isStarted([state('a', { status: 'unknown', checkedAt: 5 })]), true, 'a stale critical check has had its first result');
});

const deps = (m: Record<string, string[]>) => new Map(Object.entries(m));
const causes = (states: ReturnType<typeof state>[], m: Record<string, string[]>) =>
  Object.fromEntries(withCausedBy(states, deps(m)).map((s) => [s.name, s.causedBy]));

t.test('causedBy names a dependency in error while the check fails', async (t) => {
  const cases = [
    {
      name: 'an erroring check whose dependency is in error',
      states: [state('cache', { status: 'error' }), state('api', { status: 'error' })],
      want: { cache: null, api: 'cache' },
    },
    {
      name: 'a check still under its threshold (latest probe failed) counts as failing',
      states: [state('cache', { status: 'error' }), state('api', { status: 'ok', consecutiveFailures: 1 })],
      want: { cache: null, api: 'cache' },
    },
    {
      name: 'a healthy check gets no cause',
      states: [state('cache', { status: 'error' }), state('api')],
      want: { cache: null, api: null },
    },
    {
      name: 'a failing check whose dependency is fine has no cause',
      states: [state('cache'), state('api', { status: 'error' })],
      want: { cache: null, api: null },
    },
    {
      name: 'a dependency only failing under its threshold is not "in error"',
      states: [state('cache', { consecutiveFailures: 1 }), state('api', { status: 'error' })],
      want: { cache: null, api: null },
    },
    {
      name: 'an unknown dependency is not "in error"',
      states: [state('cache', { status: 'unknown' }), state('api', { status: 'error' })],
      want: { cache: null, api: null },
    },
  ];
  for (const c of cases) t.same(causes(c.states, { api: ['cache'] }), c.want, c.name);
});

t.test('causedBy takes the first dependency in error in dependsOn order', async (t) => {
  const states = [state('db', { status: 'error' }), state('cache', { status: 'error' }), state('api', { status: 'error' })];
  t.equal(causes(states, { api: ['cache', 'db'] }).api, 'cache');
  t.equal(causes(states, { api: ['db', 'cache'] }).api, 'db');
  const onlyDb = [state('db', { status: 'error' }), state('cache'), state('api', { status: 'error' })];
  t.equal(causes(onlyDb, { api: ['cache', 'db'] }).api, 'db', 'skips a healthy first dependency');
});

t.test('causedBy follows the chain to its root', async (t) => {
  const states = [state('redis', { status: 'error' }), state('queue', { status: 'error' }), state('api', { status: 'error' })];
  t.same(causes(states, { queue: ['redis'], api: ['queue'] }), { redis: null, queue: 'redis', api: 'redis' });
  const midOk = [state('redis', { status: 'error' }), state('queue', { status: 'error' }), state('api', { status: 'error' })];
  t.same(causes(midOk, { api: ['queue'] }), { redis: null, queue: null, api: 'queue' }, 'stops where the chain has no cause');
});

t.test('a dependency cycle (rejected by config) does not loop or point at itself', async (t) => {
  const states = [state('a', { status: 'error' }), state('b', { status: 'error' })];
  const got = causes(states, { a: ['b'], b: ['a'] });
  t.not(got.a, 'a');
  t.not(got.b, 'b');
});

t.test('unchanged states keep their identity', async (t) => {
  const s = [state('a'), state('b')];
  const out = withCausedBy(s, deps({ b: ['a'] }));
  t.equal(out[0], s[0]);
  t.equal(out[1], s[1]);
});
