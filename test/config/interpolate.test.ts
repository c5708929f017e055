import t from 'tap';
import { interpolate } from '../../src/config/interpolate';

const env = { HOST: 'db.internal', PORT: '5432', EMPTY: '', API_TOKEN: 's3cr3t-token' };

const cases: readonly { name: string; input: string; output: string }[] = [
  { name: 'a plain string is untouched', input: 'postgres://db/app', output: 'postgres://db/app' },
  { name: 'a variable is replaced', input: '${HOST}', output: 'db.internal' },
  { name: 'several variables in one string', input: 'postgres://${HOST}:${PORT}/app', output: 'postgres://db.internal:5432/app' },
  { name: 'a set variable wins over its default', input: '${PORT:-6543}', output: '5432' },
  { name: 'an unset variable uses its default', input: '${NOPE:-fallback}', output: 'fallback' },
  { name: 'an empty variable uses its default', input: '${EMPTY:-fallback}', output: 'fallback' },
  { name: 'an empty default is allowed', input: 'x${NOPE:-}y', output: 'xy' },
  { name: 'a default may hold colons and slashes', input: '${NOPE:-redis://cache:6379/0}', output: 'redis://cache:6379/0' },
  { name: 'defaults are not interpolated again', input: '${NOPE:-$HOST}', output: '$HOST' },
  { name: '$${ is a literal ${', input: '$${HOST}', output: '${HOST}' },
  { name: 'a lone $ is left alone', input: 'price: $5 and $HOST', output: 'price: $5 and $HOST' },
  { name: 'substituted values are not interpolated again', input: '${LOOP}', output: '${HOST}' },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const result = interpolate({ key: c.input }, { ...env, LOOP: '${HOST}' });
    t.strictSame(result.problems, []);
    t.strictSame(result.value, { key: c.output });
  });
}

t.test('walks lists and mappings, leaves keys and non-strings alone', async (t) => {
  const tree = { checks: [{ name: 'db', url: '${HOST}', port: 5432, tls: true, nothing: null }], '${HOST}': 'k' };
  const result = interpolate(tree, env);
  t.strictSame(result.value, { checks: [{ name: 'db', url: 'db.internal', port: 5432, tls: true, nothing: null }], '${HOST}': 'k' });
  t.strictSame(tree.checks[0]?.url, '${HOST}', 'the input is not modified');
});

t.test('every missing variable is reported with its path, not just the first', async (t) => {
  const result = interpolate({ checks: [{ url: '${DATABASE_URL}' }, { url: '${A}:${B}' }], server: { headers: { 'x.y': '${C}' } } }, {});
  t.strictSame(result.problems, [
    'checks[0].url: environment variable DATABASE_URL is not set (use ${DATABASE_URL:-default} for a fallback)',
    'checks[1].url: environment variable A is not set (use ${A:-default} for a fallback)',
    'checks[1].url: environment variable B is not set (use ${B:-default} for a fallback)',
    'server.headers["x.y"]: environment variable C is not set (use ${C:-default} for a fallback)',
  ]);
  t.strictSame([...result.failed], ['checks[0].url', 'checks[1].url', 'server.headers["x.y"]']);
});

t.test('an empty variable with no default is an error', async (t) => {
  t.strictSame(interpolate('${EMPTY}', env).problems, [
    '(root): environment variable EMPTY is not set (use ${EMPTY:-default} for a fallback)',
  ]);
});

t.test('malformed references are errors', async (t) => {
  t.strictSame(interpolate(['${HOST', '${1X}', '${}'], env).problems, [
    '[0]: "${" is not closed by "}" (write $${ for a literal "${")',
    '[1]: "${1X}" is not a variable reference (like ${NAME} or ${NAME:-default})',
    '[2]: "${}" is not a variable reference (like ${NAME} or ${NAME:-default})',
  ]);
});

t.test('a malformed reference never echoes a password from its default', async (t) => {
  const [line] = interpolate({ url: '${BAD NAME:-postgres://u:hunter22@db/app}' }, env).problems;
  t.notMatch(line ?? '', /hunter22/);
  t.match(line ?? '', /not a variable reference/);
});

t.test('paths fed by secret-named variables are marked, so no problem echoes them', async (t) => {
  const result = interpolate({ a: '${API_TOKEN}', b: '${HOST}' }, env);
  t.strictSame([...result.secret], ['a']);
});

t.test('a "__proto__" key stays a plain key and never touches the prototype', async (t) => {
  const tree = JSON.parse('{"__proto__": {"polluted": "${HOST}"}}') as unknown;
  const result = interpolate(tree, env);
  t.strictSame(Object.keys(result.value as object), ['__proto__']);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.equal(Object.getPrototypeOf(result.value), Object.prototype);
});
