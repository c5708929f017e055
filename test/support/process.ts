import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything the child printed so far (stdout + stderr). */
  output(): string;
}

/**
 * Spawns a server and resolves once its output contains `readyLine`.
 * Rejects with the output if it exits first or is not ready in `timeoutMs`.
 */
export function spawnUntil(
  cmd: string,
  args: readonly string[],
  readyLine: string,
  opts: SpawnOptions = {},
  timeoutMs = 20_000,
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, output: () => out });
    };
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(readyLine)) finish();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => finish(e));
    child.on('exit', (code, sig) => finish(new Error(`${cmd} exited (${code ?? sig}) before ready:\n${out}`)));
    const timer = setTimeout(() => finish(new Error(`${cmd} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
  });
}

/** Sends `signal` and waits for the child to exit (SIGKILL after `graceMs`). */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
