import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { spawnUntil, stopChild, type Spawned } from './process';

/** A throwaway redis-server on a free loopback port that a test may stop and restart. */
export interface TestRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRedis(extraArgs: readonly string[] = []): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-redis-'));
  const port = await freePort();
  let server: Spawned | null = null;
  const start = async () => {
    server = await spawnUntil(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--daemonize', 'no', '--protected-mode', 'no', ...extraArgs],
      'Ready to accept connections',
    );
  };
  const stop = async () => {
    if (server) await stopChild(server.child, 'SIGTERM');
    server = null;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
