/**
 * A request's logger is made only when it writes (lazy-child.ts): what it
 * writes must be exactly what Fastify's own per-request child would write.
 */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/observability/logging';
import { deferredChildLogger } from '../../src/observability/lazy-child';

function capture(level: string) {
  let raw = '';
  const stream = new PassThrough();
  stream.on('data', (b: Buffer) => (raw += b.toString()));
  const logger = createLogger({ service: 'svc', environment: 'test', level, destination: stream });
  const lines = () => raw.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
  return { logger, lines };
}

t.test('lines carry the request id, as a real child\'s do, in the same shape', async (t) => {
  const { logger, lines } = capture('info');
  const deferred = deferredChildLogger(logger, { request_id: 'r-1' }, {});
  const real = logger.child({ request_id: 'r-1' });
  deferred.warn({ context: { auth: 'missing bearer token' } }, 'refused');
  real.warn({ context: { auth: 'missing bearer token' } }, 'refused');
  const [a, b] = lines();
  t.ok(a && b);
  t.same({ ...a, timestamp: 'x' }, { ...b, timestamp: 'x' });
  t.equal(a!.request_id, 'r-1');
});

t.test('levels below the logger\'s write nothing; level, bindings and child behave as a pino child\'s', async (t) => {
  const { logger, lines } = capture('info');
  const deferred = deferredChildLogger(logger, { request_id: 'r-2' }, {});
  deferred.debug('not at info');
  deferred.trace('nor this');
  t.same(lines(), [], 'nothing below info');
  t.equal(deferred.level, 'info');
  t.same((deferred as unknown as { bindings(): object }).bindings(), { request_id: 'r-2' });
  deferred.child({ trace_id: 't-9' }).info('with a trace');
  t.match(lines()[0], { request_id: 'r-2', trace_id: 't-9', message: 'with a trace' });
  deferred.level = 'debug';
  deferred.debug('now it shows');
  t.equal(lines().at(-1)!.message, 'now it shows', 'a level set on the request logger applies to it');
  t.equal(logger.level, 'info', 'and not to the parent');
});

t.test('a route with its own level gets a real child at once', async (t) => {
  const { logger, lines } = capture('info');
  const child = deferredChildLogger(logger, { request_id: 'r-3' }, { level: 'debug' });
  child.debug('route-level debug');
  t.match(lines()[0], { request_id: 'r-3', message: 'route-level debug', level: 'DEBUG' });
});
