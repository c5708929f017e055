// The --10k load of bench/scale.mjs with profiling flags, to find what holds memory and time:
//
//   NODE_EXTRA="--trace-gc" node bench/scale-profile.mjs
//   NODE_EXTRA="--cpu-prof --cpu-prof-dir=/tmp/p" node bench/scale-profile.mjs
//   NODE_EXTRA="--heapsnapshot-signal=SIGUSR2" SNAP=1 node bench/scale-profile.mjs   (then bench/heap-summary.mjs)
//
// 10,000 checks (half TCP, half HTTP, 30 s), WARM s of warm-up, then detailed at RATE req/s for SECS s.
// Prints the service's CPU, RSS and V8 heap spaces, and how long its main thread and autocannon
// waited for a CPU (/proc/<pid>/schedstat): on this shared 2-core machine that wait is what the
// detailed p99 mostly measures. The service's stdout (its log, --trace-gc) goes to OUT.stdout.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { cpuMs, freePort, root, rssMb, sleep, startTargets, stop, writeConfig } from './scale-lib.mjs';

const env = (name, fallback) => process.env[name] ?? fallback;
const nodeArgs = env('NODE_EXTRA', '').split(' ').filter(Boolean);
const out = env('OUT', '/tmp/ha-scale-profile');
const [warm, secs, rate] = [Number(env('WARM', 40)), Number(env('SECS', 60)), Number(env('RATE', 50))];
const sched = (pid) => readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);

const targets = await startTargets(8);
const config = writeConfig({ n: 10_000, interval: '30s', timeout: '5s', targets, http: true });
const port = await freePort();
const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/cli.js'), 'serve', '--config', config], {
  cwd: path.dirname(out),
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
  stdio: ['ignore', openSync(`${out}.stdout`, 'w'), 'inherit'],
});
try {
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/health`);
      break;
    } catch {
      await sleep(50);
    }
  }
  await sleep(warm * 1000);
  if (process.env.SNAP) {
    child.kill('SIGUSR2');
    await sleep(15_000);
  }
  const [s0, m0, c0, w0] = [sched(child.pid), sched(process.pid), cpuMs(child.pid), Date.now()];
  const a = await autocannon({ url: `http://127.0.0.1:${port}/api/health/detailed`, connections: 10, overallRate: rate, duration: secs, timeout: 30 });
  const [s1, m1, c1, w1] = [sched(child.pid), sched(process.pid), cpuMs(child.pid), Date.now()];
  const rss = rssMb(child.pid);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const mb = (re) => metrics.split('\n').filter((l) => re.test(l) && !l.endsWith(' 0')).map((l) => `${l.match(/space="(\w+)"/)?.[1] ?? l.split(/[ {]/)[0].replace(/^nodejs_|_bytes$/g, '')}=${(Number(l.split(' ').at(-1)) / 1e6).toFixed(1)}`).join(' ');
  console.log(`cpu ${((c1 - c0) / 10 / ((w1 - w0) / 1000)).toFixed(1)}% of a core, rss ${rss.toFixed(0)} MB (before /metrics)`);
  console.log(`heap MB: ${mb(/^nodejs_(heap_size_total|heap_size_used|external_memory)_bytes /)}`);
  console.log(`heap spaces used MB: ${mb(/^nodejs_heap_space_size_used_bytes/)}`);
  console.log(`main thread on a cpu ${((s1[0] - s0[0]) / 1e6).toFixed(0)} ms, waiting for one ${((s1[1] - s0[1]) / 1e6).toFixed(0)} ms; autocannon on ${((m1[0] - m0[0]) / 1e6).toFixed(0)} ms, waiting ${((m1[1] - m0[1]) / 1e6).toFixed(0)} ms; window ${w1 - w0} ms`);
  console.log(`detailed: ${a.requests.total} responses, ${a.errors + a.non2xx + a.timeouts} errors, p50 ${a.latency.p50} p90 ${a.latency.p90} p99 ${a.latency.p99} max ${a.latency.max} ms`);
} finally {
  // SIGINT, and time for a clean exit: --cpu-prof and --heap-prof write their files then.
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 20_000).unref() && child.once('exit', r));
  await stop(child);
  await stop(targets.child);
}
