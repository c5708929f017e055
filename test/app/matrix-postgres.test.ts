/**
 * The outage matrix for postgres, through the running service. (outage.test.ts
 * tells the same outage story with a second check beside it; here each row
 * also pins the threshold count, metrics and recovery bound.)
 */
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { lazy, runRow, type Row } from '../support/matrix';
import { freePort } from '../support/ports';
import { startPostgres } from '../support/postgres';

const shared = lazy(() => startPostgres(), (pg) => pg.destroy());
t.teardown(() => shared.destroy());

const urlAt = (port: number, db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;

const rows: Row[] = [
  {
    name: 'a healthy postgres is ok with its version, connections and recovery state',
    arrange: async () => ({ check: `type: postgres, url: "${(await shared.get()).url}"` }),
    expect: { kind: 'ok', details: { server_version: /^\d+(\.\d+)?$/, connections: Number, max_connections: 100, in_recovery: false, database: 'postgres' } },
  },
  {
    name: 'a stopped postgres is refused after failureThreshold probes and is ok again once restarted',
    arrange: async (t) => {
      const pg = await startPostgres();
      t.teardown(() => pg.destroy());
      return { check: `type: postgres, url: "${pg.url}"`, stop: () => pg.stop(), start: () => pg.start() };
    },
    expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
  },
  {
    name: 'a postgres that accepts and never answers times out at the check timeout',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: `type: postgres, url: "${urlAt(hole.port)}"` };
    },
    expect: { kind: 'timeout' },
  },
  {
    name: 'a query slower than degradedLatency is degraded, not an error',
    arrange: async () => ({ check: `type: postgres, url: "${(await shared.get()).url}", query: "SELECT pg_sleep(0.3)", degradedLatency: 100ms` }),
    expect: { kind: 'slow', degradedLatency: 100 },
  },
  {
    name: 'a database that does not exist is an error saying so',
    arrange: async () => ({ check: `type: postgres, url: "${urlAt((await shared.get()).port, 'nosuchdb')}"` }),
    expect: { kind: 'answer', status: 'error', errorKind: 'other', error: 'database does not exist' },
  },
  {
    name: 'a failing query is an error, not ok',
    arrange: async () => ({ check: `type: postgres, url: "${(await shared.get()).url}", query: "SELECT * FROM no_such_table"` }),
    expect: { kind: 'answer', status: 'error', errorKind: 'other', error: 'unexpected error (42P01)' },
  },
  {
    name: 'fifty probes against a dead postgres hold no more sockets than one',
    arrange: async () => ({ check: `type: postgres, url: "${urlAt(await freePort())}"` }),
    expect: { kind: 'sockets', cycles: 50 },
  },
  {
    name: 'fifty probes against a hung postgres hold no more sockets than one',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: `type: postgres, url: "${urlAt(hole.port)}"` };
    },
    expect: { kind: 'sockets', cycles: 50 },
  },
];

for (const row of rows) t.test(row.name, (t) => runRow(t, 'postgres', row));
