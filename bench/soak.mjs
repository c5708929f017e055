// Soak: 50 checks (half TCP, half HTTP) at a 1 s interval on the built
// service for a while (default 30 min), sampling RSS and open file descriptors
// every 30 s while a light reader polls the detailed route. Prints every
// sample and the growth after the warm-up (default the first 5 minutes).
//
//   node bench/soak.mjs [--minutes 30] [--warmup 5] [--checks 50]
import { freePort, openFds, probesRun, rssMb, sleep, startService, startTargets, stop, writeConfig } from './scale-lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MINUTES = arg('minutes', 30);
const WARMUP = arg('warmup', 5);
const CHECKS = arg('checks', 50);
const SAMPLE_MS = arg('sample', 30) * 1000;

const targets = await startTargets(5);
const config = writeConfig({ n: CHECKS, interval: '1s', timeout: '500ms', targets, http: true });
const port = await freePort();
const service = await startService(config, port);
const url = `http://127.0.0.1:${port}/api/health/detailed`;
// A reader at ~5 req/s: the soak covers the serving path too.
let reads = 0;
let readErrors = 0;
const reader = setInterval(() => {
  fetch(url).then((r) => r.text()).then(() => reads++, () => readErrors++);
}, 200);

console.log(`soak: ${CHECKS} checks (half TCP, half HTTP) at 1 s, ${MINUTES} min, sample every ${SAMPLE_MS / 1000} s; shared 2-core machine: the growth after warm-up is what counts`);
console.log('  min     rss MB   fds   probes run');
const samples = [];
const started = Date.now();
while (Date.now() - started < MINUTES * 60_000) {
  await sleep(Math.min(SAMPLE_MS, MINUTES * 60_000 - (Date.now() - started)));
  const s = { min: (Date.now() - started) / 60_000, rss: rssMb(service.pid), fds: openFds(service.pid), probes: await probesRun(port) };
  samples.push(s);
  console.log(`${s.min.toFixed(1).padStart(5)}  ${s.rss.toFixed(1).padStart(9)}  ${String(s.fds).padStart(4)}  ${String(s.probes).padStart(11)}`);
}
clearInterval(reader);
await stop(service, 'SIGTERM');
await stop(targets.child);

const after = samples.filter((s) => s.min >= WARMUP);
const base = after[0] ?? samples[0];
const last = samples.at(-1);
const fds = after.map((s) => s.fds);
const minutes = last.min;
console.log(`rss after warm-up (${base.min.toFixed(1)} min): ${base.rss.toFixed(1)} MB; at end (${minutes.toFixed(1)} min): ${last.rss.toFixed(1)} MB; growth ${(((last.rss - base.rss) / base.rss) * 100).toFixed(1)}% (target < 5%)`);
const early = samples.filter((s) => s.min < WARMUP);
const peak = (list) => Math.max(...list.map((s) => s.rss));
if (early.length > 0) console.log(`peak rss after warm-up ${peak(after).toFixed(1)} MB vs during warm-up ${peak(early).toFixed(1)} MB: ${(((peak(after) - peak(early)) / peak(early)) * 100).toFixed(1)}% (a GC shrinking the heap right at the warm-up mark makes the line above overstate growth)`);
const half = after.filter((s) => s.min >= (base.min + last.min) / 2);
if (half.length > 1) console.log(`second half of the run: ${half[0].rss.toFixed(1)} -> ${last.rss.toFixed(1)} MB (${(((last.rss - half[0].rss) / half[0].rss) * 100).toFixed(1)}%)`);
console.log(`open fds after warm-up: min ${Math.min(...fds)}, max ${Math.max(...fds)} (flat = equal or within a few sockets in flight)`);
console.log(`probes: ${last.probes} in ${(minutes * 60).toFixed(0)} s = ${(last.probes / (minutes * 60) / CHECKS).toFixed(3)} per check per second (interval 1 s ± 10% jitter, measured from probe end)`);
console.log(`reader: ${reads} detailed responses, ${readErrors} errors`);
