/**
 * PostgreSQL history on its own, against a real server, with a fast round:
 * replicas add into the same buckets and join one incident, a close after a
 * restart ends what the last process left open, close() flushes, and a
 * database that never answers does not hold close().
 */
import t from 'tap';
import { createPostgresHistory } from '../../../src/status/history/postgres';
import { HOUR } from '../../../src/status/history/types';
import { startBlackhole } from '../../support/blackhole';
import { startPostgres } from '../../support/postgres';
import { eventually } from '../../support/app';
import { feedHistory } from '../../../src/status/history/feed';
import { createResultStore } from '../../../src/store/store';
import { makeConfig, probe } from '../../store/make-config';

const silent = { warn: () => undefined, info: () => undefined };

t.test('two replicas add into the same buckets and share one incident; a restart closes it', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const open = (service = 'svc') => {
    const h = createPostgresHistory({ url: pg.url, service, checks: ['db'], logger: silent, tickMs: 100 });
    t.teardown(() => h.close());
    return h;
  };
  const a = open();
  const b = open();
  const other = open('another-service');
  const now = Date.now();
  for (let i = 0; i < 3; i += 1) a.record('db', { status: 'ok', durationMs: 5, checkedAt: now - i });
  b.record('db', { status: 'error', durationMs: 5, checkedAt: now });
  other.record('db', { status: 'error', durationMs: 5, checkedAt: now });
  a.statusChanged('db', 'ok', 'degraded', now - 2000);
  await eventually(() => b.incidents(10).length === 1, "b reads a's incident");
  b.statusChanged('db', 'degraded', 'error', now - 1000);

  await eventually(() => a.uptime('db')['24h'] === 75 && b.uptime('db')['24h'] === 75, 'both read 3 ok + 1 error = 75 %');
  t.same(other.uptime('db')['24h'], 0, 'another service sharing the database is kept apart');
  const joined = await eventually(() => {
    const [i] = a.incidents(10);
    return i?.status === 'error' ? i : null;
  }, 'a sees the escalation b wrote');
  t.equal(joined.start, now - 2000, 'one incident: b joined the open one instead of opening its own');
  t.equal(a.incidents(10).length, 1);
  t.equal(a.buckets('db', 2, HOUR).at(-1)?.status, 'error');

  await a.close();
  await b.close();
  // A new process's first result is ok: the incident the last one left open ends.
  const c = open();
  await eventually(() => c.incidents(10).length === 1, 'c reads the open incident');
  t.equal(c.incidents(10)[0]?.end, null);
  c.statusChanged('db', 'unknown', 'ok', now);
  t.equal(c.incidents(10)[0]?.end, now, 'closed at once in memory');
  const d = open();
  await eventually(() => d.incidents(10)[0]?.end === now, 'and in PostgreSQL');
});

t.test('the owner changes during a maintenance window: the new owner opens the incident after it, once', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const open = () => {
    const h = createPostgresHistory({ url: pg.url, service: 'svc', checks: ['db'], logger: silent, tickMs: 100 });
    t.teardown(() => h.close());
    return h;
  };
  const step = 10_000;
  const base = Date.now() - 10 * step;
  const at = (k: number) => base + k * step;
  const inMaintenance = (_check: string, when: number) => when >= at(1) && when < at(3);
  const config = makeConfig('db', { failureThreshold: 1, interval: 60_000 });

  // The old owner: up, then down inside the window (no incident yet), then it dies.
  const oldStore = createResultStore([config], { now: () => Date.now() });
  const oldHistory = open();
  const offOld = feedHistory(oldStore, oldHistory, { inMaintenance });
  oldStore.record('db', probe('ok', at(0)));
  oldStore.record('db', probe('error', at(1)));
  offOld();
  await oldHistory.close();

  // The new owner serves the state it adopted from the shared results, and probes from now on.
  const store = createResultStore([config], { now: () => Date.now() });
  store.adopt('db', oldStore.get('db')!);
  const history = open();
  feedHistory(store, history, { inMaintenance });
  store.record('db', probe('error', at(2)));
  t.same(history.incidents(10), [], 'still inside the window: nothing opens');
  store.record('db', probe('error', at(3)));
  store.record('db', probe('error', at(4)));
  const reader = open();
  const [incident] = await eventually(() => (reader.incidents(10).length > 0 ? reader.incidents(10) : null), 'another replica reads the incident from PostgreSQL');
  t.same(incident, { check: 'db', status: 'error', start: at(3), end: null }, 'opened at the first probe after the window');
  store.record('db', probe('ok', at(5)));
  await eventually(() => reader.incidents(10)[0]?.end === at(5), 'and closed by the recovery');
  t.equal(reader.incidents(10).length, 1, 'one incident, not one per probe');
});

t.test('close() writes what is pending', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const now = Date.now();
  const opts = { url: pg.url, service: 's', checks: ['db'], logger: silent, tickMs: 60_000 };
  const seed = createPostgresHistory(opts);
  // Closed 19 minutes ago: further back than the 5 minutes within which a new failure would continue it.
  seed.statusChanged('db', 'ok', 'degraded', now - 20 * 60_000);
  seed.statusChanged('db', 'degraded', 'ok', now - 19 * 60_000);
  await seed.close();
  // A long round: once its first round has read the seed back, only close() can write what follows.
  const a = createPostgresHistory(opts);
  await eventually(() => a.incidents(5).length === 1, 'a finished its first round');
  a.record('db', { status: 'ok', durationMs: 1, checkedAt: now });
  a.statusChanged('db', 'ok', 'error', now);
  await a.close();
  const b = createPostgresHistory(opts);
  t.teardown(() => b.close());
  await eventually(() => b.uptime('db')['24h'] === 100 && b.incidents(5).length === 2, 'b reads what a wrote on close');
  t.equal(b.incidents(5)[0]?.end, null, 'the open incident');
});

t.test('PostgreSQL merges a reopen within 5 minutes into the incident, and a replica that records nothing serves the history', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const now = Date.now();
  const opts = { url: pg.url, service: 's', checks: ['db'], logger: silent, tickMs: 100 };
  const owner = createPostgresHistory(opts);
  const reader = createPostgresHistory(opts);
  t.teardown(() => owner.close());
  t.teardown(() => reader.close());
  owner.record('db', { status: 'ok', durationMs: 1, checkedAt: now - 3000 });
  owner.record('db', { status: 'error', durationMs: 1, checkedAt: now - 2000 });
  owner.record('db', { status: 'maintenance', durationMs: 1, checkedAt: now - 1000 });
  owner.statusChanged('db', 'ok', 'degraded', now - 60_000);
  owner.statusChanged('db', 'degraded', 'ok', now - 50_000);
  await eventually(() => reader.incidents(5)[0]?.end === now - 50_000, 'the reader sees the closed incident');
  owner.statusChanged('db', 'ok', 'error', now - 10_000);
  const merged = await eventually(() => {
    const [i] = reader.incidents(5);
    return i && i.end === null && i.status === 'error' ? i : null;
  }, 'the reader sees it reopened and escalated');
  t.equal(merged.start, now - 60_000, 'the same incident continues');
  t.equal(reader.incidents(5).length, 1);
  await eventually(() => reader.uptime('db')['24h'] === 50, 'uptime from shared buckets: 1 ok, 1 error, maintenance not counted');
  t.ok(reader.windows('db').coverage['24h'] > 0, 'and coverage');
  t.ok(reader.buckets('db', 2, HOUR).some((b) => b.status === 'error'), 'the bar shows the error');
});

t.test('a database that accepts and never answers: one WARN, reads still answer, close() is bounded', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const warns: unknown[] = [];
  const h = createPostgresHistory({
    url: `postgres://u:secret-pw@127.0.0.1:${hole.port}/db`,
    service: 's',
    checks: ['db'],
    logger: { warn: (...args: unknown[]) => void warns.push(args), info: () => undefined },
    tickMs: 50,
  });
  h.record('db', { status: 'ok', durationMs: 1, checkedAt: Date.now() });
  t.same(h.uptime('db')['24h'], 100, 'reads come from memory, not the database');
  await eventually(() => warns.length > 0, 'a WARN after the connect timeout', 20_000);
  t.equal(warns.length, 1);
  t.notMatch(JSON.stringify(warns), /secret-pw|127\.0\.0\.1/, 'the WARN names no secret or host');
  const started = Date.now();
  await h.close();
  t.ok(Date.now() - started < 8_000, `close() took ${Date.now() - started} ms (bounded by its wait, not the blackhole)`);
});
