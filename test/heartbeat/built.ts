/** The built service with heartbeat checks, on a free port, for real HTTP pings. */
import type { Test } from 'tap';
import { freePort } from '../support/ports';
import { runCli, type ServiceProcess } from '../support/service';
import { eventually } from '../support/app';

export interface RunningService {
  readonly base: string;
  readonly proc: ServiceProcess;
  /** Every stdout line so far, parsed (the JSON log). */
  logs(): Array<Record<string, unknown>>;
  detailed(): Promise<{ status: string; checks: Record<string, { status: string; error: string | null; details: Record<string, unknown> }> }>;
  stop(): Promise<void>;
}

export async function startService(t: Test, yaml: (port: number) => string, env: Record<string, string> = {}): Promise<RunningService> {
  const port = await freePort();
  const proc = runCli(['serve'], { yaml: yaml(port), env: { LOG_LEVEL: 'debug', ...env } });
  const base = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    proc.child.kill('SIGKILL');
    await proc.exited;
    proc.cleanup();
  };
  t.teardown(stop);
  await eventually(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`service exited: ${proc.stderr()}${proc.stdout()}`);
      return fetch(`${base}/api/health/liveness`).then((r) => r.ok, () => false);
    },
    'the service answers',
    30_000,
    100,
  );
  return {
    base,
    proc,
    logs: () =>
      proc
        .stdout()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    detailed: async () => {
      const text = await (await fetch(`${base}/api/health/detailed`)).text();
      const body = JSON.parse(text) as { checks?: unknown };
      if (!body.checks) throw new Error(`detailed without checks: ${text}`);
      return body as never;
    },
    stop,
  };
}
