/**
 * The Dockerfile without a Docker engine: its instructions read as docker
 * would read them, its HEALTHCHECK command run for real against the built
 * service, and the service's SIGTERM handling checked with node as PID 1 of
 * its own PID namespace, as it is in the container.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { reply, startHttpServer } from '../support/http';
import { freePort } from '../support/ports';
import { runCli, type ServiceProcess } from '../support/service';
import { execForm, parseDockerfile, parseHealthcheck, readText, ROOT, type Instruction } from './files';

const docker = parseDockerfile(readText('Dockerfile'));
const all = (op: string): Instruction[] => docker.filter((i) => i.op === op);
const stages = (): Instruction[][] => {
  const out: Instruction[][] = [];
  for (const i of docker) {
    if (i.op === 'FROM') out.push([i]);
    else out[out.length - 1]?.push(i);
  }
  return out;
};

t.test('the Dockerfile parser reads continuations, comments and exec form', async (t) => {
  const parsed = parseDockerfile('# c\nFROM a AS b\nRUN x \\\n  # inner\n  && y\nCMD ["serve"]\n');
  t.same(parsed.map((i) => [i.op, i.args, i.line]), [['FROM', 'a AS b', 2], ['RUN', 'x    && y', 3], ['CMD', '["serve"]', 6]]);
  t.same(execForm('["node", "dist/cli.js"]'), ['node', 'dist/cli.js']);
  t.equal(execForm('node dist/cli.js'), null);
});

t.test('multi-stage build: dev dependencies build, the runtime gets production ones and dist/', async (t) => {
  const s = stages();
  t.ok(s.length >= 2, `${s.length} stages`);
  const runtime = s[s.length - 1]!;
  const build = s.find((stage) => stage.some((i) => i.op === 'RUN' && /npm run build/.test(i.args)));
  t.ok(build, 'a stage runs the build');
  t.ok(build?.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args) && !/--omit=dev/.test(i.args)), 'the build stage installs dev dependencies with npm ci');
  const prod = all('RUN').filter((i) => /\bnpm ci\b/.test(i.args) && /--omit=dev/.test(i.args));
  t.ok(prod.length === 1 && /--ignore-scripts/.test(prod[0]!.args), 'production deps: npm ci --omit=dev --ignore-scripts (prepare needs tsc)');
  t.notOk(all('RUN').some((i) => /\bnpm (install|i)\b/.test(i.args)), 'never npm install: the lock file decides');
  t.ok(runtime.some((i) => i.op === 'COPY' && /--from=\S+ \/app\/dist/.test(i.args)), 'runtime copies dist/ from the build');
  t.ok(runtime.some((i) => i.op === 'COPY' && /--from=\S+ \/app\/node_modules/.test(i.args)), 'runtime copies production node_modules');
  t.ok(runtime.some((i) => i.op === 'COPY' && /^package\.json /.test(i.args)), 'runtime has package.json (the version fallback)');
  const from = all('FROM').map((i) => i.args);
  const arg = all('ARG').find((i) => i.args.startsWith('NODE_IMAGE='));
  t.match(arg?.args, /^NODE_IMAGE=node:24-bookworm-slim(@sha256:[0-9a-f]{64})?$/, 'Node 24 LTS on Debian slim (glibc: msgpackr-extract prebuilt loads), by tag or digest');
  // The version CI tests on is the one the image ships (scripts/fetch-tool.sh pins Node 24.x).
  const pinned = /^NODE24_VERSION=(\d+)\./m.exec(readText('scripts/fetch-tool.sh'))?.[1];
  t.equal(pinned, /node:(\d+)-/.exec(arg?.args ?? '')?.[1], 'CI runs the suite on the image\'s Node major');
  t.ok(from.every((f) => f.startsWith('${NODE_IMAGE}')), 'every stage on the same base');
});

t.test('the runtime stage: non-root, production, port, exec-form entrypoint, labels', async (t) => {
  const runtime = stages().at(-1)!;
  const users = runtime.filter((i) => i.op === 'USER');
  t.equal(users.length, 1);
  const [uid, gid] = (users[0]?.args ?? '').split(':');
  t.match(uid, /^[1-9]\d*$/, 'USER is numeric and not root (runAsNonRoot can verify it)');
  t.match(gid, /^[1-9]\d*$/, 'and a non-root group');
  const values = readText('helm/health-aggregator/values.yaml');
  t.match(values, new RegExp(`runAsUser: ${uid}\\b`), 'the chart runs as the same uid');
  const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
  t.match(env, /NODE_ENV=production/);
  t.match(env, /APP_VERSION=\$\{APP_VERSION\}/, 'ARG APP_VERSION -> ENV');
  t.match(env, /GIT_SHA=\$\{GIT_SHA\}/, 'ARG GIT_SHA -> ENV');
  t.notMatch(env, /(PASSWORD|SECRET|TOKEN|DATABASE_URL|REDIS_URL)/i, 'no secrets baked into the image');
  t.notMatch(all('ARG').map((i) => i.args).join(' '), /(PASSWORD|SECRET|TOKEN)/i, 'no secret build args (they stay in the image history)');
  t.ok(runtime.some((i) => i.op === 'EXPOSE' && i.args === '8080'));
  t.same(execForm(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? ''), ['node', 'dist/cli.js'], 'exec-form ENTRYPOINT: node is PID 1');
  t.same(execForm(runtime.find((i) => i.op === 'CMD')?.args ?? ''), ['serve']);
  const labels = runtime.filter((i) => i.op === 'LABEL').map((i) => i.args).join(' ');
  for (const key of ['title', 'version', 'revision', 'licenses', 'created', 'base.name']) t.match(labels, `org.opencontainers.image.${key}=`);
  const dockerignore = readText('.dockerignore').split('\n').map((l) => l.trim());
  for (const entry of ['node_modules', 'dist', 'coverage', '.tap', '.git', '.env', '.cache']) t.ok(dockerignore.includes(entry), `.dockerignore: ${entry}`);
  // Everything the build copies must survive .dockerignore.
  for (const i of all('COPY').filter((c) => !c.args.startsWith('--from'))) {
    for (const src of i.args.split(/\s+/).slice(0, -1)) t.notOk(dockerignore.includes(src), `COPY ${src} is not ignored`);
  }
});

t.test('dockerfile-utils (the linter behind VS Code\'s Dockerfile support) finds nothing to warn about', async (t) => {
  const { validate } = require('dockerfile-utils') as typeof import('dockerfile-utils');
  const problems = validate(readText('Dockerfile')).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  t.same(problems, [], 'no errors or warnings');
  // It must see real mistakes, or the empty list above proves nothing.
  const seen = validate('FROM node:24\nHEALTHCHECK --intervall=3s CMD ["node"]\nEXPOSE abc\n').map((d) => d.message).join('; ');
  t.match(seen, /intervall/, 'an unknown flag');
  t.match(seen, /port/i, 'a bad port');
});

t.test('the runtime stage carries no package manager', async (t) => {
  const runtime = stages().at(-1)!;
  const runs = runtime.filter((i) => i.op === 'RUN').map((i) => i.args);
  t.notOk(runs.some((r) => /\bnpm\s/.test(r) && !/rm -rf/.test(r)), 'npm never runs there');
  const removed = runs.join(' ');
  for (const path of ['/usr/local/lib/node_modules/npm', '/usr/local/lib/node_modules/corepack', '/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack']) {
    t.match(removed, new RegExp(`rm -rf [^&;]*${path.replace(/\//g, '\\/')}(\\s|$)`), `removes ${path}`);
  }
  t.same(execForm(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '')?.[0], 'node', 'and the entrypoint needs only node');
});

const healthcheck = () => {
  const hc = all('HEALTHCHECK');
  if (hc.length !== 1) throw new Error(`expected one HEALTHCHECK, found ${hc.length}`);
  return parseHealthcheck(hc[0]!.args);
};

/**
 * Runs the HEALTHCHECK command as Docker would inside the image (cwd /app,
 * the image's PORT). Asynchronously: the fake servers below live in this
 * process and must keep answering while it runs.
 */
async function runHealthcheck(port: number): Promise<{ code: number | null; ms: number }> {
  const cmd = healthcheck().cmd;
  if (!cmd || cmd[0] !== 'node') throw new Error('HEALTHCHECK is not an exec-form node command');
  const started = Date.now();
  const child = spawn(process.execPath, cmd.slice(1), { cwd: ROOT, env: { PORT: String(port) }, stdio: 'ignore' });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, ms: Date.now() - started };
}

t.test('HEALTHCHECK: exec form, node (no curl in slim), liveness, bounded by its own timeout', async (t) => {
  const { options, cmd } = healthcheck();
  t.ok(cmd, 'exec form');
  t.equal(cmd?.[0], 'node');
  t.match(cmd?.join(' '), /\/api\/health\/liveness/, 'asks liveness, never readiness: an outage must not mark the container unhealthy');
  const abortMs = Number(/AbortSignal\.timeout\((\d+)\)/.exec(cmd?.join(' ') ?? '')?.[1]);
  const dockerTimeoutMs = Number(/^(\d+)s$/.exec(options.timeout ?? '')?.[1]) * 1000;
  t.ok(abortMs > 0 && abortMs < dockerTimeoutMs, `the command gives up (${abortMs} ms) before Docker's --timeout (${dockerTimeoutMs} ms)`);
  for (const key of ['interval', 'timeout', 'start-period', 'retries']) t.ok(options[key], `--${key} set`);
});

t.test('HEALTHCHECK against the real built service: 0 when live, 1 when not', async (t) => {
  const port = await freePort();
  const svc: ServiceProcess = runCli(['serve'], { yaml: 'checks: []\nserver: {shutdownDelay: 0}\n', env: { PORT: String(port), LOG_LEVEL: 'warn' } });
  t.teardown(() => svc.cleanup());
  await waitForListening(port, svc);
  t.equal((await runHealthcheck(port)).code, 0, 'exit 0 against a live service');

  const down = await freePort();
  t.equal((await runHealthcheck(down)).code, 1, 'exit 1 when nothing listens');

  const sick = await startHttpServer({ '/api/health/liveness': reply(503, { status: 'error', reason: 'scheduler_stalled' }) });
  t.teardown(() => sick.stop());
  const sickRun = await runHealthcheck(sick.port);
  t.equal(sickRun.code, 1, 'exit 1 when liveness answers 503');
  t.same(sick.seen, ['GET /api/health/liveness'], 'because of the answer: the request reached the server');

  const hung = await startBlackhole();
  t.teardown(() => hung.close());
  const r = await runHealthcheck(hung.port);
  t.equal(r.code, 1, 'exit 1 against a peer that never answers');
  t.ok(r.ms < 15_000, `and it gave up by itself (${r.ms} ms), not at the test's 30 s kill`);
});

t.test('node as PID 1 (as in the container) stops gracefully on SIGTERM and exits 0', async (t) => {
  if (spawnSync('unshare', ['--pid', '--fork', 'true']).status !== 0) {
    t.plan(0, 'skipped: unshare --pid is not permitted here (needs root or user namespaces)');
    return;
  }
  // Control: a PID 1 without a SIGTERM handler ignores SIGTERM. If this did not
  // hold, the real check below would prove nothing about PID 1.
  const idle = await asPid1([process.execPath, '-e', 'setInterval(() => {}, 1000); console.log("up")'], 'up');
  t.teardown(() => idle.kill());
  process.kill(idle.pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  t.equal(idle.alive(), true, 'control: an unhandled SIGTERM is ignored by PID 1');
  idle.kill();

  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-pid1-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'health.yml');
  writeFileSync(config, 'checks: []\nserver: {shutdownDelay: 1s}\n');
  const cli = path.join(ROOT, 'dist/cli.js');
  const svc = await asPid1([process.execPath, cli, 'serve', '--config', config], 'health-aggregator listening', { PORT: String(port) });
  t.teardown(() => svc.kill());
  t.equal(svc.nspid, 1, 'the service is PID 1 in its namespace');
  // Ready once its first (empty) round has run, which may come just after the "listening" line.
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status === 200, 'ready before the signal');
  t.pass('ready before the signal');
  process.kill(svc.pid, 'SIGTERM');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health/readiness`)).status === 503, 'readiness 503 after SIGTERM');
  t.pass('readiness fails at once while the server still answers (shutdownDelay)');
  t.equal(await svc.exited, 0, 'exits 0 after the delay');
});

interface Pid1 {
  /** Host PID of the process that is PID 1 inside the namespace. */
  readonly pid: number;
  /** Its PID as seen inside its namespace (from /proc/PID/status NSpid). */
  readonly nspid: number;
  readonly exited: Promise<number | string>;
  alive(): boolean;
  kill(): void;
}

/**
 * Runs argv as PID 1 of a new PID namespace (unshare --pid --fork) and waits
 * for `ready` on its output. Signals go to the child itself: unshare's own
 * process ignores SIGTERM while it waits.
 */
async function asPid1(argv: string[], ready: string, env: Record<string, string> = {}): Promise<Pid1> {
  const wrapper = spawn('unshare', ['--pid', '--fork', '--kill-child', ...argv], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  wrapper.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  wrapper.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | string>((resolve) => wrapper.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  await waitFor(() => out.includes(ready), `"${ready}" from ${argv.join(' ')}:\n${out}`);
  const wrapperPid = wrapper.pid ?? 0;
  const children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim().split(/\s+/);
  const pid = Number(children[0]);
  const nspid = Number(/^NSpid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return {
    pid,
    nspid,
    exited,
    alive: () => wrapper.exitCode === null && wrapper.signalCode === null,
    kill: () => {
      if (wrapper.exitCode !== null || wrapper.signalCode !== null) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      wrapper.kill('SIGKILL');
    },
  };
}

async function waitForListening(port: number, svc: ServiceProcess): Promise<void> {
  await waitFor(async () => {
    if (svc.child.exitCode !== null) throw new Error(`service exited: ${svc.stderr()}${svc.stdout()}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/api/health/liveness`)).status === 200;
    } catch {
      return false;
    }
  }, 'the service to listen');
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
