/**
 * The Helm chart, checked without helm: Chart.yaml, the values against their
 * JSON Schema (as `helm install` would), the templates' structure and every
 * `.Values` path they read. Rendering itself needs helm (see the report).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import t from 'tap';
import {
  CHART,
  chartSchema,
  chartValues,
  inlineSecret,
  isObject,
  readText,
  readYaml,
  stringLeaves,
  templateFiles,
  templateStructureProblems,
  valuesPathExists,
  valuesReferences,
  type Json,
  type JsonObject,
} from './files';

const clone = <T>(v: T): T => structuredClone(v);
const ciFiles = (): string[] => readdirSync(path.join(CHART, 'ci')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `ci/${f}`);

/** Helm validates with a draft-07 validator that ignores unknown formats; strict: false mirrors that. */
function compileSchema() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(chartSchema());
}

t.test('Chart.yaml is a v2 application chart with the fields helm requires', async (t) => {
  const chart = readYaml('helm/health-aggregator/Chart.yaml');
  if (!isObject(chart)) throw new Error('Chart.yaml is not a mapping');
  t.equal(chart.apiVersion, 'v2');
  t.equal(chart.name, 'health-aggregator', 'name matches the chart directory');
  t.equal(path.basename(CHART), chart.name);
  t.match(chart.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'version is SemVer 2');
  t.equal(chart.type, 'application');
  const pkg = JSON.parse(readText('package.json')) as { version: string };
  t.equal(chart.appVersion, pkg.version, 'appVersion (the default image tag) follows package.json');
});

t.test('every template the chart needs exists and is structurally sound', async (t) => {
  const expected = [
    '_container.tpl',
    '_helpers.tpl',
    '_netpol.tpl',
    '_validate.tpl',
    'NOTES.txt',
    'configmap.yaml',
    'dashboards.yaml',
    'deployment.yaml',
    'hpa.yaml',
    'httproute.yaml',
    'ingress.yaml',
    'networkpolicy.yaml',
    'pdb.yaml',
    'prometheusrule.yaml',
    'service.yaml',
    'serviceaccount.yaml',
    'servicemonitor.yaml',
    'tests/test-connection.yaml',
  ];
  const present = templateFiles();
  for (const file of expected) t.ok(present.includes(file), `templates/${file} exists`);
  for (const file of present) {
    const text = readFileSync(path.join(CHART, 'templates', file), 'utf8');
    t.same(templateStructureProblems(text), [], `templates/${file}: balanced actions and blocks`);
  }
  t.ok(existsSync(path.join(CHART, 'values.schema.json')), 'values.schema.json exists (helm validates values with it)');
});

t.test('the structure check itself catches the mistakes it claims to', async (t) => {
  const cases: Array<[string, string]> = [
    ['{{- if .Values.a }}x', 'unclosed block(s): if'],
    ['x{{ end }}', '"end" without an open block'],
    ['{{ .Values.a }', 'a "{{" or "}}" outside any action'],
    ['{{ else }}', '"else" outside a block'],
  ];
  for (const [text, problem] of cases) t.ok(templateStructureProblems(text).includes(problem), `${JSON.stringify(text)} -> ${problem}`);
  t.same(templateStructureProblems('{{/* {{ if }} in a comment */}}{{ with .x }}{{ else }}{{ end }}'), []);
});

t.test('templates read only values that values.yaml declares (typos fail here, not at install)', async (t) => {
  const values = chartValues();
  const schema = chartSchema();
  let count = 0;
  for (const file of templateFiles()) {
    const text = readFileSync(path.join(CHART, 'templates', file), 'utf8');
    for (const ref of valuesReferences(text)) {
      count++;
      t.ok(valuesPathExists(values, schema, ref), `${file}: .Values.${ref.join('.')} is declared`);
    }
  }
  t.ok(count > 80, `found the templates' value references (${count})`);
  // The checker must refuse a misspelt key, or the loop above proves nothing.
  t.notOk(valuesPathExists(values, schema, ['serviceMonitor', 'intervall']), 'a misspelt nested key is caught');
  t.notOk(valuesPathExists(values, schema, ['replicas']), 'a misspelt top-level key is caught');
  t.ok(valuesPathExists(values, schema, ['podAnnotations', 'anything']), 'free-form maps accept any key');
  t.ok(valuesPathExists(values, schema, ['config', 'server', 'port']), 'config sections the schema declares are accepted');
});

t.test('values.yaml and the ci values validate against values.schema.json', async (t) => {
  const validate = compileSchema();
  for (const file of ['values.yaml', ...ciFiles()]) {
    const merged = coalesce(chartValues(), chartValues(file));
    t.ok(validate(merged), `${file} is valid: ${JSON.stringify(validate.errors)}`);
  }
});

t.test('the schema rejects wrong values with a message naming the key', async (t) => {
  const validate = compileSchema();
  const base = chartValues();
  const cases: Array<{ name: string; edit: (v: JsonObject) => void; path: RegExp }> = [
    { name: 'replicaCount as a string', edit: (v) => (v.replicaCount = 'two'), path: /replicaCount/ },
    { name: 'an unknown top-level key (a typo)', edit: (v) => (v.replicas = 3), path: /additionalProperties|replicas/ },
    { name: 'an unknown key under probes.readiness', edit: (v) => set(v, ['probes', 'readiness', 'initialDelay'], 5), path: /readiness/ },
    { name: 'a probe path without a leading slash', edit: (v) => set(v, ['probes', 'liveness', 'path'], 'api/health/liveness'), path: /liveness\/path/ },
    { name: 'containerPort out of range', edit: (v) => (v.containerPort = 70000), path: /containerPort/ },
    { name: 'a service type that does not exist', edit: (v) => set(v, ['service', 'type'], 'Ingress'), path: /service\/type/ },
    { name: 'an unknown logLevel', edit: (v) => (v.logLevel = 'verbose'), path: /logLevel/ },
    { name: 'a grace period shorter than shutdown delay + close', edit: (v) => (v.terminationGracePeriodSeconds = 10), path: /terminationGracePeriodSeconds/ },
    { name: 'a misspelt config section', edit: (v) => (v.config = { check: [] }), path: /config/ },
    { name: 'a literal detailsToken in the ConfigMap', edit: (v) => (v.config = { server: { detailsToken: 'hunter2' } }), path: /detailsToken/ },
    { name: 'a literal admin token', edit: (v) => (v.config = { server: { adminToken: 'hunter2' } }), path: /adminToken/ },
    { name: 'a literal heartbeat token', edit: (v) => (v.config = { checks: [{ name: 'nightly', type: 'heartbeat', period: '1d', token: 'abc' }] }), path: /checks\/0\/token/ },
    { name: 'a literal Slack URL (the URL is the credential)', edit: (v) => (v.config = { notifications: [{ name: 'chat', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }] }), path: /notifications\/0\/url/ },
    { name: 'a literal PagerDuty routing key', edit: (v) => (v.config = { notifications: [{ name: 'oncall', type: 'pagerduty', routingKey: 'r0ut1ng' }] }), path: /notifications\/0\/routingKey/ },
    { name: 'a literal webhook secret', edit: (v) => (v.config = { notifications: [{ name: 'hook', type: 'webhook', url: '${HOOK_URL}', secret: 's' }] }), path: /notifications\/0\/secret/ },
    { name: 'env with a bad variable name', edit: (v) => (v.env = { 'DATABASE-URL': 'x' }), path: /env/ },
    { name: 'a ServiceMonitor interval that is not a duration', edit: (v) => set(v, ['serviceMonitor', 'interval'], '30 seconds'), path: /serviceMonitor\/interval/ },
    { name: 'an image digest that is not sha256', edit: (v) => set(v, ['image', 'digest'], 'latest'), path: /image\/digest/ },
  ];
  const fine = clone(base);
  fine.config = { notifications: [
    { name: 'oncall', type: 'pagerduty', routingKey: '${PD_ROUTING_KEY}', url: 'https://events.pagerduty.com/v2/enqueue' },
    { name: 'chat', type: 'slack', url: '${SLACK_WEBHOOK_URL}' },
  ] };
  t.ok(validate(fine), `secrets as \${VAR} and PagerDuty's public URL pass: ${JSON.stringify(validate.errors)}`);
  for (const c of cases) {
    const values = clone(base);
    c.edit(values);
    t.notOk(validate(values), `${c.name} is rejected`);
    const where = (validate.errors ?? []).map((e) => `${e.instancePath} ${JSON.stringify(e.params)}`).join('; ');
    t.match(where, c.path, `${c.name}: the error names the key (${where})`);
  }
});

t.test('no secret is written into the ConfigMap by the shipped values', async (t) => {
  for (const file of ['values.yaml', ...ciFiles()]) {
    const config = chartValues(file).config ?? {};
    const leaks = stringLeaves(config).map(inlineSecret).filter((x) => x !== null);
    t.same(leaks, [], `${file}: config holds only \${VAR} references to secrets`);
  }
  // The detector must see a literal one.
  const tree: Json = { checks: [{ url: 'postgres://app:hunter2@db/app' }, { url: 'redis://:${REDIS_PASSWORD}@cache:6379' }], server: { detailsToken: 'abc' } };
  t.same(stringLeaves(tree).map(inlineSecret).filter((x) => x !== null), ['checks[0].url: URL with a literal password', 'server.detailsToken: literal token']);
});

t.test('the deployment wires probes, ports, secrets and shutdown as the service needs', async (t) => {
  const container = readText('helm/health-aggregator/templates/_container.tpl');
  const deployment = readText('helm/health-aggregator/templates/deployment.yaml');
  const values = chartValues();
  for (const probe of ['readiness', 'liveness', 'startup']) {
    t.match(container, new RegExp(`${probe}Probe:\\s+httpGet:\\s+path: \\{\\{ include "health-aggregator\\.${probe}Path" \\$ \\| quote \\}\\}\\s+port: http`), `${probe}Probe: the path helper, on the named port`);
  }
  t.match(container, /containerPort: \{\{ \.Values\.containerPort \}\}/);
  t.match(container, /- name: PORT\s+value: \{\{ \.Values\.containerPort \| quote \}\}/, 'the service is told the port the probes use');
  t.match(container, /- name: HEALTH_CONFIG\s+value: \{\{ include "health-aggregator\.configDir" \. \}\}\/health\.yml/);
  t.match(container, /secretRef:\s+name: \{\{ \. \}\}/, 'secrets come in through envFrom secretRef');
  t.match(deployment, /terminationGracePeriodSeconds: \{\{ \.Values\.terminationGracePeriodSeconds \}\}/);
  t.match(deployment, /^\{\{- include "health-aggregator\.validate" \. \}\}/, 'the render-time refusals run first');
  t.match(deployment, /checksum\/config:/, 'a config change rolls the pods');
  t.notMatch(readText('helm/health-aggregator/templates/configmap.yaml'), /\.Values\.(env|extraEnv|envFromSecrets)/, 'the ConfigMap holds only the config');

  const service = readText('helm/health-aggregator/templates/service.yaml');
  t.match(service, /targetPort: http/);
  const monitor = readText('helm/health-aggregator/templates/servicemonitor.yaml');
  t.match(monitor, /^\{\{- if \.Values\.serviceMonitor\.enabled \}\}/, 'the ServiceMonitor is opt-in');
  t.match(monitor, /- port: http\s+path: \/metrics/);

  const pod = values.podSecurityContext as JsonObject;
  const containerSecurity = values.securityContext as JsonObject;
  t.equal(pod.runAsNonRoot, true);
  t.equal(containerSecurity.runAsNonRoot, true);
  t.equal(containerSecurity.readOnlyRootFilesystem, true);
  t.equal(containerSecurity.allowPrivilegeEscalation, false);
  t.same((containerSecurity.capabilities as JsonObject).drop, ['ALL']);
  t.match(container, /name: tmp\s+mountPath: \/tmp/, 'a writable /tmp under the read-only root');

  const liveness = (values.probes as JsonObject).liveness as JsonObject;
  const readiness = (values.probes as JsonObject).readiness as JsonObject;
  t.ok((liveness.failureThreshold as number) * (liveness.periodSeconds as number) >= 30, 'liveness tolerates 30 s of failures before a restart');
  t.ok((liveness.timeoutSeconds as number) >= 3, 'liveness allows a slow answer on a busy node');
  t.ok((readiness.periodSeconds as number) <= 10, 'readiness notices a change within seconds');
});

/** Helm's merge of a values file over the defaults: mappings merge key by key, anything else replaces. */
function coalesce(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isObject(below) && isObject(value) ? coalesce(below, value) : value;
  }
  return out;
}

function set(tree: JsonObject, at: readonly string[], value: Json): void {
  let node: JsonObject = tree;
  for (const key of at.slice(0, -1)) node = node[key] as JsonObject;
  node[at[at.length - 1]!] = value;
}
