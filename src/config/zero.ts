/**
 * Zero-config (CONTRACT §3.4): with no file, checks come from conventional
 * variables. This builds the document a file would hold and lets the same
 * schema validate it, so a bad value gets the same precise problem line,
 * labelled with the variable it came from.
 *
 * - DATABASE_URL  -> postgres check `database`
 * - REDIS_URL     -> redis check `cache`
 * - S3_BUCKET     -> s3 check `storage` (S3_ENDPOINT: endpoint, with path-style
 *                    addressing as S3-compatible servers need; AWS_REGION: region)
 * - BULLMQ_QUEUES -> bullmq check `jobs` on REDIS_URL (comma-separated names)
 * Server and service settings come from the schema's environment defaults
 * ($PORT, $HEALTH_DETAILS_TOKEN, $ENVIRONMENT, ...).
 */
import type { Env } from './interpolate';
import type { Provenance } from './problems';

export interface ZeroDocument {
  /** The document, as if read from a file. */
  readonly doc: Record<string, unknown>;
  /** Problems that exist only without a file (a variable that needs another one). */
  readonly problems: string[];
}

const set = (env: Env, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

/** Builds the zero-config document from `env`, recording which variable fed which path. */
export function zeroConfigDocument(env: Env, provenance: Provenance): ZeroDocument {
  const checks: Record<string, unknown>[] = [];
  const problems: string[] = [];
  const add = (check: Record<string, unknown>, from: Record<string, string>) => {
    for (const [key, name] of Object.entries(from)) provenance.fromEnv.set(`checks[${checks.length}].${key}`, name);
    checks.push(check);
  };
  const databaseUrl = set(env, 'DATABASE_URL');
  const redisUrl = set(env, 'REDIS_URL');
  const bucket = set(env, 'S3_BUCKET');
  const endpoint = set(env, 'S3_ENDPOINT');
  const queues = set(env, 'BULLMQ_QUEUES');
  if (databaseUrl !== undefined) add({ name: 'database', type: 'postgres', url: databaseUrl }, { url: 'DATABASE_URL' });
  if (redisUrl !== undefined) add({ name: 'cache', type: 'redis', url: redisUrl }, { url: 'REDIS_URL' });
  if (bucket !== undefined) {
    // Region is left to the schema's $AWS_REGION default.
    const s3: Record<string, unknown> = { name: 'storage', type: 's3', bucket };
    if (endpoint !== undefined) Object.assign(s3, { endpoint, forcePathStyle: true });
    add(s3, { bucket: 'S3_BUCKET', endpoint: 'S3_ENDPOINT' });
  } else if (endpoint !== undefined) {
    problems.push('S3_ENDPOINT: set, but S3_BUCKET is not (the s3 check needs a bucket)');
  }
  if (queues !== undefined) {
    const names = queues.split(',').map((q) => q.trim()).filter((q) => q !== '');
    if (redisUrl === undefined) problems.push('BULLMQ_QUEUES: set, but REDIS_URL is not (the bullmq check needs it)');
    else add({ name: 'jobs', type: 'bullmq', redisUrl, queues: names }, { redisUrl: 'REDIS_URL', queues: 'BULLMQ_QUEUES' });
  }
  return { doc: { checks }, problems };
}
