/**
 * The operator store over the memory backend: bounded however much is
 * written, lists and pagination, reopen on a later update, and the events
 * (writes once, from the writer; window starts/ends with a cluster-wide key).
 */
import t, { type Test } from 'tap';
import pino from 'pino';
import { createMemoryBackend, MAX_INCIDENTS } from '../../../src/status/operator/backend';
import { createOperatorStore } from '../../../src/status/operator/store';
import type { OperatorEvent } from '../../../src/status/operator/types';

const quiet = pino({ level: 'silent' });
const make = (t: Test, now?: () => number) => {
  const store = createOperatorStore({ backend: createMemoryBackend(), recurring: [], logger: quiet, now });
  t.teardown(() => store.close());
  return store;
};
const base = { status: 'investigating' as const, impact: 'minor' as const, components: [], message: 'm' };

t.test('bounded: at most MAX_INCIDENTS kept and served, the newest', async (t) => {
  const store = make(t);
  await store.ready();
  let last = '';
  for (let i = 0; i < MAX_INCIDENTS + 20; i++) last = (await store.createIncident({ ...base, title: `n${i}` })).id;
  const all = store.incidents({ limit: 10_000 });
  t.equal(all.length, MAX_INCIDENTS);
  t.equal(all[0]!.id, last, 'newest first');
  t.equal(store.incident(last)?.title, `n${MAX_INCIDENTS + 19}`);
  await store.reload();
  t.equal(store.incidents({ limit: 10_000 }).length, MAX_INCIDENTS, 'the backend is bounded too');
});

t.test('lists: state filter and before', async (t) => {
  const store = make(t);
  const a = await store.createIncident({ ...base, title: 'a' });
  const b = await store.createIncident({ ...base, title: 'b' });
  const c = await store.createIncident({ ...base, title: 'c' });
  await store.addUpdate(b.id, { status: 'resolved', message: 'done' });
  t.same(store.incidents({}).map((i) => i.title), ['c', 'b', 'a']);
  t.same(store.incidents({ state: 'resolved' }).map((i) => i.title), ['b']);
  t.same(store.incidents({ state: 'unresolved' }).map((i) => i.title), ['c', 'a']);
  t.same(store.incidents({ before: c.id, limit: 1 }).map((i) => i.title), ['b']);
  t.same(store.incidents({ before: 'nope' }), []);
  t.equal(await store.addUpdate('nope', { status: 'resolved', message: 'x' }), undefined);
  const reopened = await store.addUpdate(b.id, { status: 'monitoring', message: 'again' });
  t.equal(reopened?.resolved_at, null);
  t.equal(store.incident(a.id)?.updates.length, 1);
});

t.test('events: incident and scheduling events once, window start and end with a dedupe key', async (t) => {
  let now = Date.parse('2026-06-01T10:00:00Z');
  const store = make(t, () => now);
  await store.ready();
  const events: OperatorEvent[] = [];
  const off = store.onEvent((e) => events.push(e));
  const i = await store.createIncident({ ...base, title: 'x' });
  await store.addUpdate(i.id, { status: 'resolved', message: 'ok' });
  const w = await store.scheduleMaintenance({ title: 'w', components: ['db'], starts_at: '2026-06-01T11:00:00.000Z', ends_at: '2026-06-01T12:00:00.000Z', message: null });
  t.equal(w.status, 'upcoming');
  t.equal(store.inMaintenance('db'), false);
  now = Date.parse('2026-06-01T11:00:00Z');
  t.equal(store.inMaintenance('db'), true);
  now = Date.parse('2026-06-01T12:00:00Z');
  t.equal(store.inMaintenance('db'), false);
  t.same(
    events.map((e) => [e.kind, e.action, e.dedupe ?? null]),
    [
      ['incident', 'created', null],
      ['incident', 'updated', null],
      ['maintenance', 'scheduled', null],
      ['maintenance', 'started', `maintenance:started:${w.id}`],
      ['maintenance', 'ended', `maintenance:ended:${w.id}`],
    ],
  );
  off();
  await store.createIncident({ ...base, title: 'y' });
  t.equal(events.length, 5, 'unsubscribed');
  t.equal(await store.cancelMaintenance(w.id), true);
  t.equal(await store.cancelMaintenance(w.id), false);
});

t.test('a listener that throws does not break the write or other listeners', async (t) => {
  const store = make(t);
  const seen: string[] = [];
  store.onEvent(() => {
    throw new Error('boom');
  });
  store.onEvent((e) => seen.push(e.action));
  const i = await store.createIncident({ ...base, title: 'x' });
  t.ok(store.incident(i.id));
  t.same(seen, ['created']);
});
