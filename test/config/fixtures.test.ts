/**
 * The bad-config corpus: every test/fixtures/config/invalid-*.yml must fail
 * with exactly the lines of its .expected file, and every valid-*.yml must
 * parse. FIXTURE_ENV holds canary secrets that no problem line may contain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, parseConfig } from '../../src/config';

/** The environment every fixture is parsed with: canary secrets that no problem line may contain. */
const FIXTURE_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://app:canary-pw-db@db.internal:5432/app',
  REDIS_URL: 'redis://:canary-pw-redis@cache.internal:6379',
  S3_ENDPOINT: 'http://s3.internal:9000',
  HEALTH_DETAILS_TOKEN: 'canary-token-env',
  DB_PASSWORD: 'canary-pw-env-1',
  LEDGER_API_KEY: 'canary-pw-env-2',
};

const dir = join(__dirname, '..', 'fixtures', 'config');
const files = readdirSync(dir).sort();
const invalid = files.filter((f) => f.startsWith('invalid-') && f.endsWith('.yml'));
const valid = files.filter((f) => f.startsWith('valid-') && f.endsWith('.yml'));

t.ok(invalid.length >= 30, `the corpus holds at least 30 bad configs (has ${invalid.length})`);
t.ok(valid.length >= 3, 'the corpus holds valid configs too');

for (const file of invalid) {
  t.test(file, async (t) => {
    const expected = readFileSync(join(dir, file.replace(/\.yml$/, '.expected')), 'utf8').trimEnd().split('\n');
    const text = readFileSync(join(dir, file), 'utf8');
    const error = t.throws(() => parseConfig(text, FIXTURE_ENV, file)) as unknown;
    t.type(error, ConfigError);
    if (!(error instanceof ConfigError)) return;
    t.strictSame(error.problems, expected, 'exactly the expected problem lines');
    t.equal(error.message, expected.join('\n'));
    t.equal(error.source, file);
    t.notMatch(error.message, /canary/, 'no secret is echoed');
    t.notMatch(error.message, /\n\s+at /, 'no stack trace in the message');
  });
}

for (const file of valid) {
  t.test(file, async (t) => {
    const config = parseConfig(readFileSync(join(dir, file), 'utf8'), FIXTURE_ENV, file);
    t.equal(config.source, file);
  });
}
