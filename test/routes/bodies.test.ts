import t from 'tap';
import { createBodies } from '../../src/routes/bodies';
import { healthJson, prepareDetailed } from '../../src/routes/views';
import { createResultStore } from '../../src/store/store';
import type { ServiceInfo } from '../../src/types';
import { makeConfig, probe } from '../store/make-config';
import { snapshot, state } from '../support/states';

const info: ServiceInfo = { name: 'api', environment: 'test', version: '2.0.1', gitSha: 'abc' };
const now = new Date('2025-08-10T12:34:56.789Z');

t.test('the spliced detailed body equals the one serialised whole, for any number of checks', async (t) => {
  const bodies = createBodies(info);
  for (const n of [0, 1, 63, 64, 65, 200]) {
    const checks = Array.from({ length: n }, (_, i) => state(`c${i}`, i % 3 === 0 ? 'error' : 'ok', { details: { i } }));
    const snap = snapshot(n > 0 ? 'error' : 'ok', checks);
    const b = bodies.of(snap);
    t.equal(b.detailed.bytes(now).toString(), prepareDetailed(snap, info).render(now), `${n} checks: bytes`);
    t.equal(b.detailed.render(now), prepareDetailed(snap, info).render(now), `${n} checks: text`);
    t.same(JSON.parse(b.healthJson().toString()), healthJson(snap, info, now), `${n} checks: health+json`);
  }
});

t.test('requests in the same millisecond share one body; the next millisecond gets its own timestamp', async (t) => {
  const snap = snapshot('ok', [state('db', 'ok')]);
  const body = prepareDetailed(snap, info);
  const later = new Date(now.getTime() + 1);
  t.equal(body.bytes(new Date(now.getTime())), body.bytes(now), 'the same buffer, made once');
  t.equal(body.render(new Date(now.getTime())), body.render(now));
  t.equal(JSON.parse(body.bytes(later).toString()).timestamp, later.toISOString(), 'bytes: a new millisecond, a new timestamp');
  t.equal(JSON.parse(body.render(later)).timestamp, later.toISOString(), 'text: a new millisecond, a new timestamp');
  t.equal(JSON.parse(body.bytes(now).toString()).timestamp, now.toISOString(), 'and back: never a stale time');
  t.equal(body.byteLength(), body.bytes(now).length, 'its length is known before it is made');
  t.equal(body.byteLength(), Buffer.byteLength(body.render(later)));
});

t.test('a rebuild serialises only the checks whose state changed, and the body shows them', async (t) => {
  const clock = { t: 1_000_000 };
  const names = Array.from({ length: 1000 }, (_, i) => `c${i}`);
  const store = createResultStore(names.map((n) => makeConfig(n)), { now: () => clock.t, rebuildMs: 0 });
  for (const n of names) store.record(n, probe('ok', clock.t));
  const bodies = createBodies(info);
  bodies.of(store.snapshot());
  const first = bodies.serialised;
  t.equal(first, 1000, 'every check once for the first body');
  t.equal(bodies.of(store.snapshot()), bodies.of(store.snapshot()), 'the same bodies while the snapshot is the same');
  t.equal(bodies.serialised, first, 'and nothing serialised again for them');
  store.record('c10', probe('ok', clock.t, { durationMs: 7 }));
  store.record('c900', probe('error', clock.t));
  const b = bodies.of(store.snapshot());
  t.equal(bodies.serialised - first, 2, 'two checks changed, two serialised');
  const body = JSON.parse(b.detailed.render(now));
  t.equal(body.checks.c10.duration_ms, 7);
  t.equal(body.checks.c900.consecutive_failures, 1);
  t.same(body, JSON.parse(prepareDetailed(store.snapshot(), info).render(now)), 'identical to serialising it whole');
});

t.test('one check body is serialised once per state of that check', async (t) => {
  const bodies = createBodies(info);
  const s = state('db', 'ok');
  const text = bodies.check(s);
  t.equal(bodies.check(s), text);
  t.same(JSON.parse(text), { name: 'db', ...JSON.parse(prepareDetailed(snapshot('ok', [s]), info).render(now)).checks.db });
  t.not(bodies.check({ ...s, durationMs: 9 }), text, 'a new state gets its own text');
});

t.test('a never-probed check in health+json carries the time it is served at, not a kept one', async (t) => {
  const bodies = createBodies(info);
  const before = Date.now();
  const h = JSON.parse(bodies.of(snapshot('error', [state('db', 'unknown')])).healthJson().toString());
  t.ok(Date.parse(h.checks['db:responseTime'][0].time) >= before - 1);
});

t.test('a rebuild re-encodes only the block holding the changed check; the others are the same buffers', async (t) => {
  const clock = { t: 1_000_000 };
  const names = Array.from({ length: 640 }, (_, i) => `c${i}`);
  const store = createResultStore(names.map((n) => makeConfig(n)), { now: () => clock.t, rebuildMs: 0 });
  for (const n of names) store.record(n, probe('ok', clock.t));
  const bodies = createBodies(info);
  const before = bodies.of(store.snapshot()).detailed.parts(now);
  store.record('c100', probe('ok', clock.t, { durationMs: 3 }));
  const after = bodies.of(store.snapshot()).detailed.parts(now);
  // Blocks of 64 checks are the large parts; the head, the timestamp and the braces are a few bytes each.
  const blocks = (parts: readonly Buffer[]) => parts.filter((p) => p.length > 1000);
  t.equal(blocks(before).length, 10, '640 checks in 10 blocks');
  t.equal(blocks(after).filter((b, i) => b !== blocks(before)[i]).length, 1, 'one block re-encoded, nine reused as they are');
  t.equal(JSON.parse(Buffer.concat(after).toString()).checks.c100.duration_ms, 3);
  t.not(JSON.parse(Buffer.concat(before).toString()).checks.c100.duration_ms, 3, 'a body handed out before keeps what it said');
});
