import t, { type Test } from 'tap';
import { Client } from 'pg';
import { createPostgresCheck } from '../../src/checks/postgres';
import type { PostgresCheckConfig } from '../../src/types';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { startBlackhole } from '../support/blackhole';
import {
  checkAbortedAfter,
  checkOnce,
  common,
  eventually,
  openSockets,
  recordingLogger,
} from './checker-harness';

function config(url: string, extra: Partial<PostgresCheckConfig> = {}): PostgresCheckConfig {
  return { ...common('postgres'), url, query: 'SELECT 1', ...extra };
}

function make(url: string, extra: Partial<PostgresCheckConfig> = {}) {
  const logger = recordingLogger();
  const checker = createPostgresCheck(config(url, extra), { logger });
  return { checker, logger };
}

/** Nothing that locates or unlocks the server may leak into an outcome. */
function assertSanitised(t: Test, outcome: unknown, port: number, secret?: string): void {
  const text = JSON.stringify(outcome);
  t.notMatch(text, '127.0.0.1', 'no host in the outcome');
  t.notMatch(text, String(port), 'no port in the outcome');
  if (secret) t.notMatch(text, secret, 'no password in the outcome');
}

async function sql(pg: TestPostgres, text: string): Promise<void> {
  const c = new Client({ connectionString: pg.url });
  c.on('error', () => {});
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

t.test('against a live server', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  await sql(pg, 'CREATE ROLE cannot_login NOLOGIN');

  t.test('a healthy server is ok with its facts in the details', async (t) => {
    const { checker } = make(pg.url);
    t.teardown(() => checker.close());
    t.equal(checker.type, 'postgres');
    const outcome = await checkOnce(checker);
    t.equal(outcome.status, 'ok');
    t.match(outcome.details, {
      server_version: /^\d+\.\d+$/,
      max_connections: 100,
      in_recovery: false,
      database: 'postgres',
    });
    t.type(outcome.details?.connections, 'number');
    t.ok((outcome.details?.connections as number) >= 1, 'our own session is counted');
    t.equal(outcome.error, undefined);
  });

  t.test('probes reuse one connection instead of opening one each time', async (t) => {
    const { checker } = make(pg.url);
    t.teardown(() => checker.close());
    const first = await checkOnce(checker);
    const before = openSockets();
    let last = first;
    for (let i = 0; i < 5; i++) {
      last = await checkOnce(checker);
      t.equal(last.status, 'ok');
    }
    t.equal(openSockets(), before, 'no new sockets for repeated probes');
    t.equal(first.status, 'ok');
    // Phase timings say where the time went: connecting happens on the first probe only.
    t.match(first.details?.timings_ms, { connect: Number, query: Number });
    t.match(last.details?.timings_ms, { query: Number });
    t.notOk('connect' in (last.details?.timings_ms as object), 'a reused connection has no connect phase');
  });

  const failures: { name: string; url: string; query?: string; kind: string; error: RegExp; secret?: string }[] = [
    {
      name: 'a database that does not exist',
      url: `postgres://postgres@127.0.0.1:${pg.port}/nope`,
      kind: 'other',
      error: /^database does not exist$/,
    },
    {
      name: 'a role that does not exist (with a password in the URL)',
      url: `postgres://ghost:s3cret-pw@127.0.0.1:${pg.port}/postgres`,
      kind: 'auth',
      error: /^authori[sz]ation rejected$/,
      secret: 's3cret-pw',
    },
    {
      name: 'a role that may not log in',
      url: `postgres://cannot_login:s3cret-pw@127.0.0.1:${pg.port}/postgres`,
      kind: 'auth',
      error: /^authori[sz]ation rejected$/,
      secret: 's3cret-pw',
    },
    {
      name: 'a configured query the server rejects',
      url: pg.url,
      query: 'SELECT * FROM no_such_table',
      kind: 'other',
      error: /^unexpected error \(42P01\)$/,
    },
  ];
  for (const c of failures) {
    t.test(`${c.name} is an error of kind ${c.kind}`, async (t) => {
      const { checker } = make(c.url, c.query ? { query: c.query } : {});
      t.teardown(() => checker.close());
      const outcome = await checkOnce(checker);
      t.equal(outcome.status, 'error');
      t.equal(outcome.errorKind, c.kind);
      t.match(outcome.error, c.error);
      assertSanitised(t, outcome, pg.port, c.secret);
    });
  }

  t.test('a role that may not read the server facts is still ok, just without details', async (t) => {
    // Some managed servers revoke such functions from ordinary roles.
    await sql(pg, 'CREATE ROLE limited LOGIN');
    await sql(pg, 'REVOKE EXECUTE ON FUNCTION pg_is_in_recovery() FROM PUBLIC');
    t.teardown(() => sql(pg, 'GRANT EXECUTE ON FUNCTION pg_is_in_recovery() TO PUBLIC'));
    const { checker, logger } = make(`postgres://limited@127.0.0.1:${pg.port}/postgres`);
    t.teardown(() => checker.close());
    const outcome = await checkOnce(checker);
    t.equal(outcome.status, 'ok');
    t.same(Object.keys(outcome.details ?? {}), ['connection_errors', 'timings_ms'], 'no server facts: how long the probe took and the count of failed connections');
    t.ok(logger.lines.some((l) => l.level === 'debug' && l.args.includes('postgres stats query failed')), 'the reason is logged at debug');
  });

  t.test('a configured query that returns rows of its own is fine', async (t) => {
    const { checker } = make(pg.url, { query: 'SELECT now(), version()' });
    t.teardown(() => checker.close());
    t.equal((await checkOnce(checker)).status, 'ok');
  });
});

t.test('a stopped server is refused, and the same checker recovers after a restart', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const { checker, logger } = make(pg.url);
  t.teardown(() => checker.close());

  t.equal((await checkOnce(checker)).status, 'ok', 'ok before the outage');
  // The probe's connection now sits idle; stopping the server sends it 57P01.
  await pg.stop();
  const down = await checkOnce(checker);
  t.equal(down.status, 'error');
  t.equal(down.errorKind, 'refused');
  t.equal(down.error, 'connection refused');
  assertSanitised(t, down, pg.port);
  t.ok(
    logger.lines.some((l) => l.level === 'debug'),
    'the idle connection error was logged at debug, not thrown',
  );
  t.notOk(logger.lines.some((l) => JSON.stringify(l.args).includes(String(pg.port))), 'no port in the logs');

  await pg.start();
  t.equal((await checkOnce(checker)).status, 'ok', 'ok again without a new checker');
});

t.test('an idle connection survives a server restart between probes', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const { checker } = make(pg.url);
  t.teardown(() => checker.close());
  t.equal((await checkOnce(checker)).status, 'ok');
  await pg.stop();
  await pg.start();
  // Had the 57P01 'error' event gone unhandled, the process would have died above.
  t.equal((await checkOnce(checker)).status, 'ok', 'the next probe reconnects');
});

t.test('the first probe after the server went away is refused, never a stale-connection error', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const { checker } = make(pg.url);
  t.teardown(() => checker.close());
  for (let i = 0; i < 8; i++) {
    t.equal((await checkOnce(checker)).status, 'ok', `cycle ${i + 1}: up`);
    await pg.stop();
    t.match(await checkOnce(checker), { status: 'error', errorKind: 'refused' }, `cycle ${i + 1}: down`);
    await pg.start();
  }
});

t.test('a server that accepts and never answers', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const url = `postgres://postgres:s3cret-pw@127.0.0.1:${hole.port}/postgres`;

  t.test('the probe settles at the abort and leaves no connection behind', async (t) => {
    // A long driver timeout proves the abort itself, not pg's timer, ends the probe.
    const { checker } = make(url, { timeout: 60_000 });
    t.teardown(() => checker.close());
    const { outcome, settledAfterAbortMs } = await checkAbortedAfter(checker, 300);
    t.ok(settledAfterAbortMs < 5000, `settled ${Math.round(settledAfterAbortMs)} ms after the abort`);
    t.equal(outcome.status, 'error');
    t.equal(outcome.errorKind, 'timeout');
    assertSanitised(t, outcome, hole.port, 's3cret-pw');
    t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds no connection from us');
  });

  t.test('without an abort, the driver timeout still ends the probe', async (t) => {
    const { checker } = make(url, { timeout: 300 });
    t.teardown(() => checker.close());
    const outcome = await checkOnce(checker, 30_000);
    t.equal(outcome.status, 'error');
    t.equal(outcome.errorKind, 'timeout');
    t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds no connection from us');
  });

  t.test('close() during a hung probe does not hang', async (t) => {
    const { checker } = make(url, { timeout: 60_000 });
    const probe = checker.check(new AbortController().signal);
    await eventually(() => hole.openConnections() === 1);
    await checker.close();
    t.ok(await eventually(() => hole.openConnections() === 0), 'the socket was closed');
    t.equal((await probe).status, 'error', 'the probe in flight settles');
  });
});

t.test('many failing probes leave no growing number of sockets', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  await pg.stop();

  const targets = [
    { name: 'a stopped server', url: pg.url, abortAfterMs: 5000 },
    { name: 'a hung server', url: `postgres://postgres@127.0.0.1:${hole.port}/postgres`, abortAfterMs: 30 },
  ];
  for (const target of targets) {
    t.test(target.name, async (t) => {
      const { checker } = make(target.url, { timeout: 60_000 });
      t.teardown(() => checker.close());
      const before = openSockets();
      for (let i = 0; i < 30; i++) {
        const { outcome } = await checkAbortedAfter(checker, target.abortAfterMs);
        t.equal(outcome.status, 'error', `probe ${i + 1} failed`);
      }
      t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds nothing');
      t.ok(await eventually(() => openSockets() <= before + 2), `sockets bounded (before ${before}, now ${openSockets()})`);
    });
  }
});

t.test('close() is idempotent and quick when the server is down', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const { checker } = make(pg.url);
  t.equal((await checkOnce(checker)).status, 'ok');
  await pg.stop();
  await checker.close();
  await checker.close();
  const after = await checkOnce(checker);
  t.equal(after.status, 'error', 'a closed checker does not reconnect');
  t.equal(after.error, 'checker is closed');
});
