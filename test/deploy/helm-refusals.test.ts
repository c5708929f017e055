/**
 * Values that helm would render and that would then break the pod, a
 * rollout or a node drain: the chart refuses each at render time, and the
 * message names the value and what to do. Each case has a near miss that
 * renders, so a refusal that fires on everything would fail here too.
 */
import t from 'tap';
import { IMAGE, helm, render } from './helm';
import { CHART } from './files';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly error: RegExp;
  /** Values just inside the rule: must render. */
  readonly fine: readonly string[];
}

const cases: Case[] = [
  { name: 'no image repository (none is published)', args: [], error: /image\.repository is required: no public image/, fine: IMAGE },
  {
    name: 'a grace period shorter than shutdownDelay + 10 s',
    args: ['--set', 'config.server.shutdownDelay=60s', '--set', 'terminationGracePeriodSeconds=30'],
    error: /terminationGracePeriodSeconds \(30\) must be at least config\.server\.shutdownDelay \(60000 ms\) \+ 10 s .* = 70 s/,
    fine: ['--set', 'config.server.shutdownDelay=60s', '--set', 'terminationGracePeriodSeconds=70'],
  },
  {
    name: 'the same with shutdownDelay in milliseconds',
    args: ['--set', 'config.server.shutdownDelay=25000', '--set', 'terminationGracePeriodSeconds=34'],
    error: /at least .* = 35 s/,
    fine: ['--set', 'config.server.shutdownDelay=25000', '--set', 'terminationGracePeriodSeconds=35'],
  },
  {
    name: 'the default shutdownDelay (5 s) against a 12 s grace',
    args: ['--set', 'terminationGracePeriodSeconds=12'],
    error: /\(5000 ms\) \+ 10 s .* = 15 s/,
    fine: ['--set', 'terminationGracePeriodSeconds=15'],
  },
  { name: 'basePath "/" (the service refuses the root)', args: ['--set', 'config.server.basePath=/'], error: /basePath "\/": the service refuses the root path/, fine: ['--set', 'config.server.basePath=/health'] },
  { name: 'a basePath with characters the service refuses', args: ['--set', 'config.server.basePath=/api/he alth'], error: /is not a path the service accepts/, fine: ['--set', 'config.server.basePath=/api/health_v2'] },
  { name: 'a config port other than containerPort', args: ['--set', 'config.server.port=9090'], error: /differs from containerPort/, fine: ['--set', 'config.server.port=8080'] },
  {
    name: 'two checks with one name',
    args: ['--set-json', 'config.checks=[{"name":"db","type":"tcp","host":"a","port":1},{"name":"db","type":"tcp","host":"b","port":2}]'],
    error: /config\.checks\[1\]\.name "db" is also config\.checks\[0\]\.name/,
    fine: ['--set-json', 'config.checks=[{"name":"db","type":"tcp","host":"a","port":1},{"name":"db2","type":"tcp","host":"b","port":2}]'],
  },
  { name: 'a probe path the service does not answer', args: ['--set', 'probes.liveness.path=/healthz'], error: /probes\.liveness\.path \/healthz is not a route the service answers/, fine: ['--set', 'probes.liveness.path=/metrics'] },
  { name: 'a probe path outside a custom basePath', args: ['--set', 'config.server.basePath=/hc', '--set', 'probes.readiness.path=/api/health/readiness'], error: /not a route the service answers: it must be under config\.server\.basePath \(\/hc\)/, fine: ['--set', 'config.server.basePath=/hc'] },
  { name: 'PORT in extraEnv', args: ['--set', 'extraEnv[0].name=PORT', '--set', 'extraEnv[0].value=9000'], error: /extraEnv\[0\]\.name PORT is set by the chart: set containerPort instead/, fine: ['--set', 'extraEnv[0].name=GIT_SHA', '--set', 'extraEnv[0].value=abc'] },
  { name: 'HEALTH_CONFIG in env', args: ['--set', 'env.HEALTH_CONFIG=/x.yml'], error: /env\.HEALTH_CONFIG is set by the chart/, fine: ['--set', 'env.APP_VERSION=1.2.3'] },
  { name: 'HEALTH_CLUSTER_URL in extraEnv', args: ['--set', 'extraEnv[0].name=HEALTH_CLUSTER_URL', '--set', 'extraEnv[0].value=postgres://x'], error: /cluster\.enabled with cluster\.existingSecret/, fine: ['--set', 'cluster.enabled=true', '--set', 'cluster.existingSecret=s'] },
  { name: 'cluster.enabled without a Secret', args: ['--set', 'cluster.enabled=true'], error: /cluster\.enabled needs cluster\.existingSecret/, fine: ['--set', 'cluster.enabled=true', '--set', 'cluster.existingSecret=s'] },
  { name: 'config.cluster without cluster.enabled', args: ['--set', 'config.cluster.mode=quorum'], error: /config\.cluster is set but cluster\.enabled is false/, fine: ['--set', 'config.cluster.mode=quorum', '--set', 'cluster.enabled=true', '--set', 'cluster.existingSecret=s'] },
  { name: 'autoscaling without a cluster', args: ['--set', 'autoscaling.enabled=true'], error: /autoscaling\.enabled needs cluster\.enabled/, fine: ['--set', 'autoscaling.enabled=true', '--set', 'cluster.enabled=true', '--set', 'cluster.existingSecret=s'] },
  { name: 'a PDB with maxUnavailable 0', args: ['--set', 'podDisruptionBudget.maxUnavailable=0'], error: /maxUnavailable 0 blocks every node drain/, fine: ['--set', 'podDisruptionBudget.maxUnavailable=1'] },
  { name: 'a PDB with maxUnavailable 0%', args: ['--set', 'podDisruptionBudget.maxUnavailable=0%'], error: /maxUnavailable 0 blocks every node drain/, fine: ['--set', 'podDisruptionBudget.maxUnavailable=50%'] },
  { name: 'a PDB whose minAvailable is every replica', args: ['--set', 'podDisruptionBudget.minAvailable=2'], error: /minAvailable \(2\) is not below replicaCount \(2\)/, fine: ['--set', 'podDisruptionBudget.minAvailable=1'] },
  { name: 'sidecar mode without an application container', args: ['--set', 'mode=sidecar'], error: /mode sidecar needs application\.container/, fine: ['--set', 'mode=sidecar', '--set', 'application.container.name=api', '--set', 'application.container.image=api:1'] },
  {
    name: 'a NetworkPolicy in sidecar mode (it would cut the application\'s traffic)',
    args: ['--set', 'mode=sidecar', '--set', 'application.container.name=api', '--set', 'application.container.image=api:1', '--set', 'networkPolicy.enabled=true'],
    error: /networkPolicy\.enabled is for mode standalone/,
    fine: ['--set', 'networkPolicy.enabled=true'],
  },
  {
    name: 'sidecar mode on a cluster older than native sidecars (1.29)',
    args: ['--kube-version', '1.28.9', '--set', 'mode=sidecar', '--set', 'application.container.name=api', '--set', 'application.container.image=api:1'],
    error: /mode sidecar needs Kubernetes 1\.29 or later .* this cluster is v1\.28\.9/,
    fine: ['--kube-version', '1.28.9'],
  },
  { name: 'an HTTPRoute without a Gateway', args: ['--set', 'httpRoute.enabled=true'], error: /httpRoute\.enabled needs httpRoute\.parentRefs/, fine: ['--set', 'httpRoute.enabled=true', '--set', 'httpRoute.parentRefs[0].name=gw'] },
  { name: 'a misspelt top-level value', args: ['--set', 'replicas=3'], error: /replicas/, fine: ['--set', 'replicaCount=3'] },
  { name: 'a literal details token in the ConfigMap', args: ['--set', 'config.server.detailsToken=abc'], error: /detailsToken/, fine: ['--set', 'config.server.detailsToken=${HEALTH_DETAILS_TOKEN}'] },
  { name: 'a literal admin token in the ConfigMap', args: ['--set', 'config.server.adminToken=abc'], error: /adminToken/, fine: ['--set', 'config.server.adminToken=${HEALTH_ADMIN_TOKEN:-}'] },
];

for (const c of cases) {
  t.test(`refused: ${c.name}`, async (t) => {
    const withImage = c.args.length === 0 ? c.args : [...IMAGE, ...c.args];
    const r = helm(['template', 'rel', CHART, ...withImage]);
    t.not(r.code, 0, 'helm template fails');
    t.match(r.err, c.error, `and says why: ${r.err.trim()}`);
    t.doesNotThrow(() => render([...IMAGE, ...c.fine]), `the near miss renders: ${c.fine.join(' ')}`);
  });
}
