/**
 * Cluster test support: replicas of the BUILT service (dist/cli.js) sharing
 * one PostgreSQL, and HTTP targets that count hits per path and can be
 * switched to failing.
 */
import http from 'node:http';
import type net from 'node:net';
import { eventually } from '../support/app';
import { freePort } from '../support/ports';
import { runCli, type ServiceProcess } from '../support/service';

export interface Replica {
  readonly name: string;
  readonly port: number;
  readonly proc: ServiceProcess;
  /** GET (or POST) a path, parsed JSON body (null when not JSON) and status; throws when the port is closed. */
  get(path: string, method?: string): Promise<{ status: number; body: any }>;
  logs(): Array<Record<string, any>>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startReplica(name: string, yaml: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const proc = runCli(['serve'], { yaml, env: { LOG_LEVEL: 'info', ZONE: name, ...env, PORT: String(port) } });
  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  };
  await eventually(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`replica ${name} exited:\n${proc.stdout()}\n${proc.stderr()}`);
      try {
        return (await get('/api/health/liveness')).status === 200;
      } catch {
        return false;
      }
    },
    `replica ${name} listening`,
    20_000,
  );
  return {
    name,
    port,
    proc,
    get,
    logs: () =>
      proc
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, any>),
    async kill(signal = 'SIGKILL') {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      proc.child.kill(signal);
      await proc.exited;
    },
  };
}

/** An HTTP target: every path answers 200 "ok" unless set failing (503); hits counted per path with their times. */
export interface Target {
  readonly port: number;
  hits(path: string): number;
  /** Epoch ms of every hit on `path`. */
  times(path: string): number[];
  /** Paths answering 503 from now on (the rest 200). */
  fail(paths: Iterable<string> | 'all' | 'none'): void;
  close(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const seen = new Map<string, number[]>();
  let failing: Set<string> | 'all' = new Set();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const list = seen.get(path) ?? [];
    list.push(Date.now());
    seen.set(path, list);
    const bad = failing === 'all' || failing.has(path);
    res.writeHead(bad ? 503 : 200, { 'content-type': 'text/plain' }).end(bad ? 'down' : 'ok');
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hits: (path) => seen.get(path)?.length ?? 0,
    times: (path) => [...(seen.get(path) ?? [])],
    fail(paths) {
      failing = paths === 'all' ? 'all' : paths === 'none' ? new Set() : new Set(paths);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface ClusterYaml {
  readonly checks: number;
  readonly mode?: 'shard' | 'quorum';
  readonly interval?: string;
  readonly failureThreshold?: number;
  readonly storage?: string;
  readonly extra?: string;
  readonly leaseTime?: string;
}

/** A config for N http checks c0..cN-1 on ${TARGET_PORT}, cluster url from ${HEALTH_CLUSTER_URL}, location ${ZONE}. */
export function clusterYaml(o: ClusterYaml): string {
  const checks = Array.from({ length: o.checks }, (_, i) => `  - { name: c${i}, type: http, url: "http://127.0.0.1:\${TARGET_PORT}/c${i}" }`);
  return `
service: { name: cluster-test }
server: { host: 127.0.0.1, port: "\${PORT}", shutdownDelay: 0 }
cluster: { url: "\${HEALTH_CLUSTER_URL}", mode: ${o.mode ?? 'shard'}, location: "\${ZONE}", leaseTime: ${o.leaseTime ?? '3s'} }
pressure: { maxEventLoopDelay: 0 }
defaults: { interval: ${o.interval ?? '1s'}, timeout: 500ms, failureThreshold: ${o.failureThreshold ?? 2}, successThreshold: 1 }
${o.storage ?? ''}
${o.extra ?? ''}
checks:
${checks.join('\n')}
`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The detailed body's checks, or null while the replica does not answer. */
export async function checksOf(r: Replica): Promise<Record<string, any> | null> {
  try {
    const res = await r.get('/api/health/detailed');
    return res.body && typeof res.body === 'object' ? (res.body.checks as Record<string, any>) : null;
  } catch {
    return null;
  }
}

/** Waits until every replica sees `n` live members with the store up. */
export async function untilMembers(replicas: readonly Replica[], n: number, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      for (const r of replicas) {
        const c = (await r.get('/api/health/cluster')).body;
        if (c.store !== 'up' || c.members.length !== n) return false;
      }
      return true;
    },
    `every replica sees ${n} members`,
    timeoutMs,
  );
}
