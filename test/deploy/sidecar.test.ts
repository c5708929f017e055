/**
 * mode: sidecar, rendered by helm and asked of the real app: the
 * application container is ready only while its dependencies are (the
 * sidecar's dependency-aware readiness), while the sidecar's own readiness
 * (?self) stays up, so the pod keeps serving /api/health and the status page.
 */
import t from 'tap';
import { eventually, startApp } from '../support/app';
import { CHART, type JsonObject } from './files';
import { get, one, render } from './helm';

const docs = render(['-f', `${CHART}/ci/sidecar-values.yaml`]);
const pod = get(one(docs, 'Deployment'), 'spec', 'template', 'spec');
const sidecar = get(pod, 'initContainers', 0) as JsonObject;
const app = get(pod, 'containers', 0) as JsonObject;

t.test('the sidecar is a native sidecar beside the application container', async (t) => {
  t.equal(sidecar.name, 'health-aggregator');
  t.equal(sidecar.restartPolicy, 'Always', 'restartPolicy Always: started before the app, stopped after it');
  t.equal((pod.containers as JsonObject[]).length, 1, 'the application is the pod\'s only main container');
  t.equal(app.name, 'api');
  t.same(get(one(docs, 'Service'), 'spec', 'ports').map((p: JsonObject) => p.name), ['http', 'app'], 'the Service exposes the app and the sidecar');
});

t.test('the application\'s readiness is the dependency-aware route on the sidecar\'s port', async (t) => {
  const httpGet = get(app, 'readinessProbe', 'httpGet');
  t.equal(httpGet.path, '/api/health/readiness');
  t.equal(httpGet.port, get(sidecar, 'ports', 0, 'containerPort'), 'the sidecar\'s port (probes reach any port of the pod)');
  t.equal(get(sidecar, 'readinessProbe', 'httpGet', 'path'), '/api/health/readiness?self', 'the sidecar itself stays ?self');
});

t.test('asked of the real app: a critical dependency down makes the app unready and leaves the sidecar ready', async (t) => {
  // A critical tcp check against a closed port: in error after its first probe.
  const running = await startApp('checks:\n  - {name: database, type: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, failureThreshold: 1}\n');
  t.teardown(() => running.close());
  const ask = async (path: string) => (await running.app.inject({ url: path })).statusCode;
  // Not just 503 (that is also "starting"): the check's first result, in error.
  await eventually(async () => (await running.app.inject({ url: '/api/health/readiness' })).body.includes('"failing":["database"]'), 'the database check in error');
  t.equal(await ask(get(app, 'readinessProbe', 'httpGet', 'path')), 503, 'application container: unready, out of the Service');
  // Needs the readiness?self route (CONTRACT §4.3) from the cluster work.
  t.equal(await ask(get(sidecar, 'readinessProbe', 'httpGet', 'path')), 200, 'sidecar: ready, still serving the outage it reports');
});
