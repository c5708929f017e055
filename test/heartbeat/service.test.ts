/**
 * Heartbeats against the BUILT service over real HTTP, time driven by a short
 * period (2 s, grace 1 s): the states a job's pings move it through, the
 * status codes of the ping routes, the secrecy of the token, and what a
 * restart with memory storage says.
 */
import t from 'tap';
import { eventually, startApp } from '../support/app';
import { runCli } from '../support/service';
import { startService, type RunningService } from './built';
import { farHour } from '../support/cron';

const TOKEN = 'canary-hb-token-7f3a9';
const LIMITED_TOKEN = 'canary-hb-limited-55e1';
const DETAILS = 'canary-details-token-19c2';

const yaml = (port: number) => `
server: { port: ${port}, host: 127.0.0.1, detailsToken: ${DETAILS} }
# The machine is shared and busy: shedding would only make these tests flaky (pressure has its own test below).
pressure: { maxEventLoopDelay: 0 }
checks:
  - { name: job, type: heartbeat, period: 2s, grace: 1s, token: ${TOKEN} }
  - { name: limited, type: heartbeat, period: 1h, token: ${LIMITED_TOKEN}, rateLimit: 3, critical: false }
  - { name: nightly, type: heartbeat, schedule: "30 ${farHour('Europe/Berlin')} * * *", timezone: Europe/Berlin, token: ${TOKEN}x, critical: false }
  - { name: ledger, type: tcp, host: 127.0.0.1, port: 1, critical: false }
`;

const auth = { authorization: `Bearer ${DETAILS}` };

async function detailedOf(s: RunningService) {
  const res = await fetch(`${s.base}/api/health/detailed`, { headers: auth });
  return (await res.json()) as { checks: Record<string, { status: string; error: string | null; error_kind: string | null; details: Record<string, unknown> }> };
}
const statusOf = async (s: RunningService, name: string) => (await detailedOf(s)).checks[name]!;
const ping = (s: RunningService, path: string, init: RequestInit = {}) => fetch(`${s.base}/api/health/heartbeats/${path}`, init);

t.test('a job that pings, runs late, fails and recovers', async (t) => {
  const s = await startService(t, yaml);
  t.equal((await statusOf(s, 'job')).status, 'unknown', 'never pinged since start: unknown, not error');
  const ready = await fetch(`${s.base}/api/health/readiness?verbose`);
  t.equal(ready.status, 200, 'a critical heartbeat waiting for its first ping holds neither readiness...');
  t.match(await ready.text(), /\[\+\]job ok \(heartbeat: no ping due yet\)/);
  t.equal((await fetch(`${s.base}/api/health`)).status, 200, '...nor the summary (a restart must not cause a day-long 503)');

  const first = await ping(s, `job?token=${TOKEN}`);
  t.equal(first.status, 200);
  t.same(await first.json(), { ok: true });
  await eventually(async () => (await statusOf(s, 'job')).status === 'ok', 'ok within a second of the ping', 5_000, 50);
  t.equal((await fetch(`${s.base}/api/health/readiness`)).status, 200, 'readiness counts the critical heartbeat');
  const okEntry = await statusOf(s, 'job');
  t.type(okEntry.details.last_ping_at, 'string', 'details carry last_ping_at');
  t.type(okEntry.details.expected_at, 'string', 'and expected_at');

  const late = await eventually(async () => {
    const e = await statusOf(s, 'job');
    return e.status !== 'ok' ? e : null;
  }, 'the check leaves ok once the period has passed', 8_000, 100);
  t.equal(late.status, 'degraded', 'overdue within grace: degraded');
  t.equal(late.error_kind, 'timeout');
  await eventually(async () => (await statusOf(s, 'job')).status === 'error', 'error past the grace', 8_000, 100);
  const failing = (await (await fetch(`${s.base}/api/health/readiness`)).json()) as { failing?: string[] };
  t.same(failing.failing, ['job'], 'readiness names the overdue heartbeat');

  t.equal((await ping(s, 'job/start', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, 'a start by Bearer header');
  await eventually(async () => (await statusOf(s, 'job')).status === 'ok', 'a run in progress within grace is ok', 5_000, 50);
  t.equal((await ping(s, `job/3?token=${TOKEN}`, { method: 'POST', body: 'exit 3: disk full, mail alice@example.com' })).status, 200);
  const failed = await eventually(async () => {
    const e = await statusOf(s, 'job');
    return e.status === 'error' ? e : null;
  }, 'a non-zero exit code is an error at once', 5_000, 50);
  t.equal(failed.error, 'last run failed (exit code 3)');
  t.equal(failed.details.last_exit_code, 3);
  t.type(failed.details.last_duration_ms, 'number', 'the run duration, from its start');
  t.match(failed.details.last_note, /^exit 3: disk full, mail a\*+@example\.com$/, 'the note is masked like logs');
  t.equal((await ping(s, `job/0?token=${TOKEN}`)).status, 200);
  await eventually(async () => (await statusOf(s, 'job')).status === 'ok', 'exit code 0 recovers', 5_000, 50);
  t.equal((await ping(s, `job/fail?token=${TOKEN}`)).status, 200);
  await eventually(async () => (await statusOf(s, 'job')).status === 'error', '/fail is an error', 5_000, 50);

  const publicStatus = await (await fetch(`${s.base}/api/status`)).text();
  t.notMatch(publicStatus, /disk full|last_note|exit code/, 'the note and details never reach the public status page');
  t.ok(s.logs().some((l) => l.message === 'check job is error' && l.level === 'ERROR'), 'the status change is logged like any check');
});

t.test('the ping routes answer 200, 401, 404, 413 and 429 as specified', async (t) => {
  const s = await startService(t, yaml);
  const big = 'x'.repeat(10 * 1024 + 1);
  const fits = 'y'.repeat(10 * 1024);
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const cases: Array<{ name: string; path: string; init?: RequestInit; status: number }> = [
    { name: 'a GET with ?token=', path: `job?token=${TOKEN}`, status: 200 },
    { name: 'a POST with Bearer', path: 'job', init: { method: 'POST', headers: bearer }, status: 200 },
    { name: 'a form-encoded body (curl -d) is a note', path: 'job', init: { method: 'POST', headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }, status: 200 },
    { name: 'a body of exactly 10 KiB', path: 'job', init: { method: 'POST', headers: bearer, body: fits }, status: 200 },
    { name: 'a body over 10 KiB', path: 'job', init: { method: 'POST', headers: bearer, body: big }, status: 413 },
    { name: 'exit code 255', path: `job/255?token=${TOKEN}`, status: 200 },
    { name: 'exit code 256 is no action', path: `job/256?token=${TOKEN}`, status: 404 },
    { name: 'an unknown action', path: `job/restart?token=${TOKEN}`, status: 404 },
    { name: 'no token', path: 'job', status: 401 },
    { name: 'a wrong token in the query', path: 'job?token=nope', status: 401 },
    { name: 'a wrong Bearer token', path: 'job', init: { headers: { authorization: 'Bearer nope' } }, status: 401 },
    { name: "another heartbeat's token", path: `limited?token=${TOKEN}`, status: 401 },
    { name: 'a repeated ?token= is no token', path: `job?token=${TOKEN}&token=${TOKEN}`, status: 401 },
    { name: 'an unknown name', path: `nope?token=${TOKEN}`, status: 404 },
    { name: 'a check that is not a heartbeat', path: `ledger?token=${TOKEN}`, status: 404 },
    { name: 'HEAD is not a ping', path: `job?token=${TOKEN}`, init: { method: 'HEAD' }, status: 404 },
  ];
  for (const c of cases) {
    const res = await ping(s, c.path, c.init);
    t.equal(res.status, c.status, `${c.name}: ${c.status}`);
    if (c.init?.method === 'HEAD') continue;
    const body = (await res.json()) as Record<string, unknown>;
    if (c.status === 200) t.same(body, { ok: true });
    else t.match(body, { error: String, message: String, status_code: c.status }, `${c.name}: the one error shape`);
    if (c.status === 401) t.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  }

  const limited = [];
  for (let i = 0; i < 5; i++) limited.push(await ping(s, `limited?token=${LIMITED_TOKEN}`));
  t.same(limited.map((r) => r.status), [200, 200, 200, 429, 429], 'a burst of rateLimit pings passes, then 429');
  const retry = Number(limited[3]!.headers.get('retry-after'));
  t.ok(retry >= 1 && retry <= 20, `429 says when to retry (${retry} s)`);
  t.equal((await ping(s, 'limited?token=wrong')).status, 401, 'a wrong token is refused, not counted');
});

t.test('the token never appears in a log line, response, metric or validate output', async (t) => {
  const s = await startService(t, yaml);
  const bodies: string[] = [];
  for (const path of [`job?token=${TOKEN}`, `job/start?token=${TOKEN}&rid=r1`, `nope?token=${TOKEN}`, `job/999?token=${TOKEN}`, `job?token=${TOKEN}nope`]) {
    bodies.push(await (await ping(s, path)).text());
  }
  bodies.push(await (await ping(s, 'job', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: `my token is ${TOKEN}` })).text());
  bodies.push(await (await fetch(`${s.base}/api/health/heartbeats/job?token=${TOKEN}`, { method: 'POST', body: 'z'.repeat(20_000) })).text());
  // Until the last ping (the one with a note) is served: a ping that changes no status reaches the
  // detailed body at the next snapshot rebuild (at most 250 ms later), not at once.
  await eventually(async () => {
    const job = await statusOf(s, 'job');
    return job.status === 'ok' && job.details.last_note !== undefined;
  }, 'the pings were recorded', 5_000, 50);
  const detailed = JSON.stringify(await detailedOf(s));
  t.match(detailed, /my token is \*\*\*/, 'a token inside a note is scrubbed');
  bodies.push(detailed);
  bodies.push(await (await fetch(`${s.base}/metrics`)).text());
  bodies.push(await (await fetch(`${s.base}/api/status`)).text());
  bodies.push(await (await fetch(`${s.base}/api/health`)).text());
  t.match(bodies.at(-3), /health_heartbeat_last_ping_timestamp_seconds\{check="job"\} \d+/, 'the last-ping gauge is exported');
  // Access lines reach stdout in batches (at most 250 ms later): wait for them before the SIGKILL.
  await eventually(() => s.proc.stdout().includes('/api/health/heartbeats/:name'), 'the access lines are written', 5_000, 50);
  await s.stop();
  const logs = s.proc.stdout() + s.proc.stderr();
  t.ok(logs.includes('heartbeat ping refused'), 'refused pings are logged');
  t.ok(logs.includes('/api/health/heartbeats/:name'), 'the access log names the route');
  for (const [what, text] of [['logs', logs], ...bodies.map((b, i) => [`response ${i}`, b])] as const) {
    t.notOk(text.includes(TOKEN) || text.includes(DETAILS), `no token in ${what}`);
  }

  const validate = runCli(['validate'], { yaml: yaml(1) });
  t.teardown(() => validate.cleanup());
  t.equal(await validate.exited, 0);
  t.match(validate.stdout(), /type: heartbeat/);
  t.notOk((validate.stdout() + validate.stderr()).includes(TOKEN), 'validate redacts heartbeat tokens');
  const bad = runCli(['validate'], { yaml: `checks:\n  - { name: job, type: heartbeat, period: 1h, schedule: "* * * * *", token: ${TOKEN} }\n  - { name: job2, type: heartbeat, period: 1h, grace: -1s, token: ${TOKEN} }\n` });
  t.teardown(() => bad.cleanup());
  t.equal(await bad.exited, 2, 'a bad heartbeat exits 2');
  t.match(bad.stderr(), /checks\[0\]\.schedule: not allowed with period/);
  t.match(bad.stderr(), /checks\[1\]\.grace: "-1s" is not allowed/);
  t.notOk(bad.stderr().includes(TOKEN));
  const check = runCli(['check'], { yaml: yaml(1) });
  t.teardown(() => check.cleanup());
  t.equal(await check.exited, 0, 'check: heartbeats with no known ping do not fail the command (only the tcp check fails, and it is not critical)');
  t.match(check.stdout(), /job\s+heartbeat\s+yes\s+unknown\s+-\s+heartbeat: pushed, not probed/);
});

t.test('memory storage: a restarted service says unknown, never a false error, until a ping is due', async (t) => {
  const s1 = await startService(t, yaml);
  await ping(s1, `job?token=${TOKEN}`);
  await eventually(async () => (await statusOf(s1, 'job')).status === 'ok', 'ok', 5_000, 50);
  await s1.stop();
  const s2 = await startService(t, yaml);
  const entry = await statusOf(s2, 'job');
  t.equal(entry.status, 'unknown', 'the lost ping is not an error');
  t.equal((await fetch(`${s2.base}/api/health`)).status, 200, 'nor does it make the service 503');
  t.equal((await statusOf(s2, 'nightly')).status, 'unknown', 'a daily cron heartbeat stays unknown until its time');
  await eventually(async () => (await statusOf(s2, 'job')).status === 'error', 'error once period + grace passed with no ping', 10_000, 100);
  t.match((await statusOf(s2, 'job')).error, /no ping since the service started/);
});

t.test('under pressure, pings are not shed', async (t) => {
  const h = await startApp(`pressure: { maxEventLoopDelay: 0, maxHeapUsedBytes: 1, maxRssBytes: 0 }\nchecks:\n  - { name: job, type: heartbeat, period: 1h, token: ${TOKEN} }\n`);
  t.teardown(() => h.close());
  await eventually(() => h.app.health.pressure.underPressure(), 'under pressure');
  t.equal((await h.app.inject({ url: '/api/health' })).statusCode, 503, 'the summary is shed');
  const res = await h.app.inject({ url: `/api/health/heartbeats/job?token=${TOKEN}` });
  t.equal(res.statusCode, 200, 'the ping is taken');
});
