import t from 'tap';
import { ConfigError, loadConfig, zeroConfig } from '../../src/config';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    zeroConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

t.test('with none of the variables set there are zero checks, and the service still has a config', async (t) => {
  const config = loadConfig({ env: { PATH: '/usr/bin', HOME: '/root' } });
  t.strictSame(config.checks, []);
  t.equal(config.source, 'environment');
  t.equal(config.server.port, 8080);
  t.strictSame(config.storage, { type: 'memory' });
});

t.test('empty variables count as unset', async (t) => {
  t.strictSame(zeroConfig({ DATABASE_URL: '', REDIS_URL: '', S3_BUCKET: '', BULLMQ_QUEUES: '' }).checks, []);
});

t.test('DATABASE_URL -> postgres check "database" with every default', async (t) => {
  const [check, ...rest] = zeroConfig({ DATABASE_URL: 'postgres://app:pw@db.internal:5432/app' }).checks;
  t.strictSame(rest, []);
  t.strictSame(check, {
    name: 'database',
    type: 'postgres',
    url: 'postgres://app:pw@db.internal:5432/app',
    query: 'SELECT 1',
    interval: 15_000,
    timeout: 3_000,
    failureThreshold: 2,
    successThreshold: 1,
    critical: true,
    degradedLatency: null,
    displayName: 'database',
    group: 'Services',
    dependsOn: [],
  });
});

t.test('REDIS_URL -> redis check "cache"', async (t) => {
  const checks = zeroConfig({ REDIS_URL: 'rediss://cache.internal:6380' }).checks;
  t.strictSame(checks.map((c) => [c.name, c.type]), [['cache', 'redis']]);
  t.match(checks[0], { url: 'rediss://cache.internal:6380' });
});

t.test('S3_BUCKET -> s3 check "storage" on AWS, region from AWS_REGION', async (t) => {
  const [check] = zeroConfig({ S3_BUCKET: 'uploads', AWS_REGION: 'eu-central-1' }).checks;
  t.match(check, { name: 'storage', type: 's3', bucket: 'uploads', region: 'eu-central-1', endpoint: null, forcePathStyle: false });
  t.match(zeroConfig({ S3_BUCKET: 'uploads' }).checks[0], { region: 'us-east-1' });
});

t.test('S3_ENDPOINT makes the s3 check address an S3-compatible server path-style', async (t) => {
  const [check] = zeroConfig({ S3_BUCKET: 'uploads', S3_ENDPOINT: 'http://minio.internal:9000' }).checks;
  t.match(check, { endpoint: 'http://minio.internal:9000', forcePathStyle: true });
});

t.test('BULLMQ_QUEUES with REDIS_URL -> bullmq check "jobs"', async (t) => {
  const checks = zeroConfig({ REDIS_URL: 'redis://cache:6379', BULLMQ_QUEUES: 'emails, reports,,' }).checks;
  t.strictSame(checks.map((c) => c.name), ['cache', 'jobs']);
  t.match(checks[1], { type: 'bullmq', redisUrl: 'redis://cache:6379', queues: ['emails', 'reports'], prefix: 'bull' });
});

t.test('every variable at once, in a stable order', async (t) => {
  const config = zeroConfig({
    DATABASE_URL: 'postgres://db/app',
    REDIS_URL: 'redis://cache',
    S3_BUCKET: 'uploads',
    BULLMQ_QUEUES: 'emails',
    HEALTH_DETAILS_TOKEN: 'details-token',
    PORT: '3000',
  });
  t.strictSame(config.checks.map((c) => `${c.name}:${c.type}`), ['database:postgres', 'cache:redis', 'storage:s3', 'jobs:bullmq']);
  t.equal(config.server.detailsToken, 'details-token');
  t.equal(config.server.port, 3000);
});

const bad: readonly { name: string; env: Record<string, string>; problems: string[] }[] = [
  {
    name: 'a DATABASE_URL of the wrong kind names the variable, without its password',
    env: { DATABASE_URL: 'mysql://app:hunter2@db/app' },
    problems: ['checks[0].url ($DATABASE_URL): "mysql://app:***@db/app" is not a PostgreSQL URL (postgres:// or postgresql://)'],
  },
  {
    name: 'a REDIS_URL without a scheme',
    env: { REDIS_URL: 'cache.internal:6379' },
    problems: ['checks[0].url ($REDIS_URL): "cache.internal:6379" is not a Redis URL (redis:// or rediss://)'],
  },
  {
    name: 'a bucket name S3 would reject',
    env: { S3_BUCKET: 'My_Bucket' },
    problems: [
      'checks[0].bucket ($S3_BUCKET): "My_Bucket" is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)',
    ],
  },
  {
    name: 'an endpoint without a scheme',
    env: { S3_BUCKET: 'uploads', S3_ENDPOINT: 'minio:9000' },
    problems: ['checks[0].endpoint ($S3_ENDPOINT): "minio:9000" is not an HTTP URL (http:// or https://)'],
  },
  {
    name: 'S3_ENDPOINT alone',
    env: { S3_ENDPOINT: 'http://minio:9000' },
    problems: ['S3_ENDPOINT: set, but S3_BUCKET is not (the s3 check needs a bucket)'],
  },
  {
    name: 'BULLMQ_QUEUES without REDIS_URL',
    env: { BULLMQ_QUEUES: 'emails' },
    problems: ['BULLMQ_QUEUES: set, but REDIS_URL is not (the bullmq check needs it)'],
  },
  {
    name: 'BULLMQ_QUEUES with no names in it',
    env: { REDIS_URL: 'redis://cache', BULLMQ_QUEUES: ' , ' },
    problems: ['checks[1].queues ($BULLMQ_QUEUES): [] is empty (list at least one queue name)'],
  },
  {
    name: 'several bad variables at once',
    env: { DATABASE_URL: 'db', PORT: '99999', AWS_REGION: 'x y', S3_BUCKET: 'ok-bucket' },
    problems: [
      'server.port ($PORT): "99999" is out of range (a port number, 1..65535)',
      'checks[0].url ($DATABASE_URL): "db" is not a PostgreSQL URL (postgres:// or postgresql://)',
      'checks[1].region ($AWS_REGION): "x y" is not an AWS region (like us-east-1)',
    ],
  },
];

for (const c of bad) {
  t.test(c.name, async (t) => {
    t.strictSame(problemsOf(c.env), c.problems);
  });
}
