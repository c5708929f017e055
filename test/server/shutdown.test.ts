/** Graceful shutdown of the real process under load, with real signals (CONTRACT §5.4). */
import t from 'tap';
import autocannon from 'autocannon';
import { freePort } from '../support/ports';
import { startRedis } from '../support/redis';
import { runCli } from '../support/service';
import { eventually } from '../support/app';

async function started(port: number) {
  await eventually(async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status === 200;
    } catch {
      return false;
    }
  }, 'service ready', 20_000);
}

t.test('SIGTERM: readiness fails at once, no request fails during the delay, then a clean exit 0', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const port = await freePort();
  const svc = runCli(['serve'], {
    yaml: `
server: { host: 127.0.0.1, port: ${port}, shutdownDelay: 3s }
defaults: { interval: 500ms, timeout: 400ms }
checks:
  - { name: cache, type: redis, url: "${redis.url}" }
`,
  });
  t.teardown(() => svc.cleanup());
  await started(port);

  const load = autocannon({ url: `http://127.0.0.1:${port}/api/health`, connections: 4, duration: 2 });
  await new Promise((r) => setTimeout(r, 300));
  const signalledAt = Date.now();
  svc.child.kill('SIGTERM');
  const ready = await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health/readiness`);
    return res.status === 503 ? res.json() : null;
  }, 'readiness 503', 2_000);
  t.same(ready, { status: 'error', reason: 'shutting_down' });
  const live = await fetch(`http://127.0.0.1:${port}/api/health/liveness`);
  t.equal(live.status, 200, 'other routes keep working during the delay');

  const result = await load;
  t.ok(result.requests.total > 0, `load ran (${result.requests.total} requests)`);
  t.equal(result.errors, 0, 'no connection errors');
  t.equal(result.non2xx, 0, 'no failed responses during the delay');

  const code = await svc.exited;
  const tookMs = Date.now() - signalledAt;
  t.equal(code, 0, 'exits 0');
  t.ok(tookMs >= 2_900, `waited for shutdownDelay first (${tookMs} ms)`);
  t.ok(tookMs < 20_000, `well inside Kubernetes' 30 s grace period (${tookMs} ms)`);
  const lines = svc.stdout().trim().split('\n').map((l) => JSON.parse(l) as { message: string; level: string });
  t.ok(lines.some((l) => l.message === 'shutdown complete'), 'logs the end of the shutdown');
  t.notMatch(svc.stderr(), /unhandled|UnhandledPromiseRejection|Error/i, 'nothing unhandled on the way out');
  await t.rejects(fetch(`http://127.0.0.1:${port}/api/health`), 'the port is closed');
});

t.test('a second signal exits at once', async (t) => {
  const port = await freePort();
  const svc = runCli(['serve'], { yaml: `server: { host: 127.0.0.1, port: ${port}, shutdownDelay: 60s }\n` });
  t.teardown(() => svc.cleanup());
  await started(port);
  svc.child.kill('SIGTERM');
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status === 503, 'shutting down');
  svc.child.kill('SIGINT');
  const code = await Promise.race([svc.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
  t.equal(code, 130, 'exits at once instead of waiting 60 s');
});

t.test('a SIGTERM with a dependency down still exits cleanly', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.destroy());
  const port = await freePort();
  const svc = runCli(['serve'], {
    yaml: `
server: { host: 127.0.0.1, port: ${port}, shutdownDelay: 100ms }
defaults: { interval: 300ms, timeout: 200ms }
checks:
  - { name: cache, type: redis, url: "${redis.url}" }
  - { name: db, type: postgres, url: "postgres://u@127.0.0.1:1/x", critical: false }
`,
  });
  t.teardown(() => svc.cleanup());
  await started(port);
  await redis.stop();
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status === 503, 'cache down');
  svc.child.kill('SIGTERM');
  t.equal(await svc.exited, 0);
  t.notMatch(svc.stderr(), /unhandled|Error/i);
});
