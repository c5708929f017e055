/**
 * One delivery per event cluster-wide (CONTRACT §5.7): two replicas sharing
 * one real PostgreSQL both see each maintenance window open and close (and
 * each operator incident), and the receiver hears each event once. With the
 * database gone, events are still sent (a duplicate beats a missed page) and
 * that costs one sanitised WARN.
 */
import { Client } from 'pg';
import t from 'tap';
import { parseConfig } from '../../src/config';
import { createNotifications } from '../../src/notify';
import { createMetrics } from '../../src/observability/metrics';
import type { MaintenanceWindow, OperatorEvent } from '../../src/status/operator/types';
import { createResultStore } from '../../src/store/store';
import { captureLogs } from '../support/logs';
import { startPostgres } from '../support/postgres';
import { startReceiver } from '../support/receiver';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const window = (id: string): MaintenanceWindow => ({
  id, title: 'Vacuum', components: ['db'], starts_at: '2026-12-01T03:00:00.000Z', ends_at: '2026-12-01T03:30:00.000Z', status: 'active', source: 'config', message: null,
});

t.test('two replicas on one database: each window opening and closing is delivered once', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const rx = await startReceiver();
  t.teardown(() => rx.close());
  const yaml = `
service: { name: shop }
storage: { type: postgres, url: "${pg.url}" }
checks: [{ name: db, type: tcp, host: 127.0.0.1, port: 1 }]
notifications: [{ name: planned, type: webhook, url: "${rx.url}", on: [maintenance, incident] }]
`;
  const replicas = [0, 1].map(() => {
    const config = parseConfig(yaml, {}, 'test.yml');
    const store = createResultStore(config.checks);
    const listeners = new Set<(e: OperatorEvent) => void>();
    const logs = captureLogs();
    const n = createNotifications(config, {
      store,
      logger: logs.logger,
      metrics: createMetrics({ snapshot: () => store.snapshot(), defaultMetrics: false }),
      operator: { onEvent: (fn) => (listeners.add(fn), () => void listeners.delete(fn)) },
      calendar: { inMaintenance: () => false, windows: () => [] },
    });
    return { n, logs, emit: (e: OperatorEvent) => listeners.forEach((fn) => fn(e)) };
  });
  t.teardown(() => Promise.all(replicas.map((r) => r.n.close())));

  // Both replicas see every window open and close, at about the same moment.
  for (const id of ['mw_a', 'mw_b']) {
    for (const action of ['started', 'ended'] as const) for (const r of replicas) r.emit({ kind: 'maintenance', action, window: window(id) });
  }
  await rx.waitFor(4);
  await sleep(1_000);
  const heard = rx.received.map((r) => `${r.json().maintenance.id} ${r.json().maintenance.action}`).sort();
  t.strictSame(heard, ['mw_a ended', 'mw_a started', 'mw_b ended', 'mw_b started'], 'each event once, though two replicas saw it');
  if (heard.length !== 4) console.error(replicas.map((r) => r.logs.raw()).join('\n'));

  const db = new Client({ connectionString: pg.url });
  await db.connect();
  const rows = await db.query('SELECT service, notifier, event_key FROM health_notification_claims ORDER BY event_key');
  await db.end();
  t.equal(rows.rowCount, 4);
  t.match(rows.rows[0], { service: 'shop', notifier: 'planned' });

  // With the database gone, a new event is sent by both rather than by none.
  await pg.stop();
  for (const r of replicas) r.emit({ kind: 'maintenance', action: 'started', window: window('mw_c') });
  await rx.waitFor(6, 15_000);
  t.equal(rx.received.filter((r) => r.json().maintenance.id === 'mw_c').length, 2, 'sent without deduplication while the store is down');
  for (const r of replicas) {
    const warns = r.logs.lines().filter((l) => l.message.startsWith('notification claims unavailable'));
    t.equal(warns.length, 1, 'one WARN per outage');
    t.notMatch(r.logs.raw(), String(pg.port), 'the WARN does not name the database');
  }
});
