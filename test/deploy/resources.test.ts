/**
 * The chart's memory request against the built service's real RSS, on the
 * Node running the suite (CI runs it on 20 and on 24, the image's): a
 * request below the steady state gets pods evicted first under node pressure.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { eventually } from '../support/app';
import { reply, startHttpServer } from '../support/http';
import { freePort } from '../support/ports';
import { runCli } from '../support/service';
import { chartValues, type JsonObject } from './files';

const mebibytes = (q: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`not a Mi/Gi quantity: ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

t.test('the memory request covers the running service\'s RSS, and the limit doubles it', async (t) => {
  const resources = chartValues().resources as JsonObject;
  const request = mebibytes(String((resources.requests as JsonObject).memory));
  const limit = mebibytes(String((resources.limits as JsonObject).memory));
  t.ok(limit >= 2 * request, `limit ${limit} Mi >= 2 x request ${request} Mi`);

  const upstream = await startHttpServer({ '/health': reply(200, { status: 'ok' }) });
  t.teardown(() => upstream.stop());
  const port = await freePort();
  const yaml = [
    'server: {shutdownDelay: 0}',
    'defaults: {interval: 1s, timeout: 500ms}',
    'checks:',
    `  - {name: api, type: http, url: "http://127.0.0.1:${upstream.port}/health"}`,
    `  - {name: ledger, type: tcp, host: 127.0.0.1, port: ${upstream.port}}`,
    `  - {name: uploads, type: s3, bucket: uploads, endpoint: "http://127.0.0.1:1", forcePathStyle: true, critical: false}`,
  ].join('\n');
  const svc = runCli(['serve'], { yaml, env: { PORT: String(port), LOG_LEVEL: 'warn', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' } });
  t.teardown(() => svc.cleanup());
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/api/health/liveness`).catch(() => null))?.status === 200, 'the service');
  for (let i = 0; i < 300; i++) await (await fetch(`http://127.0.0.1:${port}/api/health/detailed`)).arrayBuffer();
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${svc.child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  t.ok(rss > 20, `measured something (${rss.toFixed(0)} MiB RSS on Node ${process.version})`);
  t.ok(peak < request, `peak RSS ${peak.toFixed(0)} MiB is below the ${request} Mi request`);
});
