/**
 * Notifications through the running app: a real TCP dependency that goes
 * away and comes back yields exactly one error webhook and one recovery; a
 * notification receiver that accepts and never answers slows neither the
 * probes (they keep their schedule) nor health requests (they answer), and
 * its delivery ends in a timeout and a retry.
 */
import { createHmac } from 'node:crypto';
import net from 'node:net';
import t from 'tap';
import { eventually, startApp } from '../support/app';
import { startBlackhole } from '../support/blackhole';
import { startReceiver } from '../support/receiver';

/** A TCP server on a fixed loopback port that can be stopped and started again. */
async function startTarget() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.end();
  });
  let port = 0;
  const start = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => {
    port = (server.address() as net.AddressInfo).port;
    resolve();
  }));
  await start();
  return {
    get port() {
      return port;
    },
    start,
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

const yaml = (port: number, url: string) => `
service: { name: shop, environment: test }
checks:
  - { name: ledger, type: tcp, host: 127.0.0.1, port: ${port}, interval: 250ms, timeout: 200ms, failureThreshold: 2 }
notifications:
  - { name: hooks, type: webhook, url: "${url}", secret: whsec-e2e }
`;

t.test('a dependency that fails and comes back: one error webhook, then one recovery', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.stop());
  const rx = await startReceiver();
  t.teardown(() => rx.close());
  const h = await startApp(yaml(target.port, rx.url));
  t.teardown(() => h.close());
  await eventually(() => h.app.health.store.get('ledger')?.status === 'ok', 'ledger ok');
  await target.stop();
  const [err] = await rx.waitFor(1, 10_000);
  t.match(err!.json(), { event: 'error', service: 'shop', check: { name: 'ledger', status: 'error', previous_status: 'ok', error_kind: 'refused' } });
  t.equal(err!.headers['x-health-signature'], `sha256=${createHmac('sha256', 'whsec-e2e').update(err!.raw).digest('hex')}`, 'signed over the exact bytes received');
  await target.start();
  const [, rec] = await rx.waitFor(2, 10_000);
  t.match(rec!.json(), { event: 'recovery', check: { name: 'ledger', status: 'ok', previous_status: 'error' } });
  await new Promise((r) => setTimeout(r, 1_000));
  t.equal(rx.received.length, 2, 'exactly one of each: probes that stay failing or stay ok are not news');
  const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /health_notifications_total\{notifier="hooks",result="sent"\} 2/);
  t.notMatch(h.rawLogs(), rx.url.replace('http://', ''), 'no log line names the receiver');
});

t.test('a receiver that never answers slows neither probes nor health requests', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.stop());
  const hole = await startBlackhole();
  t.teardown(() => hole.close());
  const h = await startApp(yaml(target.port, `http://127.0.0.1:${hole.port}/hook`));
  t.teardown(() => h.close());
  await eventually(() => h.app.health.store.get('ledger')?.status === 'ok', 'ledger ok');
  await target.stop();
  await eventually(() => hole.openConnections() > 0, 'the error notification is being delivered (into the blackhole)', 10_000);

  // For 4 s, while the delivery hangs: count probes and time health requests.
  let probes = 0;
  const off = h.app.health.store.onResult(() => probes++);
  let slowest = 0;
  let answered = 0;
  const until = Date.now() + 4_000;
  while (Date.now() < until) {
    const started = Date.now();
    const res = await h.app.inject({ method: 'GET', url: '/api/health/detailed' });
    slowest = Math.max(slowest, Date.now() - started);
    if (res.statusCode === 503) answered++;
    await new Promise((r) => setTimeout(r, 100));
  }
  off();
  // Probes run every 250 ms (+ jitter): ~16 in 4 s if nothing blocks them; a blocked scheduler would manage ~0.
  t.ok(probes >= 8, `probes kept their schedule (${probes} in 4 s)`);
  t.ok(answered >= 20, `health requests answered (${answered})`);
  t.ok(slowest < 1_000, `no request waited on the delivery (slowest ${slowest} ms)`);
  await eventually(() => h.logs().some((l) => l.message === 'notification attempt failed: retrying' && (l.context as { reason?: string })?.reason === 'timed out after 5000 ms'), 'a timeout and a retry', 10_000);
  t.pass('the hung delivery timed out and is retried');
});
