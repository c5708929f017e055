/**
 * `serve` writes nothing but JSON log lines at start, on stdout and stderr,
 * on whatever Node runs the suite (20.19+ or 24): no AWS SDK
 * NodeVersionSupportWarning, no deprecation notice, no stray console text.
 * An s3 check is configured so the SDK client is really built.
 */
import t from 'tap';
import { eventually } from '../support/app';
import { freePort } from '../support/ports';
import { runCli } from '../support/service';

async function serveWithS3(env: Record<string, string> = {}) {
  const port = await freePort();
  const closed = await freePort();
  const yaml = [
    'server: {shutdownDelay: 0}',
    'checks:',
    `  - {name: uploads, type: s3, bucket: uploads, endpoint: "http://127.0.0.1:${closed}", forcePathStyle: true, critical: false, interval: 1s, timeout: 500ms}`,
    `  - {name: ledger, type: tcp, host: 127.0.0.1, port: ${closed}, critical: false, interval: 1s, timeout: 500ms}`,
  ].join('\n');
  // The AWS credentials keep the SDK from searching ~/.aws; nothing else is inherited.
  const svc = runCli(['serve'], { yaml, env: { PORT: String(port), AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'us-east-1', ...env } });
  await eventually(() => svc.stdout().includes('health-aggregator listening') || svc.child.exitCode !== null, 'the service to listen');
  // Past the first probes (the SDK's client is built and used by then).
  await eventually(() => svc.stdout().includes('check uploads is') || svc.child.exitCode !== null, 'the s3 check\'s first result');
  await new Promise((r) => setTimeout(r, 1500));
  return svc;
}

const major = Number(process.versions.node.split('.')[0]);

t.test('control: with the SDK\'s notice allowed, this test would see it (on Node < 22)', async (t) => {
  const svc = await serveWithS3({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
  t.teardown(() => svc.cleanup());
  if (major < 22) t.match(svc.stderr(), /NodeVersionSupportWarning/, `Node ${process.version}: the SDK prints it`);
  else t.equal(svc.stderr(), '', `Node ${process.version}: the SDK has nothing to say`);
});

t.test('serve prints only JSON lines while starting and probing', async (t) => {
  const svc = await serveWithS3();
  t.teardown(() => svc.cleanup());
  t.equal(svc.child.exitCode, null, 'still running');
  t.equal(svc.stderr(), '', 'nothing on stderr');
  const lines = svc.stdout().split('\n').filter((l) => l !== '');
  t.ok(lines.length >= 2, `${lines.length} lines on stdout`);
  const stray = lines.filter((l) => {
    try {
      const parsed: unknown = JSON.parse(l);
      return parsed === null || typeof parsed !== 'object' || !('level' in parsed) || !('message' in parsed);
    } catch {
      return true;
    }
  });
  t.same(stray, [], 'every stdout line is a JSON log line');
  t.notMatch(svc.stdout(), /NodeVersionSupportWarning|DeprecationWarning|ExperimentalWarning/, 'no runtime warning inside the log either');
});
