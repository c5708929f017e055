import t from 'tap';
import { maskDeep, maskPii } from '../../src/observability/mask';

interface Case {
  readonly name: string;
  readonly input: string;
  /** Expected output; absent means "left exactly as it was". */
  readonly want?: string;
}

const masked: Case[] = [
  // emails
  { name: 'an email keeps its first letter and domain', input: 'john.doe@example.com', want: 'j*****@example.com' },
  { name: 'an email inside a sentence', input: 'sent to Jane_Roe+tag@mail.example.co.uk.', want: 'sent to J*****@mail.example.co.uk.' },
  { name: 'an email in quotes', input: 'user="bob@corp.io"', want: 'user="b*****@corp.io"' },
  { name: 'two emails', input: 'a@x.com, bb@y.org', want: 'a*****@x.com, b*****@y.org' },
  { name: 'a mailto link', input: 'mailto:ops@example.com', want: 'mailto:o*****@example.com' },
  // card numbers
  { name: 'a Visa card grouped by spaces', input: '4111 1111 1111 1111', want: '****-****-****-1111' },
  { name: 'a Visa card grouped by dashes', input: 'card 4111-1111-1111-1111 declined', want: 'card ****-****-****-1111 declined' },
  { name: 'a card in one run', input: 'pan=5555555555554444', want: 'pan=****-****-****-4444' },
  { name: 'an Amex card grouped 4-6-5', input: '3782 822463 10005', want: '****-****-****-0005' },
  { name: 'a 13-digit Visa', input: '4222222222222', want: '****-****-****-2222' },
  { name: 'a 19-digit card', input: '6011 1111 1111 1111 110', want: '****-****-****-1110' },
  { name: 'a card followed by its CVV', input: 'paid with 4111 1111 1111 1111 123 today', want: 'paid with ****-****-****-1111 123 today' },
  { name: 'a card at the end of a sentence', input: 'declined: 4111111111111111.', want: 'declined: ****-****-****-1111.' },
  { name: 'a card in a URL path', input: 'GET /cards/4111111111111111/charges', want: 'GET /cards/****-****-****-1111/charges' },
  // SSNs
  { name: 'an SSN with dashes', input: '123-45-6789', want: '***-**-6789' },
  { name: 'an SSN with spaces', input: 'ssn on file 123 45 6789', want: 'ssn on file ***-**-6789' },
  { name: 'a bare nine digits labelled ssn', input: 'ssn=123456789', want: 'ssn=***-**-6789' },
  { name: 'a bare nine digits labelled SSN:', input: 'SSN: 123456789', want: 'SSN: ***-**-6789' },
  { name: 'a social security number label', input: 'social security number 078051120', want: 'social security number ***-**-1120' },
  // phone numbers
  { name: 'a phone with parentheses', input: '(555) 123-4567', want: '(***) ***-4567' },
  { name: 'a phone with dashes', input: 'call 555-123-4567 now', want: 'call (***) ***-4567 now' },
  { name: 'a phone with dots', input: '555.123.4567', want: '(***) ***-4567' },
  { name: 'a phone with a leading 1', input: '1-555-123-4567', want: '(***) ***-4567' },
  { name: 'a US phone in international form', input: '+1 555 123 4567', want: '(***) ***-4567' },
  { name: 'a UK phone', input: 'tel +44 20 7946 0958.', want: 'tel (***) ***-0958.' },
  { name: 'an E.164 phone', input: 'sms to +15551234567 failed', want: 'sms to (***) ***-4567 failed' },
  { name: 'a phone with dashes after the country code', input: '+1-555-123-4567', want: '(***) ***-4567' },
  // URL credentials and secret parameters
  { name: 'a URL password', input: 'postgres://user:pa55@host/db', want: 'postgres://user:***@host/db' },
  { name: 'a URL password holding an @', input: 'redis://default:p@ss@cache:6379/0', want: 'redis://default:***@cache:6379/0' },
  { name: 'a URL password with an empty user', input: 'redis://:hunter22@cache:6379', want: 'redis://:***@cache:6379' },
  { name: 'a URL password in a sentence', input: 'connect postgres://app:s3cr3t@db.internal:5432/app failed', want: 'connect postgres://app:***@db.internal:5432/app failed' },
  { name: 'a token in a query string', input: '/hook?token=abc123&page=2', want: '/hook?token=***&page=2' },
  { name: 'a password in key=value text', input: 'retrying with password=hunter2', want: 'retrying with password=***' },
  // several at once
  {
    name: 'every kind in one line',
    input: 'j.doe@example.com paid 4111 1111 1111 1111, ssn 123-45-6789, phone (555) 123-4567',
    want: 'j*****@example.com paid ****-****-****-1111, ssn ***-**-6789, phone (***) ***-4567',
  },
];

const untouched: Case[] = [
  { name: 'an ISO timestamp', input: '2025-08-10T12:34:56.789Z' },
  { name: 'an ISO timestamp with an offset', input: '2025-08-10T12:34:56+02:00' },
  { name: 'a date', input: '2025-08-10' },
  { name: 'epoch seconds', input: 'at 1723293296' },
  { name: 'epoch milliseconds', input: 'ts=1723293296789' },
  { name: 'epoch milliseconds after 2033', input: 'ts=2723293296789' },
  { name: 'epoch microseconds', input: '1723293296789123' },
  { name: 'epoch nanoseconds', input: '1723293296789123456' },
  { name: 'a duration', input: 'took 1500ms' },
  { name: 'a duration in seconds', input: 'timed out after 3000 ms' },
  { name: 'a semantic version', input: 'version 1.4.2' },
  { name: 'a server version', input: 'server_version 15.19' },
  { name: 'a UUID', input: 'id 123e4567-e89b-12d3-a456-426614174000' },
  { name: 'an all-digit UUID', input: '12345678-1234-1234-1234-123456789012' },
  { name: 'a hex SHA', input: 'git a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2' },
  { name: 'a SHA with a long digit run', input: 'sha 4111111111111111abcdef' },
  { name: 'an IPv4 address', input: 'from 192.168.100.200' },
  { name: 'an address and port', input: '127.0.0.1:5432' },
  { name: 'a port', input: 'port 6379' },
  { name: 'a nine-digit order id', input: 'order 123456789' },
  { name: 'a ten-digit id', input: 'invoice 5551234567' },
  { name: 'a byte count', input: 'heap 1073741824 bytes' },
  { name: 'a large byte count', input: 'wrote 12345678901234 bytes' },
  { name: 'a 16-digit id that fails Luhn', input: 'trace 4111111111111112' },
  { name: 'a 16-digit id starting with 1', input: 'snowflake 1234567890123452' },
  { name: 'a number with a decimal part', input: 'ratio 4111111111111111.5' },
  { name: 'three counts', input: 'sizes 555 123 4567' },
  { name: 'a timezone offset', input: '12:00:00+0200' },
  { name: 'a scientific number', input: '1e+10' },
  { name: 'a negative number', input: 'delta -1234567890' },
  { name: 'a URL without a password', input: 'postgres://app@db.internal:5432/app' },
  { name: 'an npm package with a version', input: 'pino@10.4.0' },
  { name: 'a scoped package', input: '@fastify/under-pressure' },
  { name: 'a non-secret query parameter', input: '/api/health?verbose=1&exclude=cache' },
  { name: 'an already masked password', input: 'postgres://user:***@host/db' },
  { name: 'text without digits', input: 'connection refused' },
  { name: 'the empty string', input: '' },
  { name: 'a Prometheus line', input: 'health_check_duration_seconds{check="database"} 0.00241' },
];

t.test('masks personal data', async (t) => {
  for (const c of masked) t.equal(maskPii(c.input), c.want, c.name);
});

t.test('leaves alone what only looks like personal data', async (t) => {
  for (const c of untouched) t.equal(maskPii(c.input), c.input, c.name);
});

t.test('masking is idempotent', async (t) => {
  for (const c of [...masked, ...untouched]) {
    const once = maskPii(c.input);
    t.equal(maskPii(once), once, c.name);
  }
});

t.test('maskDeep masks every string in objects and arrays and copies them', async (t) => {
  const input = {
    user: 'john.doe@example.com',
    n: 42,
    ok: true,
    none: null,
    list: ['4111 1111 1111 1111', { phone: '555-123-4567' }],
    nested: { deeper: { url: 'postgres://u:pw1234@h/db' } },
  };
  const out = maskDeep(input);
  t.same(out, {
    user: 'j*****@example.com',
    n: 42,
    ok: true,
    none: null,
    list: ['****-****-****-1111', { phone: '(***) ***-4567' }],
    nested: { deeper: { url: 'postgres://u:***@h/db' } },
  });
  t.not(out, input, 'a new object');
  t.equal(input.user, 'john.doe@example.com', 'the input is not changed');
});

t.test('maskDeep masks a bare SSN under an ssn key only', async (t) => {
  t.same(maskDeep({ ssn: '123456789', SocialSecurityNumber: '123 45 6789', orderId: '123456789' }), {
    ssn: '***-**-6789',
    SocialSecurityNumber: '***-**-6789',
    orderId: '123456789',
  });
});

t.test('maskDeep survives cycles and bounds depth', async (t) => {
  const a: Record<string, unknown> = { email: 'a@b.io' };
  a.self = a;
  a.list = [a];
  t.same(maskDeep(a), { email: 'a*****@b.io', self: '[Circular]', list: ['[Circular]'] });

  const shared = { email: 'x@y.io' };
  t.same(maskDeep({ one: shared, two: shared }), { one: { email: 'x*****@y.io' }, two: { email: 'x*****@y.io' } }, 'a shared object is not a cycle');

  let deep: Record<string, unknown> = { leaf: 'z@y.io' };
  for (let i = 0; i < 20; i++) deep = { next: deep };
  let walked = maskDeep(deep, { maxDepth: 3 }) as Record<string, unknown>;
  t.same(walked, { next: { next: { next: '[Object]' } } });
  walked = maskDeep([[['x']]], { maxDepth: 2 }) as Record<string, unknown>;
  t.same(walked, [['[Array]']]);
});

t.test('maskDeep turns errors into plain objects with masked text', async (t) => {
  const err = Object.assign(new Error('no user jane@example.com'), { code: 'E_USER', phone: '555-123-4567' });
  const out = maskDeep({ err }) as { err: Record<string, unknown> };
  t.equal(out.err.type, 'Error');
  t.equal(out.err.message, 'no user j*****@example.com');
  t.match(out.err.stack, /^Error: no user j\*{5}@example\.com\n/);
  t.equal(out.err.code, 'E_USER');
  t.equal(out.err.phone, '(***) ***-4567');
});

t.test('maskDeep applies a given text function and keeps dates and buffers', async (t) => {
  const when = new Date(0);
  const buf = Buffer.from('4111111111111111');
  const out = maskDeep({ s: 'a@b.io secret', when, buf }, { text: (s) => maskPii(s).replace('secret', '***') }) as Record<string, unknown>;
  t.equal(out.s, 'a*****@b.io ***');
  t.equal(out.when, when);
  t.equal(out.buf, buf);
  t.equal(maskDeep('plain'), 'plain');
  t.equal(maskDeep(7), 7);
  t.equal(maskDeep(undefined), undefined);
});

t.test('maskPii takes linear time on hostile input', async (t) => {
  // Each of these would make a backtracking-prone pattern run for minutes.
  const inputs = [
    'a'.repeat(50_000) + '@' + 'b'.repeat(50_000),
    '+' + '1 '.repeat(50_000),
    '4111 '.repeat(50_000),
    'x@' + 'a.'.repeat(50_000) + '!',
    '?' + 'a='.repeat(50_000),
    'postgres://' + ':'.repeat(50_000) + '@',
  ];
  for (const input of inputs) {
    const started = process.hrtime.bigint();
    maskPii(input);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Generous: a linear scan of 100 KB takes a few ms; a quadratic one takes far longer.
    t.ok(ms < 2000, `${input.slice(0, 12)}... took ${ms.toFixed(0)} ms`);
  }
});
