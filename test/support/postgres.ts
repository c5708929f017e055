import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { spawnUntil, stopChild, type Spawned } from './process';

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return path.join(root, versions[0]!, 'bin', name);
}

/**
 * Who runs initdb and the server: PostgreSQL refuses root, so as root the
 * `postgres` user does; any other user runs them as itself (no privilege needed).
 */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** A throwaway PostgreSQL server on a free loopback port that a test may stop and restart. */
export interface TestPostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  /** Fast shutdown (SIGINT): clients get 57P01, then ECONNREFUSED. */
  stop(): Promise<void>;
  /** Starts again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

/** Serves `data` (inside `dir`, which holds the socket) on a free port. */
async function serve(dir: string, data: string): Promise<TestPostgres> {
  const user = serverUser();
  const port = await freePort();
  let server: Spawned | null = null;
  const start = async () => {
    server = await spawnUntil(
      pgBin('postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
        '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      // A standby says "ready to accept read-only connections".
      'ready to accept',
      user ?? {},
    );
  };
  const stop = async () => {
    if (server) await stopChild(server.child, 'SIGINT');
    server = null;
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = tempDir('ha-pg-');
  const data = path.join(dir, 'data');
  // --auth=trust also trusts loopback replication connections (for startReplica).
  execFileSync(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'], {
    ...(serverUser() ?? {}),
    stdio: 'ignore',
  });
  return serve(dir, data);
}

/** A streaming standby of `primary`, made with pg_basebackup -R (it writes the standby's connection settings). */
export async function startReplica(primary: TestPostgres): Promise<TestPostgres> {
  const dir = tempDir('ha-pg-replica-');
  const data = path.join(dir, 'data');
  execFileSync(pgBin('pg_basebackup'), ['-D', data, '-R', '-X', 'stream', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'], {
    ...(serverUser() ?? {}),
    stdio: 'ignore',
  });
  return serve(dir, data);
}
