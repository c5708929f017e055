/**
 * The delivery queue against real HTTP receivers: signatures that a receiver
 * can verify, retries on 5xx and 429 (Retry-After honoured), no retry on
 * another 4xx, giving up after the retry window, a bound that drops the
 * oldest with one WARN, a receiver that never answers costing one timeout
 * and a retry. Logs never carry the URL (the credential) or the body.
 */
import { createHmac } from 'node:crypto';
import t, { type Test } from 'tap';
import { createDeliveryQueue, type DeliveryResult, type QueueTuning } from '../../src/notify/queue';
import type { Notification } from '../../src/notify/types';
import { createWebhookNotifier } from '../../src/notify/webhook';
import type { NotifierConfig } from '../../src/types';
import { startBlackhole } from '../support/blackhole';
import { captureLogs } from '../support/logs';
import { startReceiver, type Answer } from '../support/receiver';

const CANARY = 'c4n4ry-hookpath';
const from = { service: 'svc', environment: 'test', statusPageUrl: null };
const event = (i: number): Notification => ({
  event: 'error',
  timestamp: new Date(1_764_579_600_000 + i * 1000).toISOString(),
  check: { name: `c${i}`, display_name: `C${i}`, type: 'tcp', critical: true, status: 'error', previous_status: 'ok', since: '2026-12-01T09:00:00.000Z', error_kind: 'refused', error: 'connection refused', caused_by: null },
});

async function setup(t: Test, answer: Answer, tuning: Partial<QueueTuning> = {}, secret = '') {
  const receiver = await startReceiver(answer);
  t.teardown(() => receiver.close());
  const logs = captureLogs();
  const counts: Record<DeliveryResult, number> = { sent: 0, failed: 0, dropped: 0 };
  const config: NotifierConfig = { name: 'hooks', type: 'webhook', url: `${receiver.url}/${CANARY}`, routingKey: '', checks: null, on: ['error'], after: 0, repeat: null, secret };
  const queue = createDeliveryQueue({ name: 'hooks', type: 'webhook', logger: logs.logger, count: (r) => counts[r]++, tuning: { baseDelayMs: 50, ...tuning } });
  t.teardown(() => queue.close());
  const notify = createWebhookNotifier(config, from);
  return { receiver, logs, counts, queue, push: (i: number) => queue.push(notify(event(i))) };
}

t.test('a receiver verifies the signature by recomputing the HMAC over the raw body', async (t) => {
  const { receiver, counts, queue, push, logs } = await setup(t, () => 202, {}, 'whsec-shared');
  push(1);
  const [got] = await receiver.waitFor(1);
  await queue.idle();
  const expected = `sha256=${createHmac('sha256', 'whsec-shared').update(got!.raw).digest('hex')}`;
  t.equal(got!.headers['x-health-signature'], expected);
  t.match(String(got!.headers['x-health-timestamp']), /^\d{10}$/);
  t.equal(got!.headers['content-type'], 'application/json');
  t.equal(got!.json().check.name, 'c1');
  t.not(`sha256=${createHmac('sha256', 'other-secret').update(got!.raw).digest('hex')}`, expected, 'another key does not verify');
  t.strictSame(counts, { sent: 1, failed: 0, dropped: 0 });
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('500s are retried with the same bytes until the receiver takes it', async (t) => {
  const { receiver, counts, queue, push, logs } = await setup(t, (n) => (n < 2 ? 500 : 200));
  push(1);
  const got = await receiver.waitFor(3);
  await queue.idle();
  t.equal(got[1]!.raw.toString(), got[0]!.raw.toString());
  t.equal(got[2]!.raw.toString(), got[0]!.raw.toString());
  t.strictSame(counts, { sent: 1, failed: 0, dropped: 0 });
  const retries = logs.lines().filter((l) => l.message === 'notification attempt failed: retrying');
  t.strictSame(retries.map((l) => [l.context.status_code, l.context.attempt, l.context.notifier, l.context.type]), [[500, 1, 'hooks', 'webhook'], [500, 2, 'hooks', 'webhook']]);
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('a 400 is final: one attempt, counted failed', async (t) => {
  const { receiver, counts, queue, push, logs } = await setup(t, () => 400);
  push(1);
  await receiver.waitFor(1);
  await queue.idle();
  await new Promise((r) => setTimeout(r, 500));
  t.equal(receiver.received.length, 1, 'not retried');
  t.strictSame(counts, { sent: 0, failed: 1, dropped: 0 });
  t.ok(logs.lines().some((l) => l.level === 'WARN' && l.context?.status_code === 400));
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('a 429 waits as long as Retry-After says', async (t) => {
  const { receiver, counts, queue, push, logs } = await setup(t, (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : 200));
  push(1);
  const got = await receiver.waitFor(2);
  await queue.idle();
  t.ok(got[1]!.at - got[0]!.at >= 900, `retried after ${got[1]!.at - got[0]!.at} ms (Retry-After: 1 s; backoff alone is 50 ms)`);
  t.strictSame(counts, { sent: 1, failed: 0, dropped: 0 });
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('retries stop after the retry window: failed', async (t) => {
  const { receiver, counts, queue, push, logs } = await setup(t, () => 503, { retryForMs: 1_000, baseDelayMs: 100 });
  push(1);
  await queue.idle();
  t.ok(receiver.received.length >= 3, `retried (${receiver.received.length} attempts)`);
  t.strictSame(counts, { sent: 0, failed: 1, dropped: 0 });
  t.ok(logs.lines().some((l) => l.message === 'notification failed: giving up after retries'));
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('the queue is bounded: the oldest are dropped, counted, with one WARN for the burst', async (t) => {
  // The first delivery hangs until its attempt times out, while ten more arrive behind it.
  const { receiver, counts, queue, push, logs } = await setup(t, (n) => (n === 0 ? 'hang' : 200), { capacity: 3, timeoutMs: 1_000 });
  push(0);
  await receiver.waitFor(1);
  for (let i = 1; i <= 10; i++) push(i);
  t.equal(queue.size(), 3);
  await receiver.waitFor(5);
  await queue.idle();
  t.strictSame(receiver.received.map((r) => r.json().check.name), ['c0', 'c0', 'c8', 'c9', 'c10'], 'the newest three were kept');
  t.strictSame(counts, { sent: 4, failed: 0, dropped: 7 });
  t.equal(logs.lines().filter((l) => l.message === 'notification queue full: dropping the oldest').length, 1, 'one WARN per burst');
  t.ok(logs.lines().some((l) => l.context?.reason === 'timed out after 1000 ms'));
  t.notMatch(logs.raw(), CANARY, 'no log line carries the notifier URL');
});

t.test('a receiver that accepts and never answers costs one 5 s timeout, then a retry', async (t) => {
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const logs = captureLogs();
  const counts: Record<DeliveryResult, number> = { sent: 0, failed: 0, dropped: 0 };
  const queue = createDeliveryQueue({ name: 'hooks', type: 'webhook', logger: logs.logger, count: (r) => counts[r]++ });
  t.teardown(() => queue.close());
  const config: NotifierConfig = { name: 'hooks', type: 'webhook', url: `http://127.0.0.1:${hole.port}/${CANARY}`, routingKey: '', checks: null, on: ['error'], after: 0, repeat: null, secret: '' };
  const started = Date.now();
  queue.push(createWebhookNotifier(config, from)(event(1)));
  const deadline = Date.now() + 12_000;
  while (!logs.lines().some((l) => l.message === 'notification attempt failed: retrying') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const retry = logs.lines().find((l) => l.message === 'notification attempt failed: retrying');
  t.ok(retry, 'the attempt was abandoned and a retry scheduled');
  t.equal(retry?.context.reason, 'timed out after 5000 ms');
  t.ok(Date.now() - started >= 4_500, 'after the 5 s attempt timeout');
  t.strictSame(counts, { sent: 0, failed: 0, dropped: 0 }, 'still retrying: neither sent nor failed yet');
  queue.close();
  t.notMatch(logs.raw(), CANARY);
});
