// Shared by bench/scale.mjs and bench/soak.mjs: start the built service as a
// user runs it (`node dist/cli.js serve --config <file>`, default log level),
// start targets in a separate process, and read a process's CPU, RSS and open
// file descriptors from /proc.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { cpuMs, freePort, root, sleep } from './lib.mjs';

export { cpuMs, freePort, root, sleep };

/** Resident set size, MB. */
export function rssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

export const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** Starts bench/scale-targets.mjs (TCP listeners + HTTP servers in their own process); resolves its ports. */
export async function startTargets(count = 1) {
  const child = spawn(process.execPath, [path.join(root, 'bench/scale-targets.mjs'), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve(JSON.parse(text));
    });
    child.once('exit', (code) => reject(new Error(`targets exited ${code}`)));
  });
  return { child, ...ports };
}

/**
 * Writes a config with `n` checks (every other one HTTP when `http`), all at
 * `interval`, spread over the target ports, and returns its path.
 */
export function writeConfig({ n, interval, timeout, targets, http = false }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-scale-'));
  const lines = [];
  for (let i = 0; i < n; i++) {
    const k = i % targets.tcp.length;
    if (http && i % 2 === 1) lines.push(`  - { name: web-${i}, type: http, url: "http://127.0.0.1:${targets.http[k]}/ok/${i}" }`);
    else lines.push(`  - { name: dep-${i}, type: tcp, host: 127.0.0.1, port: ${targets.tcp[k]} }`);
  }
  const file = path.join(dir, 'checks.yml');
  writeFileSync(
    file,
    `service: { name: bench, version: 1.0.0, gitSha: a1b2c3d4e5f6 }\ndefaults: { interval: ${interval}, timeout: ${timeout}, critical: false }\nchecks:\n${lines.join('\n')}\n`,
  );
  return file;
}

/** Starts the built service on `port` with `config`; resolves once the summary answers. */
export async function startService(config, port, env = {}) {
  const child = spawn(process.execPath, [...(env.NODE_ARGS ?? []), path.join(env.vars?.HA_DIST ?? process.env.HA_DIST ?? path.join(root, 'dist'), 'cli.js'), 'serve', '--config', config], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env.vars },
    // Logs go where a user would send them; default level, so status-change lines are written.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = null;
  child.on('exit', (code) => (exited = code));
  for (let i = 0; i < 3600; i++) {
    if (exited !== null) throw new Error(`service exited ${exited}`);
    try {
      await fetch(`http://127.0.0.1:${port}/api/health`);
      return child;
    } catch {
      await sleep(50);
    }
  }
  child.kill('SIGKILL');
  throw new Error('service not answering');
}

export const stop = (child, signal = 'SIGKILL') =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill(signal);
  });

/** Sum of health_check_runs_total over every series, from /metrics. */
export async function probesRun(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith('health_check_runs_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}
