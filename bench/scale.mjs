// Many checks in one process, on the built service as a user runs it
// (`node dist/cli.js serve --config <generated yml>`, default log level),
// against targets in a separate process (bench/scale-targets.mjs).
//
//   node bench/scale.mjs            100 vs 2,000 TCP checks at the same probe
//                                   rate (200/s), both services at once so the
//                                   machine's noise hits both: CPU per probe
//                                   (from /proc/<pid>/stat), the ratio, and the
//                                   share of scheduled probes that ran.
//   node bench/scale.mjs --10k      10,000 checks (half TCP, half HTTP) at 30 s:
//                                   % of one core, RSS, detailed p99 at 50 req/s.
//
// Options: --seconds N (measured window, default 60), --warmup N (default 20;
// 40 for --10k), BASE_DIST=<dir> also runs the pair on another build (e.g. the
// code before this change) and prints its figures beside.
import autocannon from 'autocannon';
import { cpuMs, freePort, probesRun, rssMb, sleep, startService, startTargets, stop, writeConfig } from './scale-lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TEN_K = process.argv.includes('--10k');
const SECONDS = arg('seconds', 60);
const WARMUP = arg('warmup', TEN_K ? 40 : 20);
const NOTE = 'shared 2-core machine: paired ratios are what count';

/** Runs services side by side; returns CPU ms, probes run and RSS over the measured window for each. */
async function measure(runs, onWindow = (_services, ms) => sleep(ms)) {
  const services = [];
  try {
    for (const r of runs) {
      const port = await freePort();
      services.push({ ...r, port, child: await startService(r.config, port, r.env) });
    }
    await sleep(WARMUP * 1000);
    for (const s of services) {
      s.cpu0 = cpuMs(s.child.pid);
      s.probes0 = await probesRun(s.port);
      s.t0 = Date.now();
    }
    const during = await onWindow(services, SECONDS * 1000);
    for (const s of services) {
      s.cpu1 = cpuMs(s.child.pid);
      s.t1 = Date.now();
      // Before the closing /metrics read: rendering 10,000 checks' series leaves tens of MB of garbage.
      s.rssBeforeScrape = rssMb(s.child.pid);
      const scrapeStart = Date.now();
      s.probes1 = await probesRun(s.port);
      s.scrapeMs = Date.now() - scrapeStart;
      s.rss = rssMb(s.child.pid);
    }
    return services.map((s) => {
      const seconds = (s.t1 - s.t0) / 1000;
      const probes = s.probes1 - s.probes0;
      const cpu = s.cpu1 - s.cpu0;
      return { ...s, seconds, probes, cpu, usPerProbe: (cpu * 1000) / probes, core: cpu / 10 / seconds, scheduled: probes / ((seconds * s.n) / s.intervalS), rss: s.rss, during };
    });
  } finally {
    for (const s of services) await stop(s.child, 'SIGTERM');
  }
}

async function pair(targets, dist, label) {
  const env = dist ? { vars: { HA_DIST: dist } } : undefined;
  const small = { n: 100, intervalS: 0.5, config: writeConfig({ n: 100, interval: '500ms', timeout: '400ms', targets }), env };
  const large = { n: 2000, intervalS: 10, config: writeConfig({ n: 2000, interval: '10s', timeout: '2s', targets }), env };
  const [a, b] = await measure([small, large]);
  console.log(`${label}: ${a.seconds.toFixed(0)} s window after ${WARMUP} s warm-up, both at 200 probes/s, ${NOTE}`);
  console.log('  checks  interval  probes run  scheduled %  CPU µs/probe  % of a core  RSS MB');
  for (const r of [a, b]) {
    console.log(`  ${String(r.n).padStart(6)}  ${`${r.intervalS} s`.padStart(8)}  ${String(r.probes).padStart(10)}  ${(r.scheduled * 100).toFixed(1).padStart(11)}  ${r.usPerProbe.toFixed(0).padStart(12)}  ${r.core.toFixed(1).padStart(11)}  ${r.rss.toFixed(0).padStart(6)}`);
  }
  console.log(`  ratio CPU per probe 2,000 / 100 checks: ${(b.usPerProbe / a.usPerProbe).toFixed(2)} (target <= 1.3); 2,000 checks held ${(b.scheduled * 100).toFixed(1)}% of schedule (target >= 95%)`);
}

/** Open-loop reader: one GET every 1000/rate ms, whatever the previous one is doing; latencies in ms. */
async function readAt(url, rate, ms) {
  const latencies = [];
  let errors = 0;
  let bytes = 0;
  const pending = [];
  const end = Date.now() + ms;
  for (let next = Date.now(); next < end; next += 1000 / rate) {
    await sleep(Math.max(0, next - Date.now()));
    const t0 = performance.now();
    pending.push(
      fetch(url)
        .then((r) => r.arrayBuffer())
        .then((b) => {
          bytes = b.byteLength;
          latencies.push(performance.now() - t0);
        }, () => errors++),
    );
  }
  await Promise.all(pending);
  latencies.sort((x, y) => x - y);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { n: latencies.length, errors, bytes, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) };
}

async function tenK(targets) {
  const n = 10_000;
  const config = writeConfig({ n, interval: '30s', timeout: '5s', targets, http: true });
  // autocannon at a fixed 50 req/s over 10 connections: it does not parse bodies, so the client is not what limits (fetch() did).
  const read = async ([s], ms) => {
    const a = await autocannon({ url: `http://127.0.0.1:${s.port}/api/health/detailed`, connections: 10, overallRate: 50, duration: ms / 1000, timeout: 30 });
    return { n: a.requests.total, errors: a.errors + a.non2xx + a.timeouts, bytes: a.throughput.total / Math.max(1, a.requests.total), p50: a.latency.p50, p99: a.latency.p99, max: a.latency.max };
  };
  const [r] = await measure([{ n, intervalS: 30, config }], process.argv.includes('--fetch') ? async ([s], ms) => readAt(`http://127.0.0.1:${s.port}/api/health/detailed`, 50, ms) : read);
  const d = r.during;
  console.log(`10,000 checks (5,000 TCP + 5,000 HTTP) at 30 s on one replica: ${r.seconds.toFixed(0)} s window after ${WARMUP} s warm-up, ${NOTE}`);
  console.log(`  probes run ${r.probes} (${(r.scheduled * 100).toFixed(1)}% of schedule), CPU ${r.usPerProbe.toFixed(0)} µs/probe (detailed reads included)`);
  console.log(`  CPU ${r.core.toFixed(1)}% of one core (target < 30%, stretch 20%), RSS ${r.rss.toFixed(0)} MB (target < 300 MB; ${r.rssBeforeScrape.toFixed(0)} MB before the closing /metrics read, which took ${r.scrapeMs} ms)`);
  console.log(`  detailed at 50 req/s: ${d.n} responses of ${(d.bytes / 1e6).toFixed(2)} MB, ${d.errors} errors, p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms (target < 100 ms), max ${d.max.toFixed(1)} ms`);
}

const targets = await startTargets(TEN_K ? 8 : 1);
try {
  if (TEN_K) await tenK(targets);
  else {
    await pair(targets, undefined, 'this build');
    if (process.env.BASE_DIST) await pair(targets, process.env.BASE_DIST, `baseline build (${process.env.BASE_DIST})`);
  }
} finally {
  await stop(targets.child);
}
