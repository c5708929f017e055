import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** The built service (`node dist/cli.js ...`) as a child process, output captured. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  cleanup(): void;
}

export function runCli(args: readonly string[], opts: { yaml?: string; env?: Record<string, string> } = {}): ServiceProcess {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-cli-'));
  const fullArgs = [...args];
  if (opts.yaml !== undefined) {
    const file = path.join(dir, 'config.yml');
    writeFileSync(file, opts.yaml);
    fullArgs.push('--config', file);
  }
  const child = spawn(process.execPath, [CLI, ...fullArgs], {
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    cleanup() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
