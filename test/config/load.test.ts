import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig, parseConfig } from '../../src/config';
import { packageVersion } from '../../src/config/package-version';

const dir = mkdtempSync(join(tmpdir(), 'config-load-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const failure = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

t.test('--config file wins over HEALTH_CONFIG, which wins over zero-config', async (t) => {
  const a = write('a.yml', 'service: {name: from-a}');
  const b = write('b.yml', 'service: {name: from-b}');
  const env = { HEALTH_CONFIG: b, DATABASE_URL: 'postgres://db/app' };
  t.equal(loadConfig({ file: a, env }).service.name, 'from-a');
  t.equal(loadConfig({ file: a, env }).source, a);
  t.equal(loadConfig({ env }).service.name, 'from-b');
  t.equal(loadConfig({ env }).source, b);
  t.equal(loadConfig({ env: { DATABASE_URL: 'postgres://db/app' } }).source, 'environment');
  t.equal(loadConfig({ env: { HEALTH_CONFIG: '', DATABASE_URL: 'postgres://db/app' } }).checks.length, 1, 'an empty HEALTH_CONFIG is unset');
});

t.test('file variables come from the env passed in, not from process.env', async (t) => {
  const file = write('vars.yml', 'checks: [{name: db, type: postgres, url: "${SOME_DB_URL}"}]');
  t.match(loadConfig({ file, env: { SOME_DB_URL: 'postgres://db/x' } }).checks[0], { url: 'postgres://db/x' });
});

t.test('an unreadable file is one line naming the file and the reason, no stack', async (t) => {
  const missing = join(dir, 'nope.yml');
  const error = failure(() => loadConfig({ file: missing, env: {} }));
  t.strictSame(error.problems, [`${missing}: cannot read config file (ENOENT)`]);
  t.equal(error.message, `${missing}: cannot read config file (ENOENT)`);
  t.equal(error.name, 'ConfigError');
  t.strictSame(failure(() => loadConfig({ file: dir, env: {} })).problems, [`${dir}: cannot read config file (not a regular file)`]);
  t.strictSame(failure(() => loadConfig({ env: { HEALTH_CONFIG: missing } })).problems, [`${missing}: cannot read config file (ENOENT)`]);
});

t.test('a file too large to be a config is refused without parsing it', async (t) => {
  const file = write('huge.yml', `# ${'x'.repeat(1024 * 1024)}\n`);
  t.strictSame(failure(() => loadConfig({ file, env: {} })).problems, [`${file}: config file is too large (over 1 MiB)`]);
});

t.test('a YAML bomb is refused quickly, whatever its size once expanded', async (t) => {
  // 10 levels of 10 aliases: 10^10 nodes if expanded.
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const error = failure(() => parseConfig(lines.join('\n'), {}, 'bomb.yml'));
  t.match(error.message, /too many alias expansions/);
});

t.test('merge keys and a few aliases, as people use them for shared settings, are fine', async (t) => {
  const checks = parseConfig(
    'checks:\n  - &base {name: a, type: tcp, host: h, port: 1, interval: 30s}\n  - {<<: *base, name: b}\n',
    {},
    'x',
  ).checks;
  t.strictSame(checks.map((c) => [c.name, c.interval]), [['a', 30_000], ['b', 30_000]]);
});

t.test('ConfigError lists every problem, message is the lines joined', async (t) => {
  const error = failure(() => parseConfig('server: {port: x}\ndefaults: {timeout: y}', {}, 'two.yml'));
  t.equal(error.problems.length, 2);
  t.equal(error.message, error.problems.join('\n'));
  t.equal(error.source, 'two.yml');
});

t.test('the package version is found by walking up from the module', async (t) => {
  t.match(packageVersion(), /^\d+\.\d+\.\d+/);
  t.equal(packageVersion(tmpdir()), 'unknown', 'outside the package it says so');
});
