/**
 * The chart and the image against the service they deploy: probe paths that
 * the real app answers, the port it really listens on, configs it really
 * accepts, and a grace period longer than its real shutdown.
 */
import t from 'tap';
import { parseConfig } from '../../src/config';
import { startApp } from '../support/app';
import { runCli } from '../support/service';
import { CHART, chartSchema, chartValues, isObject, parseDockerfile, readText, SECRET_ENV, type JsonObject } from './files';
import { get, IMAGE, one, render } from './helm';
import { stringify } from 'yaml';

type Probe = 'readiness' | 'liveness' | 'startup';

/** The probe paths helm renders into the Deployment (empty values are derived from the basePath). */
function renderedProbes(args: readonly string[] = IMAGE): Record<Probe, { path: string }> {
  const container = get(one(render(args), 'Deployment'), 'spec', 'template', 'spec', 'containers', 0);
  const path = (p: Probe) => ({ path: String(get(container, `${p}Probe`, 'httpGet', 'path')) });
  return { readiness: path('readiness'), liveness: path('liveness'), startup: path('startup') };
}
const defaults = renderedProbes();
const probes = () => defaults;

t.test('the chart probes paths the real app answers with 200', async (t) => {
  const app = await startApp('checks: []\n');
  t.teardown(() => app.close());
  for (const [name, probe] of Object.entries(probes())) {
    const res = await app.app.inject({ method: 'GET', url: String(probe.path) });
    t.equal(res.statusCode, 200, `${name}: GET ${String(probe.path)} -> 200`);
    t.equal(res.json<{ status: string }>().status, 'ok');
  }
  const ready = await app.app.inject({ method: 'GET', url: String(probes().readiness.path) });
  const live = await app.app.inject({ method: 'GET', url: String(probes().liveness.path) });
  t.ok(!('uptime_s' in ready.json()) && 'uptime_s' in live.json(), 'readiness and liveness are the two different routes');
  // Guard against a probe path that some catch-all would answer: a wrong one must not be 200.
  const wrong = await app.app.inject({ method: 'GET', url: '/api/health/ready' });
  t.equal(wrong.statusCode, 404, 'a misspelt probe path would not pass');
});

t.test('the default readinessProbe is the replica\'s own readiness (?self, CONTRACT §4.3)', async (t) => {
  t.equal(probes().readiness.path, '/api/health/readiness?self');
  t.same(renderedProbes([...IMAGE, '--set', 'config.server.basePath=/hc']).readiness, { path: '/hc/readiness?self' }, 'under a custom basePath too');
});

t.test('readiness, the chart readinessProbe, fails on SIGTERM-style shutdown while liveness stays up', async (t) => {
  const app = await startApp('checks: []\n');
  t.teardown(() => app.close());
  app.app.health.lifecycle.shuttingDown = true;
  t.equal((await app.app.inject({ url: String(probes().readiness.path) })).statusCode, 503, 'readiness 503: the pod leaves the endpoints');
  t.equal((await app.app.inject({ url: String(probes().liveness.path) })).statusCode, 200, 'liveness 200: no restart mid-shutdown');
});

t.test('container port, $PORT, EXPOSE and the app default all agree on 8080', async (t) => {
  const values = chartValues();
  const defaults = parseConfig('checks: []\n', {}, 'test.yml');
  t.equal(defaults.server.port, 8080, 'the app listens on 8080 by default');
  t.equal(values.containerPort, defaults.server.port, 'chart containerPort');
  const docker = parseDockerfile(readText('Dockerfile'));
  t.ok(docker.some((i) => i.op === 'EXPOSE' && i.args.split(/\s+/).includes('8080')), 'Dockerfile EXPOSE 8080');
  const fromEnv = parseConfig('checks: []\n', { PORT: String(values.containerPort) }, 'test.yml');
  t.equal(fromEnv.server.port, values.containerPort, 'the $PORT the chart sets is what the app listens on');
});

t.test('the configs shipped with the chart and in examples/ pass the service validation', async (t) => {
  const configs: Array<[string, string]> = [['examples/health.yml', readText('examples/health.yml')]];
  for (const file of ['values.yaml', 'ci/production-values.yaml']) {
    const config = chartValues(file).config;
    // {} means zero-config: no file at all, nothing to validate.
    if (isObject(config) && Object.keys(config).length > 0) configs.push([`${file} config`, stringify(config)]);
  }
  t.ok(configs.length >= 2, 'at least one chart config is checked');
  for (const [name, text] of configs) {
    const config = parseConfig(text, SECRET_ENV, name);
    t.ok(config.checks.length > 0, `${name}: valid, ${config.checks.length} checks`);
    t.equal(config.server.port, 8080, `${name}: listens where the probes knock`);
    const paths = name.startsWith('ci/') ? renderedProbes(['-f', `${CHART}/ci/production-values.yaml`]) : probes();
    for (const probe of Object.values(paths)) {
      t.ok(String(probe.path).startsWith(`${config.server.basePath}/`), `${name}: probe ${String(probe.path)} is under basePath`);
    }
  }
  t.throws(() => parseConfig(readText('examples/health.yml'), {}, 'examples/health.yml'), /DATABASE_URL/, 'the example needs its secrets from the environment');
});

t.test('examples/health.yml shows every section and every check type of CONTRACT §3.1', async (t) => {
  const config = parseConfig(readText('examples/health.yml'), SECRET_ENV, 'examples/health.yml');
  t.same([...new Set(config.checks.map((c) => c.type))].sort(), ['bullmq', 'http', 'postgres', 'redis', 's3', 'tcp']);
  const text = readText('examples/health.yml');
  for (const section of ['service', 'server', 'pressure', 'defaults', 'checks']) t.match(text, new RegExp(`^${section}:`, 'm'), `${section}:`);
  t.notMatch(text, /s3cr3t|r3d1s/, 'no secret in the file itself');
});

t.test('the chart schema allows exactly config sections the service accepts', async (t) => {
  const sections = ((chartSchema().properties as JsonObject).config as JsonObject).properties as JsonObject;
  // null for the sections whose content other work defines: the key itself is what is under test
  // (the service refuses an unknown key whatever its value).
  const minimal: Record<string, unknown> = {
    service: {}, server: {}, pressure: {}, defaults: {}, storage: { type: 'memory' }, checks: [],
    cluster: null, statusPage: {}, maintenance: null, notifications: null,
  };
  t.same(Object.keys(sections).sort(), Object.keys(minimal).sort(), 'the sections under test');
  for (const key of Object.keys(sections)) {
    t.doesNotThrow(() => parseConfig(stringify({ [key]: minimal[key] }), {}, 'x.yml'), `the service accepts "${key}"`);
  }
  t.throws(() => parseConfig(stringify({ check: [] }), {}, 'x.yml'), /check/, 'and refuses what the schema refuses');
});

t.test('the grace period outlasts shutdownDelay plus the service close cap', async (t) => {
  // The cap lives in src/server.ts; read it so a change there fails here.
  const cap = /const CLOSE_TIMEOUT_MS = ([\d_]+);/.exec(readText('src/server.ts'))?.[1];
  if (cap === undefined) throw new Error('CLOSE_TIMEOUT_MS not found in src/server.ts');
  const closeMs = Number(cap.replace(/_/g, ''));
  const chartCap = /\$needS := add \(div \(add \$delayMs 999\) 1000\) (\d+) \}\}/.exec(readText('helm/health-aggregator/templates/_validate.tpl'))?.[1];
  t.equal(Number(chartCap) * 1000, closeMs, 'the chart\'s render-time rule adds the same close cap');
  for (const file of ['values.yaml', 'ci/production-values.yaml']) {
    const values = { ...chartValues(), ...chartValues(file) };
    const config = isObject(values.config) && Object.keys(values.config).length > 0 ? stringify(values.config) : 'checks: []\n';
    const { shutdownDelay } = parseConfig(config, SECRET_ENV, file).server;
    const grace = Number(values.terminationGracePeriodSeconds) * 1000;
    t.ok(grace > shutdownDelay + closeMs, `${file}: ${grace} ms > ${shutdownDelay} ms delay + ${closeMs} ms close`);
  }
});

t.test('`validate --config examples/health.yml` passes in the built CLI', async (t) => {
  const p = runCli(['validate', '--config', 'examples/health.yml'], { env: SECRET_ENV });
  t.teardown(() => p.cleanup());
  // runCli spawns from this process's cwd, which tap sets to the project root.
  const code = await p.exited;
  t.equal(code, 0, p.stderr());
  t.match(p.stdout(), /valid, 6 check\(s\)/);
  for (const secret of ['s3cr3t-pw', 'r3d1s-pw']) t.notMatch(p.stdout() + p.stderr(), secret, 'secrets redacted');
});
