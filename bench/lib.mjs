// Shared by the benchmarks: free ports, spawning servers pinned to a core, CPU time from /proc,
// and an exact JSON schema for a body (what the bare Fastify baseline serialises with).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
