/**
 * The access line (§5.5) as the real app writes it: the contract's shape,
 * the level per route, masking of what carries a caller's text (URL, user
 * agent, a caller's request id) and nothing else; and the stdout destination
 * flushing every line at exit although it writes asynchronously.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../support/app';

const access = (logs: Array<Record<string, unknown>>) => logs.filter((l) => l.message === 'request completed');

t.test('one line per request in the contract shape; detail routes at INFO, probe routes at DEBUG', async (t) => {
  const svc = await startApp('service: { name: svc, environment: test }\nchecks: []\n');
  t.teardown(() => svc.close());
  await svc.app.inject({ url: '/api/health/detailed', headers: { 'user-agent': 'curl/8.5.0', 'x-trace-id': 'trace-1' } });
  await svc.app.inject({ url: '/api/health/readiness' });
  await svc.app.inject({ url: '/api/health' });
  const [detailed, readiness, summary] = access(svc.logs());
  t.same(Object.keys(detailed!), ['timestamp', 'level', 'service', 'environment', 'message', 'request_id', 'trace_id', 'duration_ms', 'context']);
  t.match(detailed, {
    level: 'INFO',
    service: 'svc',
    environment: 'test',
    request_id: 'trace-1',
    trace_id: 'trace-1',
    context: { method: 'GET', route: '/api/health/detailed', status_code: 200, user_agent: 'curl/8.5.0' },
  });
  t.notOk('url' in (detailed!.context as object), 'the URL is left out where the route says it all');
  t.type(detailed!.duration_ms, 'number');
  t.equal(readiness!.level, 'DEBUG', 'Kubernetes probes every few seconds: DEBUG');
  t.equal(summary!.level, 'DEBUG', 'Pingdom polls the summary: DEBUG');
  t.equal(access(svc.logs()).length, 3, 'exactly one line per request');
});

t.test('the URL, the user agent and a caller-chosen request id are masked; route, method and status are not', async (t) => {
  const svc = await startApp('checks: []\n');
  t.teardown(() => svc.close());
  await svc.app.inject({
    url: '/api/health/checks/x?email=john.doe@example.com&token=s3cr3t',
    headers: { 'user-agent': 'probe (call 555-123-4567)', 'x-request-id': '555-123-4567' },
  });
  const [line] = access(svc.logs());
  const context = line!.context as Record<string, unknown>;
  t.equal(context.url, '/api/health/checks/x?email=j*****@example.com&token=***');
  t.equal(context.user_agent, 'probe (call (***) ***-4567)');
  t.equal(line!.request_id, '(***) ***-4567', 'an id the caller chose is text the caller chose');
  t.equal(context.route, '/api/health/checks/:name');
  t.equal(context.status_code, 404);
  t.notMatch(svc.rawLogs(), /john\.doe|s3cr3t|555-123/);
});

t.test('stdout is written asynchronously and still holds every line when the process exits', async (t) => {
  // A child that logs many lines through createLogger's own stdout destination, then exits at once.
  const script = `
    const { createLogger } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/observability/logging.js'))});
    const log = createLogger({ service: 's', environment: 'e', level: 'info' });
    for (let i = 0; i < 20000; i++) log.info({ context: { i } }, 'line');
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  t.equal(r.status, 0);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  t.equal(lines.length, 20000, 'no line lost at exit');
  t.same(JSON.parse(lines.at(-1)!).context, { i: 19999 }, 'the last line is whole');
});

t.test('batched access lines are all written when the process exits, at once or when it runs out of work', async (t) => {
  // The access writer holds lines before handing them to stdout: neither way of ending may lose them.
  const write = `
    const { createLogger } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/observability/logging.js'))});
    const { accessLogFor } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/observability/access-log.js'))});
    const access = accessLogFor(createLogger({ service: 's', environment: 'e', level: 'info' }));
    const line = (i) => access({ level: 'info', requestId: 'r' + i, requestIdFromCaller: false, traceId: undefined, durationMs: 1,
      method: 'GET', route: '/x', statusCode: 200, url: '/x', userAgent: undefined, aborted: false });
  `;
  const endings = {
    'process.exit() straight after': 'for (let i = 0; i < 5000; i++) line(i); process.exit(0);',
    // One line a turn: the last batch is still held (its timer unref'd) when the event loop empties.
    'the event loop running out of work': 'let i = 0; const next = () => { line(i++); if (i < 3000) setImmediate(next); }; next();',
  };
  // stdout is a file, and the child's own last 'exit' listener counts what it holds: every line must
  // be in it by then (written synchronously), not in an asynchronous write that would race the exit.
  const counted = `process.on('exit', () => process.stderr.write(String(require('fs').readFileSync('/proc/self/fd/1', 'utf8').split('\\n').length - 1)));`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-access-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [how, body] of Object.entries(endings)) {
    const expected = how.startsWith('process') ? 5000 : 3000;
    const file = path.join(dir, 'out.log');
    const out = openSync(file, 'w+');
    const r = spawnSync(process.execPath, ['-e', write + counted + body], { encoding: 'utf8', stdio: ['ignore', out, 'pipe'] });
    closeSync(out);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    t.equal(r.status, 0);
    t.equal(Number(r.stderr), expected, `${how}: every access line written before the process's last moment`);
    t.equal(lines.length, expected, `${how}: no access line lost`);
    t.equal(JSON.parse(lines.at(-1)!).request_id, `r${expected - 1}`, `${how}: the last line is whole and last`);
  }
});
