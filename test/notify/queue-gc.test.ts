/**
 * An attempt against a receiver that accepts and never answers must time out
 * even while the collector runs: a timeout made of AbortSignal.timeout inside
 * AbortSignal.any was collected under GC pressure and never fired (the attempt
 * hung; seen once in CI). A child process collects every 20 ms while five
 * deliveries wait on a blackhole.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

t.test('with the collector running every 20 ms, every attempt on a silent receiver times out', async (t) => {
  const queue = JSON.stringify(path.resolve(__dirname, '../../dist/notify/queue.js'));
  const script = `
    const net = require('node:net');
    const { createDeliveryQueue } = require(${queue});
    const hole = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
      const url = 'http://127.0.0.1:' + hole.address().port + '/';
      const retries = [];
      const logger = { warn() {}, debug() {}, error() {}, info: (o, msg) => { if (msg.includes('retrying')) retries.push(o.context.reason); } };
      const queues = Array.from({ length: 5 }, (_, i) => createDeliveryQueue({ name: 'q' + i, type: 'webhook', logger, count() {}, tuning: { timeoutMs: 300, baseDelayMs: 60_000 } }));
      for (const q of queues) q.push({ url, headers: { 'content-type': 'application/json' }, body: '{}' });
      const gc = setInterval(() => globalThis.gc(), 20);
      setTimeout(() => {
        clearInterval(gc);
        process.stdout.write(JSON.stringify(retries));
        process.exit(0);
      }, 3_000);
    });
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout), Array(5).fill('timed out after 300 ms'), 'five attempts, five timeouts, none hung');
});
