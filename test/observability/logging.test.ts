import t from 'tap';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createLogger, loggerOptions, parseLogLevel, reshapeLine, type LogOptions } from '../../src/observability/logging';
import { createScrubber } from '../../src/observability/redact';

type Line = Record<string, unknown>;

/** A logger whose output is kept in memory, one raw string per write. */
function capture(opts: Partial<LogOptions> = {}) {
  const raw: string[] = [];
  const destination = { write: (s: string) => void raw.push(s) };
  const logger = createLogger({ service: 'svc', environment: 'test', level: 'debug', destination, ...opts });
  return { logger, raw, lines: () => raw.map((s) => JSON.parse(s) as Line) };
}

const TOP_LEVEL = ['timestamp', 'level', 'service', 'environment', 'message', 'request_id', 'trace_id', 'duration_ms', 'context', 'exception'];

t.test('every line is one JSON object in the contract shape', async (t) => {
  const { logger, raw, lines } = capture();
  logger.info('service started');
  logger.child({ check: 'cache', type: 'redis' }).warn({ request_id: 'r-1', trace_id: 't-1', duration_ms: 2.4149 }, 'check cache is degraded');
  logger.error(new Error('boom'));

  t.equal(raw.length, 3);
  for (const s of raw) {
    t.ok(s.endsWith('\n') && !s.slice(0, -1).includes('\n'), 'one line per entry');
    const line = JSON.parse(s) as Line;
    t.same(
      Object.keys(line),
      TOP_LEVEL.filter((k) => k in line),
      'only contract fields, in contract order',
    );
    t.match(line.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.equal(line.service, 'svc');
    t.equal(line.environment, 'test');
    for (const k of ['pid', 'hostname', 'time', 'msg']) t.notOk(k in line, `no pino ${k}`);
  }
  const [started, degraded, failed] = lines();
  t.same(started, { timestamp: started!.timestamp, level: 'INFO', service: 'svc', environment: 'test', message: 'service started' }, 'no empty fields');
  t.same(degraded, {
    timestamp: degraded!.timestamp,
    level: 'WARN',
    service: 'svc',
    environment: 'test',
    message: 'check cache is degraded',
    request_id: 'r-1',
    trace_id: 't-1',
    duration_ms: 2.41,
    context: { check: 'cache', type: 'redis' },
  });
  t.equal(failed!.level, 'ERROR');
  t.equal(failed!.message, 'boom', 'an error logged alone gives its message');
});

t.test('pino levels map onto DEBUG, INFO, WARN and ERROR', async (t) => {
  const raw: string[] = [];
  // pino directly with loggerOptions, at trace so that every level is written.
  const logger = pino({ ...loggerOptions({ service: 's', environment: 'e' }), level: 'trace' }, { write: (s: string) => void raw.push(s) });
  const cases = [
    ['trace', 'DEBUG'],
    ['debug', 'DEBUG'],
    ['info', 'INFO'],
    ['warn', 'WARN'],
    ['error', 'ERROR'],
    ['fatal', 'ERROR'],
  ] as const;
  for (const [method] of cases) logger[method]('x');
  t.same(
    raw.map((s) => (JSON.parse(s) as Line).level),
    cases.map(([, want]) => want),
  );
});

t.test('child bindings and call fields go to context; a call field wins over a binding', async (t) => {
  const { logger, lines } = capture();
  const child = logger.child({ check: 'database', type: 'postgres' }).child({ attempt: 1 });
  child.info({ attempt: 2, rows: [1, 2], nested: { ok: true } }, 'probe done');
  child.info({ context: { from: 'ok', to: 'error' }, duration_ms: 12 }, 'check database is error');
  child.info({ level: 'mine', message: 'mine', timestamp: 'mine', service: 'other' }, 'real message');
  child.info({ context: 'not an object' }, 'odd context');
  const [first, second, third, fourth] = lines();
  t.same(first!.context, { check: 'database', type: 'postgres', attempt: 2, rows: [1, 2], nested: { ok: true } });
  t.same(second!.context, { check: 'database', type: 'postgres', attempt: 1, from: 'ok', to: 'error' }, 'an explicit context object is merged, not nested');
  t.equal(second!.duration_ms, 12);
  t.equal(third!.message, 'real message', "a caller's message field does not replace the message");
  t.equal(third!.level, 'INFO');
  t.equal(third!.service, 'svc');
  t.match(third!.timestamp, /Z$/);
  t.same(third!.context, { check: 'database', type: 'postgres', attempt: 1, level: 'mine', message: 'mine', timestamp: 'mine', service: 'other' });
  t.same(fourth!.context, { check: 'database', type: 'postgres', attempt: 1, context: 'not an object' }, 'a non-object context is kept, not dropped');
});

t.test('errors become exception with type, message and stacktrace', async (t) => {
  const { logger, lines } = capture();
  class ProbeError extends Error {
    override name = 'ProbeError';
  }
  logger.error({ err: new ProbeError('connect failed') }, 'probe crashed');
  logger.warn({ error: new TypeError('bad value') }, 'odd value');
  logger.warn({ error: 'connection refused', error_kind: 'refused' }, 'check cache is error');
  logger.error({ err: new AggregateError([new Error('connect ECONNREFUSED ::1'), new Error('connect ECONNREFUSED 127.0.0.1')]) });
  logger.error({ err: 'a plain string' }, 'string err');

  const [crashed, odd, sentence, aggregate, stringErr] = lines();
  t.equal(crashed!.message, 'probe crashed');
  const ex = crashed!.exception as Line;
  t.same(Object.keys(ex), ['type', 'message', 'stacktrace']);
  t.equal(ex.type, 'ProbeError');
  t.equal(ex.message, 'connect failed');
  t.match(ex.stacktrace, /^ProbeError: connect failed\n\s+at /);
  t.notOk('context' in crashed!, 'err does not also appear in context');

  t.equal((odd!.exception as Line).type, 'TypeError', 'an Error under error is an exception too');
  t.same(sentence!.context, { error: 'connection refused', error_kind: 'refused' }, "a check's error sentence stays in context");
  t.notOk('exception' in sentence!);

  t.equal((aggregate!.exception as Line).type, 'AggregateError');
  t.equal((aggregate!.exception as Line).message, 'connect ECONNREFUSED ::1; connect ECONNREFUSED 127.0.0.1', 'an empty AggregateError message is built from its errors');
  t.equal(aggregate!.message, 'connect ECONNREFUSED ::1; connect ECONNREFUSED 127.0.0.1');
  t.same(stringErr!.exception, { type: 'Error', message: 'a plain string' });
});

t.test('PII is masked in the message, ids, every context string and the exception', async (t) => {
  const { logger, raw, lines } = capture();
  logger
    .child({ user: 'john.doe@example.com' })
    .info(
      {
        request_id: 'jane@example.com',
        payment: { card: '4111 1111 1111 1111', holders: [{ ssn: '123-45-6789', phone: '(555) 123-4567' }] },
        url: 'postgres://app:pa55word@db/app',
        at: 1723293296789,
        order: 'order 123456789',
        err: new Error('lookup failed for +44 20 7946 0958'),
      },
      'charged jane@example.com on 4111-1111-1111-1111',
    );
  const [line] = lines();
  t.equal(line!.message, 'charged j*****@example.com on ****-****-****-1111');
  t.equal(line!.request_id, 'j*****@example.com');
  t.same(line!.context, {
    user: 'j*****@example.com',
    payment: { card: '****-****-****-1111', holders: [{ ssn: '***-**-6789', phone: '(***) ***-4567' }] },
    url: 'postgres://app:***@db/app',
    at: 1723293296789,
    order: 'order 123456789',
  });
  const ex = line!.exception as Line;
  t.equal(ex.message, 'lookup failed for (***) ***-0958');
  t.match(ex.stacktrace, /^Error: lookup failed for \(\*\*\*\) \*\*\*-0958\n/);
  for (const leaked of ['john.doe', 'jane@', '1111 1111', '123-45', '123-4567', 'pa55word', '7946']) {
    t.notOk(raw[0]!.includes(leaked), `${leaked} is not in the raw line`);
  }
});

t.test('the scrub function removes secrets after masking', async (t) => {
  const canary = 'Canary-S3cret-Value';
  const { logger, raw } = capture({ scrub: createScrubber([canary]) });
  const child = logger.child({ header: `Bearer ${canary}` });
  child.error({ err: new Error(`auth failed with ${canary}`), detail: { token: canary } }, `sent ${canary} to a@b.io`);
  const line = JSON.parse(raw[0]!) as Line;
  t.notOk(raw[0]!.includes(canary), 'the secret appears nowhere in the line');
  t.equal(line.message, 'sent *** to a*****@b.io');
  t.same(line.context, { header: 'Bearer ***', detail: { token: '***' } });
  t.equal((line.exception as Line).message, 'auth failed with ***');
});

t.test('LOG_LEVEL sets the level, case-insensitively', async (t) => {
  const cases: { level: string | undefined; want: string[] }[] = [
    { level: 'debug', want: ['DEBUG', 'INFO', 'WARN', 'ERROR'] },
    { level: 'DEBUG', want: ['DEBUG', 'INFO', 'WARN', 'ERROR'] },
    { level: 'Info', want: ['INFO', 'WARN', 'ERROR'] },
    { level: undefined, want: ['INFO', 'WARN', 'ERROR'] },
    { level: '', want: ['INFO', 'WARN', 'ERROR'] },
    { level: 'WARN', want: ['WARN', 'ERROR'] },
    { level: 'warning', want: ['WARN', 'ERROR'] },
    { level: 'error', want: ['ERROR'] },
    { level: ' Error ', want: ['ERROR'] },
    { level: 'silent', want: [] },
  ];
  for (const c of cases) {
    const { logger, lines } = capture({ level: c.level });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    t.same(
      lines().map((l) => l.level),
      c.want,
      `LOG_LEVEL=${JSON.stringify(c.level)}`,
    );
  }
});

t.test('an unknown LOG_LEVEL logs one warning and falls back to info', async (t) => {
  t.equal(parseLogLevel('verbose'), null);
  t.equal(parseLogLevel(undefined), 'info');
  t.equal(parseLogLevel('TRACE'), 'debug');
  const { logger, lines } = capture({ level: 'verbose' });
  logger.debug('hidden');
  logger.info('shown');
  const got = lines();
  t.equal(got.length, 2);
  t.equal(got[0]!.level, 'WARN');
  t.match(got[0]!.message, /LOG_LEVEL/);
  t.same(got[0]!.context, { log_level: 'verbose' });
  t.equal(got[1]!.message, 'shown');
});

t.test('a line that cannot be parsed is replaced, never passed through unmasked', async (t) => {
  const out = JSON.parse(reshapeLine('{"broken": "jane@example.com', { service: 's', environment: 'e' }, (s) => s)) as Line;
  t.equal(out.level, 'ERROR');
  t.equal(out.message, 'log line could not be formatted');
  t.equal(out.service, 's');
  t.notOk(JSON.stringify(out).includes('jane'));
});

t.test("Fastify's request logs come out in the same shape", async (t) => {
  const raw: string[] = [];
  const destination = { write: (s: string) => void raw.push(s) };
  const apps: FastifyInstance[] = [
    Fastify({ loggerInstance: createLogger({ service: 'svc', environment: 'test', destination }) as FastifyBaseLogger }),
    Fastify({ logger: loggerOptions({ service: 'svc', environment: 'test', destination }) }),
  ];
  for (const app of apps) {
    t.teardown(() => app.close());
    app.get('/orders/:id', async (req) => {
      req.log.info({ trace_id: 'trace-9' }, 'looking up order');
      return { ok: true };
    });
    raw.length = 0;
    const res = await app.inject({ method: 'GET', url: '/orders/1?email=jane.doe@example.com', headers: { host: 'internal-host.example' } });
    t.equal(res.statusCode, 200);
    const lines = raw.map((s) => JSON.parse(s) as Line);
    t.same(
      lines.map((l) => l.message),
      ['incoming request', 'looking up order', 'request completed'],
    );
    const reqIds = new Set(lines.map((l) => l.request_id));
    t.equal(reqIds.size, 1, 'every line of the request carries one request_id');
    t.ok(typeof lines[0]!.request_id === 'string' && lines[0]!.request_id !== '');
    t.same(lines[0]!.context, { req: { method: 'GET', url: '/orders/1?email=j*****@example.com' } }, 'method and masked url only');
    t.equal(lines[1]!.trace_id, 'trace-9');
    const done = lines[2]!;
    t.same(done.context, { res: { statusCode: 200 } });
    t.type(done.duration_ms, 'number', 'responseTime becomes duration_ms');
    t.notOk(raw.join('').includes('internal-host'), 'no host name');
    t.notOk(raw.join('').includes('remoteAddress'));
  }
});
