/**
 * The chart rendered by a real helm, when one is available ($HELM_BIN, else
 * `helm` on PATH); skipped otherwise, since no registry this project uses
 * ships helm as a dependency. The rendered manifests are read back and held
 * against the real app: the probe paths it answers, the config it accepts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config';
import { startApp } from '../support/app';
import { CHART, isObject, SECRET_ENV, type JsonObject } from './files';

function findHelm(): string | null {
  for (const candidate of [process.env.HELM_BIN, 'helm']) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ['version', '--short'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

const helmBin = findHelm();
const home = mkdtempSync(path.join(os.tmpdir(), 'ha-helm-'));
t.teardown(() => rmSync(home, { recursive: true, force: true }));

function helm(args: string[]): { code: number | null; out: string; err: string } {
  if (helmBin === null) throw new Error('no helm');
  const r = spawnSync(helmBin, args, {
    encoding: 'utf8',
    // Keep helm's cache and config out of the user's home.
    env: { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CI_VALUES = path.join(CHART, 'ci/production-values.yaml');

/** `helm template` -> the manifests by kind (one of each kind here). */
function render(extra: string[] = []): Map<string, JsonObject> {
  const r = helm(['template', 'rel', CHART, '--namespace', 'prod', ...extra]);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.err}`);
  const byKind = new Map<string, JsonObject>();
  for (const doc of parseAllDocuments(r.out)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
    const m: unknown = doc.toJS();
    if (!isObject(m)) continue;
    const kind = String(m.kind);
    if (byKind.has(kind)) throw new Error(`two ${kind} manifests`);
    byKind.set(kind, m);
  }
  return byKind;
}

const get = (tree: unknown, ...keys: Array<string | number>): any => {
  let node: any = tree;
  for (const k of keys) node = node?.[k];
  return node;
};

if (helmBin === null) {
  t.plan(0, 'skipped: no helm binary (set HELM_BIN or put helm on PATH)');
} else {
  t.comment(`helm: ${helm(['version', '--short']).out.trim()}`);

  t.test('helm lint --strict passes with the default and the production values', async (t) => {
    for (const extra of [[], ['-f', CI_VALUES]]) {
      const r = helm(['lint', '--strict', CHART, ...extra]);
      t.equal(r.code, 0, `lint ${extra.join(' ') || '(defaults)'}: ${r.out}${r.err}`);
    }
  });

  t.test('defaults: zero-config, no ConfigMap, no ServiceMonitor, a hardened pod', async (t) => {
    const m = render();
    t.same([...m.keys()].sort(), ['Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const pod = get(m.get('Deployment'), 'spec', 'template', 'spec');
    const container = get(pod, 'containers', 0);
    t.notOk((container.env as JsonObject[]).some((e) => e.name === 'HEALTH_CONFIG'), 'no HEALTH_CONFIG without a config');
    t.equal(get(pod, 'securityContext', 'runAsNonRoot'), true);
    t.equal(get(container, 'securityContext', 'readOnlyRootFilesystem'), true);
    t.same(get(container, 'securityContext', 'capabilities', 'drop'), ['ALL']);
    t.equal(pod.automountServiceAccountToken, false);
  });

  t.test('production values: the ConfigMap the pod mounts is a config the service accepts', async (t) => {
    const m = render(['-f', CI_VALUES]);
    t.same([...m.keys()].sort(), ['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    const cm = m.get('ConfigMap')!;
    const text = get(cm, 'data', 'health.yml') as string;
    const config = parseConfig(text, SECRET_ENV, 'health.yml');
    t.equal(config.checks.length, 4, 'the rendered health.yml is valid');
    t.notMatch(text, /s3cr3t|r3d1s|t0ken/, 'no secret in the ConfigMap');

    const pod = get(m.get('Deployment'), 'spec', 'template', 'spec');
    const container = get(pod, 'containers', 0);
    const env = Object.fromEntries((container.env as JsonObject[]).map((e) => [e.name, e.value]));
    const mount = (container.volumeMounts as JsonObject[]).find((v) => v.name === 'config');
    t.equal(env.HEALTH_CONFIG, `${String(mount?.mountPath)}/health.yml`, 'HEALTH_CONFIG points into the mount');
    t.equal(mount?.readOnly, true);
    const volume = (pod.volumes as JsonObject[]).find((v) => v.name === 'config');
    t.equal(get(volume, 'configMap', 'name'), get(cm, 'metadata', 'name'), 'the mount is the chart ConfigMap');
    t.same(container.envFrom, [{ secretRef: { name: 'asset-anchor-health' } }], 'secrets through envFrom');
    t.match(get(m.get('Deployment'), 'spec', 'template', 'metadata', 'annotations', 'checksum/config'), /^[0-9a-f]{64}$/);

    const port = get(container, 'ports', 0);
    t.equal(Number(env.PORT), port.containerPort, '$PORT is the container port');
    t.equal(get(m.get('Service'), 'spec', 'ports', 0, 'targetPort'), port.name, 'the Service targets it by name');
    t.same(get(m.get('ServiceMonitor'), 'spec', 'endpoints', 0), { port: port.name, path: '/metrics', interval: '30s', scrapeTimeout: '10s' });
    const grace = Number(pod.terminationGracePeriodSeconds) * 1000;
    t.ok(grace > config.server.shutdownDelay + 10_000, 'grace period outlasts the shutdown');

    // The rendered probes, asked of the real app built from the rendered config.
    const app = await startApp('checks: []\n');
    t.teardown(() => app.close());
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const httpGet = get(container, probe, 'httpGet');
      t.equal(httpGet.port, port.name, `${probe} on the named port`);
      t.equal((await app.app.inject({ url: httpGet.path })).statusCode, 200, `${probe} ${httpGet.path} -> 200`);
    }
  });

  t.test('helm refuses values that would break the pod', async (t) => {
    const cases: Array<{ name: string; args: string[]; error: RegExp }> = [
      { name: 'a config port other than containerPort', args: ['--set', 'config.server.port=9090'], error: /differs from containerPort/ },
      { name: 'a basePath the probes are not under', args: ['--set', 'config.server.basePath=/health'], error: /not under config\.server\.basePath/ },
      { name: 'a misspelt top-level value', args: ['--set', 'replicas=3'], error: /replicas/ },
      { name: 'a literal details token', args: ['--set', 'config.server.detailsToken=abc'], error: /detailsToken/ },
    ];
    for (const c of cases) {
      const r = helm(['template', 'rel', CHART, ...c.args]);
      t.not(r.code, 0, `${c.name}: refused`);
      t.match(r.err, c.error, `${c.name}: says why`);
    }
    t.equal(helm(['template', 'rel', CHART, '--set', 'config.server.basePath=/api/health', '--set-json', 'config.checks=[]']).code, 0, 'a matching basePath is fine');
  });
}
