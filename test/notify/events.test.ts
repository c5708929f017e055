/**
 * From status changes and operator events to deliveries, with the real
 * result store, real metrics, real HTTP receivers and real (short) time:
 * error and recovery told once each; `after` swallowing a blip and telling
 * a lasting state; `repeat` reminding while it lasts; maintenance silencing
 * a check and its window opening/closing told to whoever asked; adopted
 * (peer-decided) changes never told here.
 */
import t, { type Test } from 'tap';
import { parseConfig } from '../../src/config';
import { createNotifications } from '../../src/notify';
import { createMetrics } from '../../src/observability/metrics';
import type { MaintenanceCalendar, MaintenanceWindow, OperatorEvent, StatusIncident } from '../../src/status/operator/types';
import { createResultStore } from '../../src/store/store';
import type { ProbeResult, ProbeStatus } from '../../src/types';
import { captureLogs } from '../support/logs';
import { startReceiver, type Receiver } from '../support/receiver';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probe(status: ProbeStatus): ProbeResult {
  return { status, error: status === 'error' ? 'connection refused' : null, errorKind: status === 'error' ? 'refused' : null, details: {}, durationMs: 1, checkedAt: Date.now() };
}

/** A tiny real operator side: a calendar of checks in maintenance, and events pushed by the test. */
function smallOperator() {
  const inWindow = new Set<string>();
  const listeners = new Set<(e: OperatorEvent) => void>();
  const calendar: MaintenanceCalendar = { inMaintenance: (c) => inWindow.has(c), windows: () => [] };
  return {
    calendar,
    inWindow,
    onEvent(fn: (e: OperatorEvent) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    emit(e: OperatorEvent) {
      for (const fn of listeners) fn(e);
    },
  };
}

const window = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 'mw_1', title: 'Database upgrade', components: ['db'], starts_at: '2026-12-01T09:00:00.000Z', ends_at: '2026-12-01T10:00:00.000Z',
  status: 'active', source: 'operator', message: 'Upgrading to 17', ...over,
});

async function setup(t: Test, notifier: string, receivers = 1) {
  const rx: Receiver[] = [];
  for (let i = 0; i < receivers; i++) {
    const r = await startReceiver();
    t.teardown(() => r.close());
    rx.push(r);
  }
  const yaml = `
service: { name: shop, environment: test }
checks:
  - { name: db, type: tcp, host: 127.0.0.1, port: 1, failureThreshold: 1, displayName: Database, group: Core }
  - { name: other, type: tcp, host: 127.0.0.1, port: 2, failureThreshold: 1 }
notifications:
${notifier.replace(/RX(\d)/g, (_, i: string) => rx[Number(i)]!.url)}
`;
  const config = parseConfig(yaml, {}, 'test.yml');
  const store = createResultStore(config.checks);
  const metrics = createMetrics({ snapshot: () => store.snapshot(), defaultMetrics: false });
  const operator = smallOperator();
  const logs = captureLogs();
  const n = createNotifications(config, { store, logger: logs.logger, metrics, operator, calendar: operator.calendar, tuning: { baseDelayMs: 50 } });
  t.teardown(() => n.close());
  const counted = async (notifier: string, result: string) => {
    const m = await metrics.registry.getSingleMetric('health_notifications_total')!.get();
    return m.values.find((v) => v.labels.notifier === notifier && v.labels.result === result)?.value;
  };
  return { rx, store, operator, n, counted, logs };
}

t.test('error then recovery: one webhook each, in the contract shape, counted sent', async (t) => {
  const { rx, store, counted, n } = await setup(t, '  - { name: hooks, type: webhook, url: "RX0" }');
  t.equal(await counted('hooks', 'sent'), 0, 'the series exists at zero before anything is sent');
  store.record('db', probe('ok'));
  store.record('db', probe('error'));
  store.record('db', probe('error'));
  const [err] = await rx[0]!.waitFor(1);
  t.match(err!.json(), { event: 'error', service: 'shop', environment: 'test', status_page_url: null, check: { name: 'db', display_name: 'Database', type: 'tcp', critical: true, status: 'error', previous_status: 'ok', error: 'connection refused', error_kind: 'refused', caused_by: null } });
  store.record('db', probe('ok'));
  const [, rec] = await rx[0]!.waitFor(2);
  t.match(rec!.json(), { event: 'recovery', check: { status: 'ok', previous_status: 'error' } });
  await n.idle();
  await sleep(300);
  t.equal(rx[0]!.received.length, 2, 'nothing more');
  t.equal(await counted('hooks', 'sent'), 2);
});

t.test('the first result ok is not news; unknown -> error is; changes adopted from a peer are not told here', async (t) => {
  const { rx, store } = await setup(t, '  - { name: hooks, type: webhook, url: "RX0" }');
  store.record('other', probe('ok'));
  const base = { ...store.get('db')!, checkedAt: Date.now(), error: 'connection refused', errorKind: 'refused' as const };
  store.adopt('db', { ...base, status: 'error' });
  await sleep(300);
  t.equal(rx[0]!.received.length, 0, 'a peer decided these: that peer tells');
  store.record('other', probe('error'));
  const [got] = await rx[0]!.waitFor(1);
  t.match(got!.json(), { event: 'error', check: { name: 'other', previous_status: 'ok' } });
});

t.test('`after` swallows a blip (and its recovery) and tells a state that lasts', async (t) => {
  const { rx, store } = await setup(t, '  - { name: hooks, type: webhook, url: "RX0", after: 800ms }');
  store.record('db', probe('ok'));
  store.record('db', probe('error'));
  await sleep(200);
  store.record('db', probe('ok'));
  await sleep(1_200);
  t.equal(rx[0]!.received.length, 0, 'a 200 ms blip under after: 800ms is never told, nor its recovery');
  const failedAt = Date.now();
  store.record('db', probe('error'));
  const [err] = await rx[0]!.waitFor(1);
  t.equal(err!.json().event, 'error');
  t.ok(err!.at - failedAt >= 700, `told once it had lasted (after ${err!.at - failedAt} ms)`);
  store.record('db', probe('ok'));
  const [, rec] = await rx[0]!.waitFor(2);
  t.equal(rec!.json().event, 'recovery', 'the recovery of a told problem is told, once it lasted too');
});

t.test('`repeat` reminds while the state lasts, and stops at recovery', async (t) => {
  const { rx, store } = await setup(t, '  - { name: hooks, type: webhook, url: "RX0", repeat: 300ms }');
  store.record('db', probe('error'));
  await rx[0]!.waitFor(4, 5_000);
  store.record('db', probe('ok'));
  await sleep(100);
  const events = rx[0]!.received.map((r) => r.json().event);
  t.strictSame(events.slice(0, 4), ['error', 'error', 'error', 'error']);
  t.equal(events.at(-1), 'recovery');
  const count = rx[0]!.received.length;
  await sleep(800);
  t.equal(rx[0]!.received.length, count, 'no reminder after the recovery');
  t.equal(new Set(rx[0]!.received.slice(0, 4).map((r) => r.json().check.since)).size, 1, 'reminders carry the same since');
});

t.test('`on` and `checks` choose what a notifier hears', async (t) => {
  const { rx, store } = await setup(t, [
    '  - { name: only-other, type: webhook, url: "RX0", checks: [other] }',
    '  - { name: degraded-too, type: webhook, url: "RX1", on: [degraded, recovery] }',
  ].join('\n'), 2);
  store.record('db', probe('ok'));
  store.record('db', probe('degraded'));
  store.record('db', probe('ok'));
  await rx[1]!.waitFor(2);
  t.strictSame(rx[1]!.received.map((r) => r.json().event), ['degraded', 'recovery']);
  store.record('db', probe('error'));
  await sleep(400);
  t.equal(rx[1]!.received.length, 2, 'error is not in its `on`');
  t.equal(rx[0]!.received.length, 0, 'db is not in its `checks`');
});

t.test('nothing is sent for a check in maintenance; a window told to whoever asked; what outlasted it told after', async (t) => {
  const { rx, store, operator } = await setup(t, [
    '  - { name: hooks, type: webhook, url: "RX0" }',
    '  - { name: planned, type: webhook, url: "RX1", on: [maintenance] }',
  ].join('\n'), 2);
  store.record('db', probe('ok'));
  operator.inWindow.add('db');
  operator.emit({ kind: 'maintenance', action: 'started', window: window() });
  store.record('db', probe('error'));
  store.record('db', probe('ok'));
  store.record('db', probe('error'));
  const [started] = await rx[1]!.waitFor(1);
  t.match(started!.json(), { event: 'maintenance', maintenance: { action: 'started', id: 'mw_1', title: 'Database upgrade', components: ['db'] } });
  await sleep(400);
  t.equal(rx[0]!.received.length, 0, 'failures inside the window are not told');
  operator.inWindow.delete('db');
  operator.emit({ kind: 'maintenance', action: 'ended', window: window({ status: 'completed' }) });
  const [, ended] = await rx[1]!.waitFor(2);
  t.equal(ended!.json().maintenance.action, 'ended');
  const [after] = await rx[0]!.waitFor(1);
  t.match(after!.json(), { event: 'error', check: { name: 'db', status: 'error' } }, 'a failure that outlasted the window is told when it ends');
  operator.emit({ kind: 'maintenance', action: 'scheduled', window: window({ id: 'mw_2', status: 'upcoming' }) });
  await sleep(300);
  t.equal(rx[1]!.received.length, 2, 'scheduling a window is not a maintenance event');
  t.equal(rx[0]!.received.length, 1, 'hooks did not ask for maintenance events');
});

t.test('operator incidents go to notifiers with incident in `on`, once per update', async (t) => {
  const { rx, operator } = await setup(t, '  - { name: hooks, type: webhook, url: "RX0", on: [incident], checks: [db] }');
  const incident: StatusIncident = {
    id: 'inc_9', title: 'Checkout errors', status: 'investigating', impact: 'major', source: 'operator', components: ['db'],
    created_at: '2026-12-01T09:00:00.000Z', updated_at: '2026-12-01T09:00:00.000Z', started_at: '2026-12-01T09:00:00.000Z', resolved_at: null,
    updates: [{ id: 'u1', status: 'investigating', message: 'Looking', created_at: '2026-12-01T09:00:00.000Z' }],
  };
  operator.emit({ kind: 'incident', action: 'created', incident });
  operator.emit({ kind: 'incident', action: 'created', incident });
  operator.emit({ kind: 'incident', action: 'created', incident: { ...incident, id: 'inc_10', components: ['other'] } });
  const [got] = await rx[0]!.waitFor(1);
  t.strictSame(got!.json().incident, incident);
  t.notOk('check' in got!.json());
  await sleep(300);
  t.equal(rx[0]!.received.length, 1, 'the same event twice is sent once; an incident on another check not at all');
});

t.test('pagerduty through a real receiver: trigger then resolve on one dedup_key, in order', async (t) => {
  const { rx, store } = await setup(t, '  - { name: oncall, type: pagerduty, url: "RX0", routingKey: R0UT1NGKEY }');
  store.record('db', probe('error'));
  store.record('db', probe('ok'));
  const got = await rx[0]!.waitFor(2);
  t.strictSame(got.map((r) => [r.json().event_action, r.json().dedup_key, r.json().routing_key]), [['trigger', 'shop/db', 'R0UT1NGKEY'], ['resolve', 'shop/db', 'R0UT1NGKEY']]);
  t.match(got[0]!.json().payload, { severity: 'critical', source: 'shop', component: 'db', group: 'Core', class: 'tcp' });
  t.equal(got[0]!.headers['content-type'], 'application/json');
});

t.test('slack through a real receiver: text and blocks', async (t) => {
  const { rx, store } = await setup(t, '  - { name: chat, type: slack, url: "RX0" }');
  store.record('db', probe('error'));
  const [got] = await rx[0]!.waitFor(1);
  t.strictSame(Object.keys(got!.json()).sort(), ['blocks', 'text']);
  t.match(got!.json().text, 'Database is in error: connection refused');
});
