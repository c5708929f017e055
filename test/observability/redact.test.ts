import t from 'tap';
import { createScrubber, isSecretName, redactConfig, redactUrl } from '../../src/observability/redact';
import type { Config } from '../../src/types';

const urlCases = [
  ['postgres://app:hunter2@db.internal:5432/app', 'postgres://app:***@db.internal:5432/app'],
  ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
  ['redis://default:p@ss@cache:6379/0', 'redis://default:***@cache:6379/0'],
  ['https://api.example.com/health?token=abc123&x=1', 'https://api.example.com/health?token=***&x=1'],
  ['https://api.example.com/health', 'https://api.example.com/health'],
  ['postgres://app@db/app', 'postgres://app@db/app'],
  ['not a url', 'not a url'],
] as const;
for (const [input, want] of urlCases) {
  t.test(`redactUrl(${input})`, async (t) => t.equal(redactUrl(input), want));
}

t.test('secret names', async (t) => {
  for (const n of ['Authorization', 'cookie', 'X-Api-Key', 'api_key', 'token', 'detailsToken', 'secretAccessKey', 'password', 'sessionToken', 'accessKeyId'])
    t.ok(isSecretName(n), `${n} is secret`);
  for (const n of ['X-Trace', 'Accept', 'url', 'bucket', 'keyword', 'monkey-business'])
    t.notOk(isSecretName(n), `${n} is not`);
});

t.test('the scrubber removes configured secrets and any URL credentials from free text', async (t) => {
  const scrub = createScrubber(['hunter2secret', 'tok-abcdef']);
  t.equal(
    scrub('connect to postgres://u:other@h/d failed (password hunter2secret, token tok-abcdef)'),
    'connect to postgres://u:***@h/d failed (password ***, token ***)',
  );
  t.equal(createScrubber([])('nothing here'), 'nothing here');
  t.equal(createScrubber(['a.b*c'])('x a.b*c y'), 'x *** y', 'secrets are matched literally, not as regexes');
});

t.test('redactConfig replaces secrets wherever they stand', async (t) => {
  const config = {
    server: { detailsToken: 'tok-1234', detailsTokenEmpty: '' },
    checks: [
      { name: 'db', url: 'postgres://u:pw1234@h/d' },
      { name: 'api', headers: { Authorization: 'Bearer abcd1234', 'X-Trace': 'visible' } },
      { name: 's3', accessKeyId: 'AKIA1234', secretAccessKey: 'wJalr1234', bucket: 'b' },
    ],
  } as unknown as Config;
  const out = JSON.stringify(redactConfig(config));
  for (const s of ['tok-1234', 'pw1234', 'abcd1234', 'AKIA1234', 'wJalr1234']) t.notMatch(out, s);
  t.match(out, '"X-Trace":"visible"');
  t.match(out, '"detailsTokenEmpty":""', 'an empty secret stays visibly empty');
  t.match(out, 'postgres://u:***@h/d');
});
