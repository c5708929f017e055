import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, parseConfig } from '../../src/config';
import { createScrubber, redactConfig, secretsOf } from '../../src/observability/redact';
import type { Config } from '../../src/types';

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
const RANGE_2XX = Array.from({ length: 100 }, (_, i) => 200 + i);
const COMMON = {
  interval: 15_000,
  timeout: 3_000,
  failureThreshold: 2,
  successThreshold: 1,
  critical: true,
  degradedLatency: null,
  group: 'Services',
  dependsOn: [],
};

function problemsOf(text: string, env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfig(text, env, 'test.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

t.test('the contract example normalises to exactly the documented defaults', async (t) => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'config', 'valid-contract-example.yml'), 'utf8');
  const env = { DATABASE_URL: 'postgres://app:pw@db.internal:5432/app', REDIS_URL: 'redis://cache.internal:6379' };
  const config = parseConfig(text, env, 'health.yml');
  const expected: Config = {
    service: { name: 'asset-anchor-api', environment: 'production', version: '1.4.2', gitSha: 'a1b2c3d4e5f6' },
    server: {
      host: '0.0.0.0',
      port: 8080,
      basePath: '/api/health',
      detailsToken: '',
      shutdownDelay: 5_000,
      corsOrigins: ['https://status.example.com'],
      adminToken: '',
    },
    pressure: { maxEventLoopDelay: 1_000, maxHeapUsedBytes: 0, maxRssBytes: 0 },
    storage: { type: 'memory' },
    cluster: null,
    statusPage: { enabled: true, title: 'asset-anchor-api', description: '', url: '', hidden: [] },
    maintenance: [],
    notifications: [],
    checks: [
      {
        ...COMMON,
        name: 'database',
        type: 'postgres',
        url: env.DATABASE_URL,
        query: 'SELECT 1',
        degradedLatency: 500,
        displayName: 'Database',
        group: 'Core',
      },
      { ...COMMON, name: 'cache', type: 'redis', url: env.REDIS_URL, displayName: 'cache' },
      {
        ...COMMON,
        name: 'uploads',
        type: 's3',
        critical: false,
        displayName: 'uploads',
        bucket: 'asset-anchor-uploads',
        region: 'us-east-1',
        endpoint: null,
        forcePathStyle: false,
        writeProbe: false,
        probePrefix: 'health-aggregator/probe/',
        accessKeyId: null,
        secretAccessKey: null,
        sessionToken: null,
      },
      {
        ...COMMON,
        name: 'payments-api',
        type: 'http',
        critical: false,
        displayName: 'payments-api',
        url: 'https://payments.example.com/health',
        method: 'GET',
        headers: {},
        body: null,
        expectStatus: [200],
        expectBody: '"status":"ok"',
        expectJson: null,
        followRedirects: false,
        certExpiryWarning: 14,
        caFile: null,
        insecureSkipVerify: false,
        maxBodyBytes: 65_536,
      },
      {
        ...COMMON,
        name: 'jobs',
        type: 'bullmq',
        displayName: 'jobs',
        redisUrl: env.REDIS_URL,
        prefix: 'bull',
        queues: ['emails', 'reports'],
        minWorkers: 1,
        maxWaiting: 1_000,
        maxOldestWaitingAge: 300_000,
        growingFor: 1_800_000,
      },
      {
        ...COMMON,
        name: 'ledger',
        type: 'tcp',
        displayName: 'ledger',
        host: 'ledger.internal',
        port: 5_000,
        send: null,
        expect: null,
        tls: false,
      },
    ],
    source: 'health.yml',
  };
  t.strictSame(config, expected);
});

t.test('an almost empty file gets every default', async (t) => {
  const config = parseConfig('checks: []', {}, 'x.yml');
  t.strictSame(config, {
    service: { name: 'health-aggregator', environment: 'development', version: PACKAGE_VERSION, gitSha: '' },
    server: { host: '0.0.0.0', port: 8080, basePath: '/api/health', detailsToken: '', shutdownDelay: 5_000, corsOrigins: [], adminToken: '' },
    pressure: { maxEventLoopDelay: 1_000, maxHeapUsedBytes: 0, maxRssBytes: 0 },
    storage: { type: 'memory' },
    cluster: null,
    statusPage: { enabled: true, title: 'health-aggregator', description: '', url: '', hidden: [] },
    maintenance: [],
    notifications: [],
    checks: [],
    source: 'x.yml',
  });
});

t.test('statusPage: title defaults to the service name, hidden must name checks', async (t) => {
  const config = parseConfig('service: {name: api}\nstatusPage: {title: Asset Anchor status, url: https://status.example.com, hidden: [db]}\nchecks: [{name: db, type: tcp, host: h, port: 1}]', {}, 'x.yml');
  t.strictSame(config.statusPage, { enabled: true, title: 'Asset Anchor status', description: '', url: 'https://status.example.com', hidden: ['db'] });
  t.equal(parseConfig('service: {name: api}', {}, 'x.yml').statusPage.title, 'api');
  t.match(problemsOf('statusPage: {hidden: [dbb]}\nchecks: [{name: db, type: tcp, host: h, port: 1}]'), [/statusPage\.hidden\[0\]: "dbb" is not the name of a check/]);
  t.equal(parseConfig('server: {}', { HEALTH_ADMIN_TOKEN: 's3cret' }, 'x.yml').server.adminToken, 's3cret');
});

t.test('environment defaults apply when the file is silent, and the file wins when it is not', async (t) => {
  const env = {
    ENVIRONMENT: 'staging',
    NODE_ENV: 'production',
    APP_VERSION: '2.0.0',
    GIT_SHA: 'abc123',
    PORT: '9999',
    HEALTH_DETAILS_TOKEN: 'tok-from-env',
    AWS_REGION: 'eu-west-1',
  };
  const silent = parseConfig('checks: [{name: s, type: s3, bucket: uploads}]', env, 'x.yml');
  t.strictSame(silent.service, { name: 'health-aggregator', environment: 'staging', version: '2.0.0', gitSha: 'abc123' });
  t.equal(silent.server.port, 9999);
  t.equal(silent.server.detailsToken, 'tok-from-env');
  t.match(silent.checks[0], { region: 'eu-west-1' });
  t.equal(parseConfig('{}', { NODE_ENV: 'production' }, 'x').service.environment, 'production', 'NODE_ENV when ENVIRONMENT is unset');
  t.equal(parseConfig('{}', { ENVIRONMENT: '', NODE_ENV: 'test' }, 'x').service.environment, 'test', 'empty counts as unset');

  const explicit = parseConfig(
    'service: {environment: prod, version: "1.0", gitSha: ""}\nserver: {port: 8000, detailsToken: ""}\nchecks: [{name: s, type: s3, bucket: uploads, region: us-west-2}]',
    env,
    'x.yml',
  );
  t.strictSame(explicit.service, { name: 'health-aggregator', environment: 'prod', version: '1.0', gitSha: '' });
  t.equal(explicit.server.port, 8000);
  t.equal(explicit.server.detailsToken, '');
  t.match(explicit.checks[0], { region: 'us-west-2' });
});

t.test('a bad environment default is reported with the variable it came from', async (t) => {
  t.strictSame(problemsOf('checks: []', { PORT: 'http' }), ['server.port ($PORT): "http" is not a port number (1..65535)']);
  t.strictSame(problemsOf('checks: [{name: s, type: s3, bucket: uploads}]', { AWS_REGION: 'Mars 1' }), [
    'checks[0].region ($AWS_REGION): "Mars 1" is not an AWS region (like us-east-1)',
  ]);
});

t.test('defaults are inherited by every check unless it sets its own', async (t) => {
  const config = parseConfig(
    `defaults: {interval: 1m, timeout: 10s, failureThreshold: 5, successThreshold: 3, critical: false}
checks:
  - {name: a, type: redis, url: "redis://a"}
  - {name: b, type: redis, url: "redis://b", interval: 30s, timeout: 1s, failureThreshold: 1, successThreshold: 1, critical: true}
  - {name: c, type: redis, url: "redis://c", timeout: 20s}`,
    {},
    'x.yml',
  );
  const pick = (i: number) => {
    const c = config.checks[i]!;
    return [c.interval, c.timeout, c.failureThreshold, c.successThreshold, c.critical];
  };
  t.strictSame(pick(0), [60_000, 10_000, 5, 3, false]);
  t.strictSame(pick(1), [30_000, 1_000, 1, 1, true]);
  t.strictSame(pick(2), [60_000, 20_000, 5, 3, false]);
});

const normalising: readonly { name: string; yaml: string; expect: Record<string, unknown>; at?: 'server' | 'pressure' }[] = [
  { name: 'basePath gains a leading slash', yaml: 'server: {basePath: status}', expect: { basePath: '/status' }, at: 'server' },
  { name: 'basePath loses trailing slashes', yaml: 'server: {basePath: /api/health//}', expect: { basePath: '/api/health' }, at: 'server' },
  { name: 'numeric strings are numbers', yaml: 'server: {port: "8081", shutdownDelay: "2500"}', expect: { port: 8081, shutdownDelay: 2_500 }, at: 'server' },
  { name: 'sizes take units', yaml: 'pressure: {maxHeapUsedBytes: 512MiB, maxRssBytes: 1GB, maxEventLoopDelay: 0}', expect: { maxHeapUsedBytes: 512 * 1024 ** 2, maxRssBytes: 1e9, maxEventLoopDelay: 0 }, at: 'pressure' },
  { name: 'corsOrigins keep "*" and origins', yaml: 'server: {corsOrigins: ["*", "https://status.example.com/"]}', expect: { corsOrigins: ['*', 'https://status.example.com'] }, at: 'server' },
  { name: 'expectStatus "2xx" is 200..299', yaml: 'checks: [{name: h, type: http, url: "https://x", expectStatus: "2xx"}]', expect: { expectStatus: RANGE_2XX } },
  { name: 'expectStatus mixes codes and classes, sorted, no duplicates', yaml: 'checks: [{name: h, type: http, url: "https://x", expectStatus: [301, "2xx", 200, "404"]}]', expect: { expectStatus: [...RANGE_2XX, 301, 404] } },
  { name: 'expectStatus single code', yaml: 'checks: [{name: h, type: http, url: "https://x", expectStatus: 204}]', expect: { expectStatus: [204] } },
  { name: 'http method is upper-cased', yaml: 'checks: [{name: h, type: http, url: "https://x", method: head}]', expect: { method: 'HEAD' } },
  { name: 'header values given as numbers become strings', yaml: 'checks: [{name: h, type: http, url: "https://x", headers: {X-Version: 2}}]', expect: { headers: { 'X-Version': '2' } } },
  { name: 'expectJson keeps its value, null included', yaml: 'checks: [{name: h, type: http, url: "https://x", expectJson: {path: a.b, equals: null}}]', expect: { expectJson: { path: 'a.b', equals: null } } },
  { name: 'certExpiryWarning takes days or a duration', yaml: 'checks: [{name: h, type: http, url: "https://x", certExpiryWarning: 336h}]', expect: { certExpiryWarning: 14 } },
  { name: 'an empty optional string is null', yaml: 'checks: [{name: s, type: s3, bucket: b-1, endpoint: "", accessKeyId: "", secretAccessKey: ""}]', expect: { endpoint: null, accessKeyId: null, secretAccessKey: null } },
  { name: '"true"/"false" strings are booleans', yaml: 'checks: [{name: t, type: tcp, host: h, port: "25", tls: "true", critical: "false"}]', expect: { tls: true, critical: false, port: 25 } },
  { name: 'a key with nothing after it takes its default', yaml: 'checks: [{name: t, type: tcp, host: h, port: 1, group: null, dependsOn: null}]', expect: { group: 'Services', dependsOn: [] } },
  { name: 'displayName defaults to the name', yaml: 'checks: [{name: t, type: tcp, host: h, port: 1}]', expect: { displayName: 't' } },
  { name: 'bullmq optional limits stay null', yaml: 'checks: [{name: j, type: bullmq, redisUrl: "rediss://r", queues: [a]}]', expect: { maxWaiting: null, maxOldestWaitingAge: null, growingFor: null, minWorkers: 1, prefix: 'bull' } },
];

for (const c of normalising) {
  t.test(c.name, async (t) => {
    const config = parseConfig(c.yaml, {}, 'x.yml');
    const target = c.at ? config[c.at] : config.checks[0];
    t.match(target, c.expect);
    for (const [key, value] of Object.entries(c.expect)) t.strictSame((target as unknown as Record<string, unknown>)[key], value, key);
  });
}

t.test('postgres storage', async (t) => {
  const config = parseConfig('storage: {type: postgres, url: "postgresql://h/db"}', {}, 'x');
  t.strictSame(config.storage, { type: 'postgres', url: 'postgresql://h/db' });
});

t.test('dependencies that form no cycle are accepted', async (t) => {
  const config = parseConfig(
    'checks: [{name: a, type: tcp, host: h, port: 1, dependsOn: [b, c]}, {name: b, type: tcp, host: h, port: 1, dependsOn: [c]}, {name: c, type: tcp, host: h, port: 1}]',
    {},
    'x',
  );
  t.strictSame(config.checks.map((c) => c.dependsOn), [['b', 'c'], ['c'], []]);
});

const rules: readonly { name: string; yaml: string; problems: string[] }[] = [
  {
    name: 'a dependsOn on a check that has other problems is not a second problem',
    yaml: 'checks: [{name: a, type: tcp, host: h, port: 0}, {name: b, type: tcp, host: h, port: 1, dependsOn: [a]}]',
    problems: ['checks[0].port: 0 is out of range (a port number, 1..65535)'],
  },
  {
    name: 'a long cycle is named in full, starting from the check listed first',
    yaml: 'checks: [{name: x, type: tcp, host: h, port: 1}, {name: c, type: tcp, host: h, port: 1, dependsOn: [a]}, {name: a, type: tcp, host: h, port: 1, dependsOn: [b]}, {name: b, type: tcp, host: h, port: 1, dependsOn: [c]}]',
    problems: ['checks[1].dependsOn: dependency cycle: c -> a -> b -> c'],
  },
  {
    name: 'a dependency listed twice',
    yaml: 'checks: [{name: a, type: tcp, host: h, port: 1}, {name: b, type: tcp, host: h, port: 1, dependsOn: [a, a]}]',
    problems: ['checks[1].dependsOn[1]: "a" is listed twice'],
  },
  {
    name: 'durations past what a timer can hold',
    yaml: 'defaults: {interval: 25d}',
    problems: ['defaults.interval: "25d" is too long (at most 24d)'],
  },
  {
    name: 'a long found value is shortened',
    yaml: `checks: [{name: a, type: tcp, host: h, port: "${'9'.repeat(100)}x"}]`,
    problems: [`checks[0].port: "${'9'.repeat(80)}..." is not a port number (1..65535)`],
  },
  {
    name: 'a missing variable is reported once, not again as a bad value',
    yaml: 'checks: [{name: a, type: postgres, url: "${NOPE}"}]',
    problems: ['checks[0].url: environment variable NOPE is not set (use ${NOPE:-default} for a fallback)'],
  },
];

for (const c of rules) {
  t.test(c.name, async (t) => {
    t.strictSame(problemsOf(c.yaml), c.problems);
  });
}

t.test('server.adminToken is a secret: scrubbed from free text and redacted in validate output', async (t) => {
  const config = parseConfig('server: {adminToken: canary-admin-token}', {}, 'x.yml');
  t.ok(secretsOf(config).includes('canary-admin-token'), 'the log scrubber is given it');
  t.notMatch(createScrubber(secretsOf(config))('driver said: canary-admin-token'), /canary/);
  t.notMatch(JSON.stringify(redactConfig(config)), /canary/);
});

t.test("a heartbeat's own timeout is checked against the interval it resolves to (its 250 ms default, not defaults.interval)", async (t) => {
  const hb = (extra: string) => `checks:\n  - {name: job, type: heartbeat, period: 1h, token: tok-1234${extra}}`;
  t.match(problemsOf(hb(', timeout: 1s')), [/checks\[0\]\.timeout: 1s is not shorter than the interval \(250ms, the heartbeat default\)/]);
  t.same(problemsOf(hb(', timeout: 1s, interval: 2s')), [], 'with its own longer interval it is fine');
  t.same(problemsOf(hb('')), [], 'the derived timeout is always shorter');
});
