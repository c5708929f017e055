/** The environment every config fixture is parsed with. */
export const FIXTURE_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://app:canary-pw-db@db.internal:5432/app',
  REDIS_URL: 'redis://:canary-pw-redis@cache.internal:6379',
  S3_ENDPOINT: 'http://s3.internal:9000',
  HEALTH_DETAILS_TOKEN: 'canary-token-env',
  DB_PASSWORD: 'canary-pw-env-1',
  LEDGER_API_KEY: 'canary-pw-env-2',
};
