// Shared by the benchmarks: free ports, spawning servers pinned to a core, CPU time from /proc,
// and an exact JSON schema for a body (what the bare Fastify baseline serialises with).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLK_TCK = 100; // Linux USER_HZ

export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `node args` (pinned to `core` with taskset, unless core is null) and resolves once
 * `readyUrl` answers, polling every 50 ms for at most `waitMs`. Output is discarded, as a log
 * shipper would take it.
 */
export async function start(core, args, env, readyUrl, { waitMs = 20_000 } = {}) {
  const [cmd, argv] = core === null ? [process.execPath, args] : ['taskset', ['-c', String(core), process.execPath, ...args]];
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = null;
  child.on('exit', (code) => (exited = code));
  for (let i = 0; i < waitMs / 50; i++) {
    if (exited !== null) throw new Error(`${args.join(' ')} exited ${exited}`);
    try {
      await fetch(readyUrl);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`not answering at ${readyUrl}`);
}

export const stop = (child) => new Promise((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', resolve); child.kill('SIGKILL'); });

/** The exact schema of one JSON value: every property required, no additional ones. */
export function exactSchema(v) {
  if (v === null) return { type: 'null' };
  if (Array.isArray(v)) return { type: 'array', items: v.length > 0 ? exactSchema(v[0]) : {} };
  if (typeof v === 'object') {
    const properties = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exactSchema(x)]));
    return { type: 'object', properties, required: Object.keys(v), additionalProperties: false };
  }
  return { type: typeof v === 'number' ? 'number' : typeof v };
}

/**
 * The service's environment for a run: as a user starts it (LOG_LEVEL unset: the default, INFO).
 * SERVICE_LOG_LEVEL=warn measures what the access line costs, by difference.
 */
export function serviceEnv(port) {
  const env = { PORT: String(port), LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? '' };
  return env;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A TCP listener that accepts and closes (a real dependency for the checks) and, in `dir`, the
 * default config plus `n` tcp checks against it; a 1 h interval keeps probes out of the measurement.
 */
export async function tcpChecksConfig(dir, n = 12) {
  const peer = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => peer.once('listening', r));
  const checks = Array.from({ length: n }, (_, i) => `  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${peer.address().port}, displayName: "Dependency number ${i}", group: Core }`);
  const configFile = path.join(dir, 'bench.yml');
  writeFileSync(configFile, `service: { name: bench, version: 1.0.0, gitSha: a1b2c3d4e5f6 }\ndefaults: { interval: 1h, timeout: 2s }\nchecks:\n${checks.join('\n')}\n`);
  return { configFile, close: () => peer.close() };
}

/**
 * Starts `distDir`/cli.js serve on core 0 and waits for the steady-state answer of `route`: every
 * check's first result in (readiness 200), nothing "unknown" or "starting". Resolves with the
 * process, the route's URL, and that answer's status and text (what bare Fastify then serves).
 */
export async function startSteadyService(distDir, configFile, route) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${route}`;
  const child = await start(0, [path.join(distDir, 'cli.js'), 'serve', '--config', configFile], serviceEnv(port), url);
  while ((await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status !== 200) await sleep(50);
  for (;;) {
    const res = await fetch(url);
    const text = await res.text();
    if (!text.includes('"unknown"') && !text.includes('starting')) return { child, url, status: res.status, text };
    await sleep(50);
  }
}

/** Bare Fastify (bench/bare-server.mjs) on core 0 serving `text` at `route` with `status`; the body file goes in `dir`. */
export async function startBare(dir, route, status, text) {
  const port = await freePort();
  const bodyFile = path.join(dir, 'body.json');
  writeFileSync(bodyFile, text);
  const url = `http://127.0.0.1:${port}${route}`;
  const child = await start(0, [path.join(root, 'bench/bare-server.mjs'), bodyFile, String(port), route, String(status)], {}, url);
  return { child, url };
}
