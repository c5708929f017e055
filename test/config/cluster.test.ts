/** The cluster section: defaults, $HEALTH_CLUSTER_URL, the storage it implies, and its password kept secret. */
import os from 'node:os';
import t from 'tap';
import { parseConfig, zeroConfig } from '../../src/config';
import { redactConfig, secretsOf } from '../../src/observability/redact';

const URL = 'postgres://health:canary-cluster-pw@db.internal:5432/health';

t.test('a cluster with only a url gets every documented default', async (t) => {
  const config = parseConfig(`cluster:\n  url: ${URL}\n`, {}, 'test.yml');
  t.strictSame(config.cluster, { url: URL, mode: 'shard', quorum: null, location: os.hostname(), leaseTime: 10_000 });
  t.strictSame(config.storage, { type: 'postgres', url: URL }, 'history defaults to the cluster database');
});

t.test('every key set explicitly is kept', async (t) => {
  const yaml = `cluster:\n  url: ${URL}\n  mode: quorum\n  quorum: 2\n  location: eu-west-1a\n  leaseTime: 3s\n`;
  t.strictSame(parseConfig(yaml, {}, 'test.yml').cluster, { url: URL, mode: 'quorum', quorum: 2, location: 'eu-west-1a', leaseTime: 3_000 });
});

t.test('an empty location or quorum (as ${VAR:-} gives) means the default', async (t) => {
  const yaml = 'cluster:\n  url: ${HEALTH_CLUSTER_URL}\n  location: ${ZONE:-}\n  quorum: ${QUORUM:-}\n';
  const config = parseConfig(yaml, { HEALTH_CLUSTER_URL: URL }, 'test.yml');
  t.equal(config.cluster?.location, os.hostname());
  t.equal(config.cluster?.quorum, null);
});

t.test('an explicit storage section wins over the cluster default', async (t) => {
  const memory = parseConfig(`cluster:\n  url: ${URL}\nstorage:\n  type: memory\n`, {}, 'test.yml');
  t.strictSame(memory.storage, { type: 'memory' });
  const other = parseConfig(`cluster:\n  url: ${URL}\nstorage:\n  type: postgres\n  url: postgres://db2.internal/h\n`, {}, 'test.yml');
  t.strictSame(other.storage, { type: 'postgres', url: 'postgres://db2.internal/h' });
});

t.test('$HEALTH_CLUSTER_URL turns clustering on, with a file or without one', async (t) => {
  t.equal(parseConfig('checks: []\n', { HEALTH_CLUSTER_URL: URL }, 'test.yml').cluster?.url, URL);
  t.equal(zeroConfig({ HEALTH_CLUSTER_URL: URL }).cluster?.url, URL);
  t.equal(parseConfig('checks: []\n', {}, 'test.yml').cluster, null, 'absent without it');
  const fileWins = parseConfig('cluster:\n  url: postgres://file.internal/h\n', { HEALTH_CLUSTER_URL: URL }, 'test.yml');
  t.equal(fileWins.cluster?.url, 'postgres://file.internal/h');
});

t.test('a bad $HEALTH_CLUSTER_URL is named by its variable and not echoed with its password', async (t) => {
  const error = t.throws(() => zeroConfig({ HEALTH_CLUSTER_URL: 'mysql://u:canary-cluster-pw@db/x' })) as Error;
  t.match(error.message, /cluster\.url \(\$HEALTH_CLUSTER_URL\): .* is not a PostgreSQL URL/);
  t.notMatch(error.message, /canary/);
});

t.test('the cluster password is a secret: scrubbed from text, redacted in validate output', async (t) => {
  const config = parseConfig(`cluster:\n  url: ${URL}\n`, {}, 'test.yml');
  t.ok(secretsOf(config).includes('canary-cluster-pw'));
  t.notMatch(JSON.stringify(redactConfig(config)), /canary/);
});
