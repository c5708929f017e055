// Support for the cluster benchmarks: a throwaway PostgreSQL (initdb as the
// postgres user, as test/support/postgres.ts does), an HTTP target counting
// hits per path, and replicas of the built service (dist/cli.js).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, root, sleep } from './lib.mjs';
export { freePort, sleep };



function pgBin(name) {
  const base = '/usr/lib/postgresql';
  const v = readdirSync(base).sort((a, b) => Number(b) - Number(a))[0];
  return path.join(base, v, 'bin', name);
}

export async function startPostgres() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  execFileSync(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'], { uid, gid, stdio: 'ignore' });
  const port = await freePort();
  const child = spawn(
    pgBin('postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { uid, gid, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise((resolve, reject) => {
    let out = '';
    const on = (b) => {
      out += b;
      if (out.includes('ready to accept connections')) resolve();
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', () => reject(new Error(`postgres exited:\n${out}`)));
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async destroy() {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startTarget() {
  const seen = new Map();
  const server = http.createServer((req, res) => {
    const p = req.url.split('?')[0];
    if (!seen.has(p)) seen.set(p, []);
    seen.get(p).push(Date.now());
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    total: () => [...seen.values()].reduce((a, l) => a + l.length, 0),
    times: (p) => seen.get(p) ?? [],
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

export function clusterYaml({ checks, interval = '1s', leaseTime = '3s', targetPort, clusterUrl }) {
  const list = Array.from({ length: checks }, (_, i) => `  - { name: c${i}, type: http, url: "http://127.0.0.1:${targetPort}/c${i}" }`);
  return `service: { name: bench-cluster }
server: { host: 127.0.0.1, port: "\${PORT}", shutdownDelay: 0 }
cluster: { url: "${clusterUrl}", location: "\${ZONE}", leaseTime: ${leaseTime} }
storage: { type: memory }
defaults: { interval: ${interval}, timeout: 500ms }
checks:
${list.join('\n')}
`;
}

export async function startReplica(zone, yaml) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-bench-'));
  const file = path.join(dir, 'config.yml');
  writeFileSync(file, yaml);
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'serve', '--config', file], {
    env: { PATH: process.env.PATH, PORT: String(port), ZONE: zone, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  const get = async (p) => (await fetch(`http://127.0.0.1:${port}${p}`)).json();
  for (let i = 0; ; i++) {
    try {
      await get('/api/health/liveness');
      break;
    } catch {
      if (i > 400 || child.exitCode !== null) throw new Error(`replica ${zone} did not start`);
      await sleep(50);
    }
  }
  return {
    zone,
    get,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function untilMembers(replicas, n) {
  for (let i = 0; i < 400; i++) {
    const views = await Promise.all(replicas.map((r) => r.get('/api/health/cluster').catch(() => null)));
    if (views.every((v) => v && v.store === 'up' && v.members.length === n)) return;
    await sleep(100);
  }
  throw new Error(`replicas never saw ${n} members`);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
