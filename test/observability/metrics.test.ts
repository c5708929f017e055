/** Metric values follow the store at every scrape, the first one included. */
import t from 'tap';
import { createMetrics } from '../../src/observability/metrics';
import type { Snapshot } from '../../src/types';
import { snapshot, state } from '../support/states';

t.test('the first scrape already shows every check, and each scrape shows the state at that moment', async (t) => {
  let snap: Snapshot = snapshot('ok', [state('database', 'ok'), state('cache', 'ok', { type: 'redis', critical: false })]);
  const metrics = createMetrics({ snapshot: () => snap, defaultMetrics: false });
  const first = await metrics.render();
  t.match(first, /^health_check_up\{check="database",type="postgres",critical="true"\} 1$/m);
  t.match(first, /^health_check_up\{check="cache",type="redis",critical="false"\} 1$/m);
  t.match(first, /^health_status 1$/m);
  t.match(first, /^health_checks_configured 2$/m);

  snap = snapshot('error', [state('database', 'error'), state('cache', 'degraded', { type: 'redis', critical: false })]);
  const second = await metrics.render();
  t.match(second, /^health_check_up\{check="database",type="postgres",critical="true"\} 0$/m);
  t.match(second, /^health_check_status\{check="database",type="postgres",status="error"\} 1$/m);
  t.match(second, /^health_check_status\{check="database",type="postgres",status="ok"\} 0$/m);
  t.match(second, /^health_check_status\{check="cache",type="redis",status="degraded"\} 1$/m);
  t.match(second, /^health_check_consecutive_failures\{check="database",type="postgres"\} 2$/m);
  t.match(second, /^health_status 0$/m);
});

t.test('bullmq details become queue gauges; a queue that disappears is dropped', async (t) => {
  const queues = { emails: { counts: { waiting: 7, active: 1 }, workers: 2, paused: false, oldest_waiting_age_s: 12.5 } };
  let snap = snapshot('ok', [state('jobs', 'ok', { type: 'bullmq', details: { queues } })]);
  const metrics = createMetrics({ snapshot: () => snap, defaultMetrics: false });
  const text = await metrics.render();
  t.match(text, /^health_bullmq_queue_jobs\{check="jobs",queue="emails",state="waiting"\} 7$/m);
  t.match(text, /^health_bullmq_queue_workers\{check="jobs",queue="emails"\} 2$/m);
  t.match(text, /^health_bullmq_queue_oldest_waiting_age_seconds\{check="jobs",queue="emails"\} 12.5$/m);
  snap = snapshot('ok', [state('jobs', 'ok', { type: 'bullmq', details: {} })]);
  t.notMatch(await metrics.render(), /queue="emails"/);
});

t.test('probe runs are counted by result and reason; the duration is the served state\'s', async (t) => {
  const metrics = createMetrics({ snapshot: () => snapshot('ok', [state('db', 'error', { durationMs: 1500 })]), defaultMetrics: false });
  const r = { status: 'error', error: 'x', errorKind: 'timeout', details: {}, durationMs: 1500, checkedAt: 0 } as const;
  metrics.observeProbe('db', 'postgres', r);
  metrics.observeProbe('db', 'postgres', r);
  metrics.observeProbe('db', 'postgres', { ...r, status: 'ok', errorKind: null });
  const text = await metrics.render();
  t.match(text, /^health_check_runs_total\{check="db",type="postgres",result="error",reason="timeout"\} 2$/m);
  t.match(text, /^health_check_runs_total\{check="db",type="postgres",result="ok",reason="none"\} 1$/m);
  t.match(text, /^health_check_duration_seconds\{check="db",type="postgres"\} 1.5$/m);
});
