/**
 * The chart rendered by a real helm (test/deploy/helm.ts), as CI would:
 * `helm lint --strict` and `helm template` over every ci/*.yaml, every
 * manifest against Kubernetes' schemas, and the rendered config and probes
 * held against the real service.
 */
import t from 'tap';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config';
import { CHART, SECRET_ENV, type JsonObject } from './files';
import { ciValueFiles, get, helm, IMAGE, one, ofKind, render } from './helm';
import { validateManifest } from './kube-schemas';

const CLUSTER_ENV = { ...SECRET_ENV, HEALTH_CLUSTER_URL: 'postgres://health:c1u5ter-pw@cluster-db:5432/health' };

t.comment(`helm: ${helm(['version', '--short']).out.trim()}`);

t.test('helm lint --strict passes with the defaults and with every ci/*.yaml', async (t) => {
  const sets = [IMAGE, ...ciValueFiles().map((f) => ['-f', `${CHART}/${f}`])];
  t.ok(sets.length >= 5, `${sets.length} value sets`);
  for (const args of sets) {
    const r = helm(['lint', '--strict', CHART, ...args]);
    t.equal(r.code, 0, `lint ${args.join(' ').replace(CHART + '/', '')}: ${r.out.trim().split('\n').at(-1)}${r.err}`);
  }
});

t.test('every rendered manifest of every ci/*.yaml passes Kubernetes\' schemas', async (t) => {
  for (const file of ['(defaults)', ...ciValueFiles()]) {
    const docs = render(file === '(defaults)' ? IMAGE : ['-f', `${CHART}/${file}`]);
    for (const doc of docs) {
      const name = `${file}: ${String(doc.kind)} ${String(get(doc, 'metadata', 'name'))}`;
      if (doc.kind === 'HTTPRoute') {
        // No Gateway API schema package is installed: the fields a route cannot work without.
        t.equal(doc.apiVersion, 'gateway.networking.k8s.io/v1', `${name}: v1 (GA) API`);
        t.ok(get(doc, 'spec', 'parentRefs', 0, 'name') && get(doc, 'spec', 'rules', 0, 'backendRefs', 0, 'port'), `${name}: parentRefs and a backend port`);
        continue;
      }
      const schema = await validateManifest(doc).catch((err: Error) => `INVALID: ${err.message}`);
      t.notMatch(schema, /^INVALID|no schema/, `${name} -> ${schema}`);
    }
  }
  // The validator must refuse a broken manifest, or the loop above proves nothing.
  const broken = structuredClone(one(render(), 'Deployment'));
  (get(broken, 'spec', 'template', 'spec', 'containers', 0) as JsonObject).ports = [{ containerPort: 'http' }];
  await t.rejects(validateManifest(broken), /containerPort/, 'a wrong type is caught');
  await t.rejects(validateManifest({ apiVersion: 'v9', kind: 'Nope' }), /no schema/, 'an unknown kind is not waved through');
});

t.test('defaults: zero-config, readiness?self, no optional objects, a hardened pod', async (t) => {
  const docs = render();
  t.same(docs.map((d) => d.kind).sort(), ['Deployment', 'Pod', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
  const pod = get(one(docs, 'Deployment'), 'spec', 'template', 'spec');
  const container = get(pod, 'containers', 0);
  t.notOk((container.env as JsonObject[]).some((e) => e.name === 'HEALTH_CONFIG'), 'no HEALTH_CONFIG without a config');
  t.equal(get(container, 'readinessProbe', 'httpGet', 'path'), '/api/health/readiness?self', 'readiness is the replica\'s own');
  t.equal(get(container, 'livenessProbe', 'httpGet', 'path'), '/api/health/liveness');
  t.equal(get(pod, 'securityContext', 'runAsNonRoot'), true);
  t.equal(get(container, 'securityContext', 'readOnlyRootFilesystem'), true);
  t.same(get(container, 'securityContext', 'capabilities', 'drop'), ['ALL']);
  t.equal(pod.automountServiceAccountToken, false);
  const pdb = one(docs, 'PodDisruptionBudget');
  t.equal(get(pdb, 'spec', 'unhealthyPodEvictionPolicy'), 'AlwaysAllow', 'an unready pod never blocks a drain');
  t.equal(get(pdb, 'spec', 'maxUnavailable'), 1);
  const test = one(docs, 'Pod');
  t.equal(get(test, 'metadata', 'annotations', 'helm.sh/hook'), 'test', 'a helm test hook');
  const selector = get(one(docs, 'Service'), 'spec', 'selector') as JsonObject;
  const testLabels = get(test, 'metadata', 'labels') as JsonObject;
  t.notOk(Object.entries(selector).every(([k, v]) => testLabels[k] === v), 'the test pod is not selected by the Service (nor the Deployment)');
});

t.test('the rendered config of every ci/*.yaml is one the service accepts', async (t) => {
  for (const file of ciValueFiles()) {
    const docs = render(['-f', `${CHART}/${file}`]);
    const cm = ofKind(docs, 'ConfigMap').find((c) => get(c, 'data', 'health.yml') !== undefined);
    if (cm === undefined) {
      const env = get(one(docs, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env') as JsonObject[];
      t.notOk(env.some((e) => e.name === 'HEALTH_CONFIG'), `${file}: zero-config, no file and no HEALTH_CONFIG`);
      continue;
    }
    const text = String(get(cm, 'data', 'health.yml'));
    let checks = -1;
    try {
      checks = parseConfig(text, CLUSTER_ENV, `${file} health.yml`).checks.length;
    } catch (err) {
      t.fail(`${file}: the service refuses the rendered config: ${(err as Error).message}`);
      continue;
    }
    t.ok(checks > 0, `${file}: valid, ${checks} checks`);
    t.notMatch(text, /s3cr3t|r3d1s|t0ken|c1u5ter/, `${file}: no secret in the ConfigMap`);
  }
});

t.test('production values: ConfigMap, mounts, secrets, monitoring and public routes wired together', async (t) => {
  const docs = render(['-f', `${CHART}/ci/production-values.yaml`]);
  const deployment = one(docs, 'Deployment');
  const pod = get(deployment, 'spec', 'template', 'spec');
  const container = get(pod, 'containers', 0);
  const env = Object.fromEntries((container.env as JsonObject[]).map((e) => [e.name, e.value]));
  const mount = (container.volumeMounts as JsonObject[]).find((v) => v.name === 'config');
  t.equal(env.HEALTH_CONFIG, `${String(mount?.mountPath)}/health.yml`, 'HEALTH_CONFIG points into the mount');
  t.equal(mount?.readOnly, true);
  const cm = ofKind(docs, 'ConfigMap').find((c) => get(c, 'data', 'health.yml') !== undefined)!;
  t.equal(get((pod.volumes as JsonObject[]).find((v) => v.name === 'config'), 'configMap', 'name'), get(cm, 'metadata', 'name'));
  t.same(container.envFrom, [{ secretRef: { name: 'asset-anchor-health' } }], 'secrets through envFrom');
  t.match(get(deployment, 'spec', 'template', 'metadata', 'annotations', 'checksum/config'), /^[0-9a-f]{64}$/);
  const port = get(container, 'ports', 0);
  t.equal(Number(env.PORT), port.containerPort, '$PORT is the container port');
  t.equal(get(one(docs, 'Service'), 'spec', 'ports', 0, 'targetPort'), port.name, 'the Service targets it by name');

  const monitor = one(docs, 'ServiceMonitor');
  t.match(get(monitor, 'spec', 'endpoints', 0), { port: 'http', path: '/metrics' });
  t.same(get(monitor, 'spec', 'endpoints', 0, 'relabelings'), [{ action: 'replace', targetLabel: 'job', replacement: 'health-aggregator' }], 'a fixed job label, whatever the release name');
  t.equal(get(one(docs, 'PrometheusRule'), 'metadata', 'labels', 'release'), 'kube-prometheus-stack');

  const paths = (get(one(docs, 'Ingress'), 'spec', 'rules', 0, 'http', 'paths') as JsonObject[]).map((p) => p.path);
  t.same(paths, ['/api/health', '/status', '/api/status', '/api/v2'], 'the public routes, not /metrics');

  const policy = one(docs, 'NetworkPolicy');
  const egress = get(policy, 'spec', 'egress') as JsonObject[];
  t.same(get(egress, 0, 'ports'), [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], 'DNS first');
  t.same((get(egress, 1, 'ports') as JsonObject[]).map((p) => p.port), [443, 5432, 6379, 6432], 'the dependencies\' ports, with the PgBouncer override');
  t.same(get(policy, 'spec', 'ingress', 0, 'ports'), [{ port: 'http', protocol: 'TCP' }], 'only the HTTP port is open');
  t.equal((get(policy, 'spec', 'ingress', 0, 'from') as JsonObject[]).length, 3, 'Prometheus, the ingress controller, the test pod');
});

t.test('cluster values: HEALTH_CLUSTER_URL from the Secret, cluster.url in the config, an HPA', async (t) => {
  const docs = render(['-f', `${CHART}/ci/cluster-values.yaml`]);
  const container = get(one(docs, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0);
  const url = (container.env as JsonObject[]).find((e) => e.name === 'HEALTH_CLUSTER_URL');
  t.same(get(url, 'valueFrom', 'secretKeyRef'), { name: 'health-cluster', key: 'HEALTH_CLUSTER_URL' });
  const config = parse(String(get(one(docs, 'ConfigMap'), 'data', 'health.yml'))) as JsonObject;
  t.same(config.cluster, { mode: 'quorum', leaseTime: '10s', url: '${HEALTH_CLUSTER_URL}' }, 'the chart adds the url, keeps the rest');
  t.equal(get(one(docs, 'Deployment'), 'spec', 'replicas'), undefined, 'the HPA owns the replica count');
  t.equal(get(one(docs, 'HorizontalPodAutoscaler'), 'spec', 'minReplicas'), 3);
  t.equal(get(one(docs, 'PodDisruptionBudget'), 'spec', 'minAvailable'), 2);
  t.match(get(one(docs, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'image'), /@sha256:[0-9a-f]{64}$/, 'a digest wins over the tag');
  t.same((get(one(docs, 'NetworkPolicy'), 'spec', 'egress', 1, 'ports') as JsonObject[]).map((p) => p.port), [443, 5432, 6379], 'the cluster database is reachable too');
});

t.test('NOTES.txt speaks of the image tag and the basePath in use, not the chart\'s', async (t) => {
  const r = helm(['install', 'rel', CHART, '--dry-run=client', '--namespace', 'prod', ...IMAGE, '--set', 'image.tag=1.4.2', '--set', 'config.server.basePath=/hc']);
  t.equal(r.code, 0, r.err);
  const notes = r.out.slice(r.out.indexOf('NOTES:'));
  t.match(notes, /health-aggregator 1\.4\.2 \(image registry\.test\/health-aggregator:1\.4\.2\)/, 'the image tag');
  t.notMatch(notes, /0\.2\.0/, 'not the chart version');
  t.match(notes, /curl -s localhost:8080\/hc\n/, 'the basePath');
  t.match(notes, /Readiness probe: \/hc\/readiness\?self/);
  t.notMatch(notes, /\/api\/health/, 'nothing hard-coded');
});
