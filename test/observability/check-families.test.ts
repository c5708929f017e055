/**
 * The per-check gauges are rendered as cached text (check-families.ts) and
 * must read exactly as prom-client wrote them: the reference below is the
 * prom-client code they replaced, fed the same states.
 */
import t from 'tap';
import { Counter, Gauge, Registry } from 'prom-client';
import { createCheckFamilies, ProbeRuns } from '../../src/observability/check-families';
import { CHECK_STATUSES, type CheckState } from '../../src/types';
import { state } from '../support/states';

const STATES: CheckState[] = [
  state('database', 'ok'),
  state('cache', 'degraded', { type: 'redis', critical: false }),
  state('queue', 'error', {
    type: 'bullmq',
    details: { queues: { emails: { counts: { waiting: 3, active: 1, failed: 0, bogus: 'x' }, workers: 2, oldest_waiting_age_s: 12.5 }, 'odd "name"': { counts: {} } } },
  }),
  state('nightly-backup', 'ok', { type: 'heartbeat', details: { last_ping_at: '2026-12-01T03:00:00.250Z' } }),
  state('never-pinged', 'unknown', { type: 'heartbeat', details: {} }),
  state('api', 'unknown', { type: 'http' }),
];

/** What metrics.ts did before, with prom-client, for the same checks. */
async function reference(checks: readonly CheckState[], inMaintenance: (c: string) => boolean): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const up = new Gauge({ name: 'health_check_up', help: 'Whether the check is up (1 = ok or degraded, 0 = error or unknown).', labelNames: ['check', 'type', 'critical'], registers });
  const status = new Gauge({ name: 'health_check_status', help: 'Current status of the check: 1 for the current state, 0 for the others.', labelNames: ['check', 'type', 'status'], registers });
  const duration = new Gauge({ name: 'health_check_duration_seconds', help: 'Duration of the last probe, in seconds.', labelNames: ['check', 'type'], registers });
  const lastSuccess = new Gauge({ name: 'health_check_last_success_timestamp_seconds', help: 'Unix time of the last successful (ok or degraded) probe.', labelNames: ['check', 'type'], registers });
  const failures = new Gauge({ name: 'health_check_consecutive_failures', help: 'Consecutive failed probes.', labelNames: ['check', 'type'], registers });
  const jobs = new Gauge({ name: 'health_bullmq_queue_jobs', help: 'Jobs in a BullMQ queue, by state.', labelNames: ['check', 'queue', 'state'], registers });
  const workers = new Gauge({ name: 'health_bullmq_queue_workers', help: 'Workers connected to a BullMQ queue.', labelNames: ['check', 'queue'], registers });
  const oldest = new Gauge({ name: 'health_bullmq_queue_oldest_waiting_age_seconds', help: 'Age of the oldest waiting job in a BullMQ queue, in seconds (0 when none waits).', labelNames: ['check', 'queue'], registers });
  const ping = new Gauge({ name: 'health_heartbeat_last_ping_timestamp_seconds', help: 'Unix time of the last ping a heartbeat check received (any kind: success, start, fail).', labelNames: ['check'], registers });
  const maintenance = new Gauge({ name: 'health_check_in_maintenance', help: 'Whether the check is inside a maintenance window (1) or not (0).', labelNames: ['check'], registers });
  for (const c of checks) {
    up.set({ check: c.name, type: c.type, critical: String(c.critical) }, c.status === 'ok' || c.status === 'degraded' ? 1 : 0);
    for (const s of CHECK_STATUSES) status.set({ check: c.name, type: c.type, status: s }, s === c.status ? 1 : 0);
    if (c.durationMs !== null) duration.set({ check: c.name, type: c.type }, c.durationMs / 1000);
    if (c.lastSuccessAt !== null) lastSuccess.set({ check: c.name, type: c.type }, c.lastSuccessAt / 1000);
    failures.set({ check: c.name, type: c.type }, c.consecutiveFailures);
    const queues = c.type === 'bullmq' ? Object.entries((c.details as { queues: Record<string, any> }).queues) : [];
    for (const [queue, q] of queues) {
      for (const [st, n] of Object.entries(q.counts ?? {})) if (typeof n === 'number') jobs.set({ check: c.name, queue, state: st }, n);
      if (typeof q.workers === 'number') workers.set({ check: c.name, queue }, q.workers);
      oldest.set({ check: c.name, queue }, typeof q.oldest_waiting_age_s === 'number' ? q.oldest_waiting_age_s : 0);
    }
    const at = c.type === 'heartbeat' ? Date.parse(String(c.details.last_ping_at ?? '')) : NaN;
    if (Number.isFinite(at)) ping.set({ check: c.name }, at / 1000);
    maintenance.set({ check: c.name }, inMaintenance(c.name) ? 1 : 0);
  }
  return registry.metrics();
}

/** Families by name, each as its set of lines (the order of families is free in the text format). */
const families = (text: string) => {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const name = line.startsWith('#') ? line.split(' ')[2]! : line.split(/[{ ]/)[0]!;
    out.set(name, [...(out.get(name) ?? []), line]);
  }
  return out;
};

t.test('the cached text says what prom-client said for the same states, line for line', async (t) => {
  const down = new Set(['cache']);
  const text = createCheckFamilies({ inMaintenance: (c) => down.has(c) }).render(STATES);
  const theirs = families(await reference(STATES, (c) => down.has(c)));
  const ours = families(text);
  t.same([...ours.keys()].sort(), [...theirs.keys()].sort(), 'the same families');
  for (const [name, lines] of theirs) t.same(ours.get(name), lines, name);
  t.match(text, /\nhealth_bullmq_queue_oldest_waiting_age_seconds\{check="queue",queue="odd \\"name\\""\} 0\n/, 'label values escaped');
  t.ok(text.startsWith('\n# HELP health_check_up '), 'appended after the registry text, which ends in a newline');
  t.match(text, /\n\n# HELP health_check_status /, 'families are separated by a blank line, as the registry separates its own');
});

t.test('a check is rendered again only when its state object changes; maintenance is asked every scrape', async (t) => {
  let asked = 0;
  let inWindow = false;
  const fam = createCheckFamilies({ inMaintenance: () => (asked++, inWindow) });
  const checks = [...STATES];
  const first = fam.render(checks);
  t.equal(asked, checks.length);
  t.equal(fam.render(checks), first, 'the same states: the same text');
  checks[0] = state('database', 'error');
  const moved = fam.render(checks);
  t.match(moved, /health_check_up\{check="database",type="postgres",critical="true"\} 0\n/, 'the replaced state is rendered anew');
  t.match(moved, /health_check_status\{check="database",type="postgres",status="error"\} 1\n/);
  inWindow = true;
  t.match(fam.render(checks), /health_check_in_maintenance\{check="api"\} 1\n/, 'a window that opens shows with no state changed');
});

t.test('probe runs read as a prom-client Counter fed the same probes', async (t) => {
  const registry = new Registry();
  const reference = new Counter({ name: 'health_check_runs_total', help: 'Probes run, by result and failure reason (an error_kind, or none).', labelNames: ['check', 'type', 'result', 'reason'], registers: [registry] });
  const runs = new ProbeRuns();
  const probes = [
    ['db', 'postgres', 'ok', 'none'],
    ['db', 'postgres', 'error', 'timeout'],
    ['db', 'postgres', 'ok', 'none'],
    ['cache', 'redis', 'degraded', 'none'],
  ] as const;
  for (const [check, type, result, reason] of probes) {
    runs.inc(check, type, result, reason);
    reference.inc({ check, type, result, reason });
  }
  t.same(families(runs.render()).get('health_check_runs_total'), families(await registry.metrics()).get('health_check_runs_total'));
  t.match(runs.render(), /\nhealth_check_runs_total\{check="db",type="postgres",result="ok",reason="none"\} 2\n/);
});
