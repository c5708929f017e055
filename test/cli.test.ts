/** The CLI's three commands and its exit codes (CONTRACT §2), as an operator runs them. */
import t from 'tap';
import { startPostgres } from './support/postgres';
import { startRedis } from './support/redis';
import { runCli } from './support/service';

async function run(args: string[], opts: { yaml?: string; env?: Record<string, string> } = {}) {
  const p = runCli(args, opts);
  const code = await p.exited;
  p.cleanup();
  return { code, out: p.stdout(), err: p.stderr() };
}

t.test('bad arguments exit 2 with usage', async (t) => {
  for (const args of [['frobnicate'], ['serve', 'extra'], ['--nope'], ['validate', '--json'], ['check', '--config']]) {
    const r = await run(args);
    t.equal(r.code, 2, `${args.join(' ')} -> 2`);
    t.match(r.err, /usage: health-aggregator/);
  }
  const help = await run(['--help']);
  t.equal(help.code, 0);
  t.match(help.out, /usage: health-aggregator/);
});

t.test('bad config exits 2 for every command, lists every problem, starts nothing', async (t) => {
  const yaml = `
server: { port: 99999 }
checks:
  - { name: db, type: postgres, url: "postgres://app:hunter2secret@db.internal/app", timout: 3s }
  - { name: db, type: redis, url: "\${NOT_SET_ANYWHERE}" }
`;
  for (const cmd of ['serve', 'check', 'validate']) {
    const r = await run([cmd], { yaml });
    t.equal(r.code, 2, `${cmd} -> 2`);
    t.match(r.err, /invalid configuration \(\d+ problems\)/);
    t.match(r.err, /server\.port/);
    t.match(r.err, /checks\[0\]\.timout/);
    t.match(r.err, /did you mean "timeout"/);
    t.match(r.err, /NOT_SET_ANYWHERE/);
    t.notMatch(r.err + r.out, 'hunter2secret', 'no secret echoed');
    t.notMatch(r.out, /listening/, 'nothing started');
  }
  const missing = await run(['validate', '--config', '/nonexistent/health.yml']);
  t.equal(missing.code, 2);
  t.match(missing.err, /nonexistent\/health\.yml/);
});

t.test('validate prints the normalised config with secrets redacted', async (t) => {
  const r = await run(['validate'], {
    yaml: `
server: { detailsToken: "tok-abcdef123456" }
checks:
  - { name: database, type: postgres, url: "postgres://app:hunter2secret@127.0.0.1:5432/app" }
  - name: payments
    type: http
    url: https://payments.example.com/health
    headers: { Authorization: "Bearer sk_live_abcdef123456", X-Trace: visible }
`,
  });
  t.equal(r.code, 0, r.err);
  t.match(r.out, /valid, 2 check\(s\)/);
  t.match(r.out, /interval: 15000/, 'defaults applied, durations in ms');
  t.match(r.out, /postgres:\/\/app:\*\*\*@127\.0\.0\.1:5432\/app/);
  t.match(r.out, /X-Trace: visible/);
  for (const secret of ['hunter2secret', 'tok-abcdef123456', 'sk_live_abcdef123456']) t.notMatch(r.out, secret);
});

t.test('check runs every check once: exit 0 when only non-critical ones fail, 1 when a critical one does', async (t) => {
  const pg = await startPostgres();
  const redis = await startRedis();
  t.teardown(async () => {
    await pg.destroy();
    await redis.destroy();
  });
  const healthy = await run(['check'], {
    yaml: `
checks:
  - { name: database, type: postgres, url: "${pg.url}" }
  - { name: cache, type: redis, url: "${redis.url}" }
  - { name: legacy, type: redis, url: "redis://:s3cretpass@127.0.0.1:1", critical: false }
`,
  });
  t.equal(healthy.code, 0, healthy.err);
  t.match(healthy.out, /^CHECK\s+TYPE\s+CRITICAL\s+STATUS\s+DURATION\s+ERROR$/m);
  t.match(healthy.out, /^database\s+postgres\s+yes\s+ok\s+[\d.]+ ms$/m);
  t.match(healthy.out, /^legacy\s+redis\s+no\s+error\s+[\d.]+ ms\s+connection refused \(refused\)$/m);
  t.notMatch(healthy.out + healthy.err, 's3cretpass');

  await redis.stop();
  const failing = await run(['check', '--json'], {
    yaml: `
defaults: { timeout: 2s }
checks:
  - { name: database, type: postgres, url: "${pg.url}" }
  - { name: cache, type: redis, url: "redis://:s3cretpass@127.0.0.1:${redis.port}" }
`,
  });
  t.equal(failing.code, 1);
  const report = JSON.parse(failing.out) as { status: string; checks: Record<string, { status: string; error_kind: string }> };
  t.equal(report.status, 'error');
  t.equal(report.checks.database?.status, 'ok');
  t.equal(report.checks.cache?.status, 'error');
  t.equal(report.checks.cache?.error_kind, 'refused');
  t.notMatch(failing.out + failing.err, 's3cretpass');
});

t.test('zero-config: no variables -> a working service with a warning, and check says so', async (t) => {
  const r = await run(['check']);
  t.equal(r.code, 0);
  t.match(r.out, 'no dependency checks are configured');
});
