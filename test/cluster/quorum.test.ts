/** The quorum rule (CONTRACT §5.6) as a table. */
import t from 'tap';
import { freshObservations, majority, medianDuration, quorumStatus, verdict, witnessOf, type Observation } from '../../src/cluster/quorum';
import type { ProbeStatus } from '../../src/types';

const NOW = 1_000_000;
const obs = (location: string, status: ProbeStatus, ageMs = 0, durationMs = 10): Observation => ({
  member: `m-${location}`,
  location,
  status,
  error: status === 'ok' ? null : `${location} failed`,
  errorKind: status === 'error' ? 'refused' : null,
  checkedAt: NOW - ageMs,
  durationMs,
});

const cases: Array<{ name: string; seen: Observation[]; quorum: number; want: ProbeStatus | null }> = [
  { name: 'three zones agree it is up -> ok', seen: [obs('a', 'ok'), obs('b', 'ok'), obs('c', 'ok')], quorum: 2, want: 'ok' },
  { name: "one zone's view fails -> still ok", seen: [obs('a', 'error'), obs('b', 'ok'), obs('c', 'ok')], quorum: 2, want: 'ok' },
  { name: 'two zones see it fail -> error', seen: [obs('a', 'error'), obs('b', 'error'), obs('c', 'ok')], quorum: 2, want: 'error' },
  { name: 'one error and one degraded -> degraded (degraded or worse reaches the quorum)', seen: [obs('a', 'error'), obs('b', 'degraded'), obs('c', 'ok')], quorum: 2, want: 'degraded' },
  { name: 'one degraded zone -> ok', seen: [obs('a', 'degraded'), obs('b', 'ok'), obs('c', 'ok')], quorum: 2, want: 'ok' },
  { name: 'quorum 1: any error is an error', seen: [obs('a', 'error'), obs('b', 'ok'), obs('c', 'ok')], quorum: 1, want: 'error' },
  { name: 'fewer fresh observers than the quorum: error only when all of them fail', seen: [obs('a', 'error')], quorum: 2, want: 'error' },
  { name: 'fewer fresh observers than the quorum, not all failing -> ok', seen: [obs('a', 'error'), obs('b', 'ok')], quorum: 3, want: 'ok' },
  { name: 'no fresh observation -> no verdict', seen: [], quorum: 2, want: null },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.equal(quorumStatus(c.seen, c.quorum), c.want);
  });
}

t.test('only observations younger than three intervals count', async (t) => {
  const seen = [obs('a', 'error', 3_500), obs('b', 'error', 2_000), obs('c', 'ok', 0)];
  const fresh = freshObservations(seen, 1_000, NOW);
  t.same(fresh.map((o) => o.location), ['b', 'c']);
  t.equal(quorumStatus(fresh, 2), 'ok', "a stale zone's error no longer counts");
});

t.test('the default quorum is a majority of live members', async (t) => {
  t.same([0, 1, 2, 3, 4, 5].map(majority), [1, 1, 2, 2, 3, 3]);
});

t.test('the verdict is explained by an observation at least as bad, and timed by the median observer', async (t) => {
  const seen = [obs('a', 'ok', 0, 5), obs('b', 'error', 0, 500), obs('c', 'degraded', 0, 20)];
  t.equal(witnessOf(seen, 'error')?.location, 'b');
  t.equal(witnessOf(seen, 'degraded')?.location, 'b');
  t.equal(witnessOf(seen, 'ok'), null);
  t.equal(medianDuration(seen), 20, 'one slow zone does not make the check slow');
  t.equal(medianDuration([obs('a', 'ok', 0, 10), obs('b', 'ok', 0, 20)]), 15);
});

t.test("the decider's verdict: the quorum's status, explained and timed by the observers", async (t) => {
  const own = obs('a', 'ok', 0, 5);
  const result = { status: 'ok' as const, error: null, errorKind: null, details: { status_code: 200 }, durationMs: 5, checkedAt: NOW };
  const seen = [own, obs('b', 'error', 100, 30), obs('c', 'error', 200, 40), obs('d', 'error', 9_000)];
  const v = verdict(own, result, seen, { intervalMs: 1_000, quorum: 2, now: NOW });
  t.match(v.result, { status: 'error', error: 'b failed', errorKind: 'refused', durationMs: 30, checkedAt: NOW, details: { status_code: 200 } });
  t.same(v.observations.map((o) => o.location), ['a', 'b', 'c'], 'only fresh observers are listed');
  const calm = verdict(own, result, [own, obs('b', 'ok')], { intervalMs: 1_000, quorum: 2, now: NOW });
  t.match(calm.result, { status: 'ok', error: null, errorKind: null });
});
