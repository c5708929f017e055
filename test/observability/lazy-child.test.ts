import t from 'tap';
import { createLogger } from '../../src/observability/logging';
import { lazyChild } from '../../src/observability/lazy-child';
import type { Logger } from '../../src/types';

function capture(level = 'info') {
  const raw: string[] = [];
  const logger = createLogger({ service: 'svc', environment: 'test', level, destination: { write: (s: string) => void raw.push(s) } });
  let children = 0;
  const child = logger.child.bind(logger);
  // Counts the children the real logger is asked for.
  (logger as { child: Logger['child'] }).child = (b, o) => {
    children += 1;
    return child(b, o);
  };
  return { logger, lines: () => raw.map((s) => JSON.parse(s) as Record<string, unknown>), children: () => children };
}

t.test('a lazy child writes what the real child writes, and is made only when it first writes', async (t) => {
  const lazy = capture();
  const eager = capture();
  const log = lazyChild(lazy.logger, { check: 'cache', type: 'redis' });
  t.equal(lazy.children(), 0, 'no child for a check that never logs');
  t.equal(log.level, 'info', 'reads its level from the parent');
  log.debug('not written at info');
  log.warn({ errorKind: 'timeout' }, 'checker threw instead of returning an outcome');
  log.error({ err: new Error('boom') }, 'recording a probe result failed');
  t.equal(lazy.children(), 1, 'one child, made once');
  const real = eager.logger.child({ check: 'cache', type: 'redis' });
  real.warn({ errorKind: 'timeout' }, 'checker threw instead of returning an outcome');
  real.error({ err: new Error('boom') }, 'recording a probe result failed');
  const strip = (l: Record<string, unknown>) => ({ ...l, timestamp: 0, exception: l.exception ? 'x' : undefined });
  t.same(lazy.lines().map(strip), eager.lines().map(strip), 'the same lines');
  t.equal(lazy.lines().length, 2);
  t.match(lazy.lines()[0], { level: 'WARN', context: { check: 'cache', type: 'redis' } });
});

t.test('its children and level changes behave as the real child\'s', async (t) => {
  const lazy = capture();
  const eager = capture();
  for (const [log, parent] of [
    [lazyChild(lazy.logger, { check: 'db' }), lazy.logger],
    [eager.logger.child({ check: 'db' }), eager.logger],
  ] as const) {
    log.level = 'debug';
    log.debug('written at debug');
    log.child({ probe: 1 }).warn('from a grandchild');
    t.equal(log.level, 'debug');
    t.equal(parent.level, 'info', 'the parent keeps its level');
  }
  const strip = (l: Record<string, unknown>) => ({ ...l, timestamp: 0 });
  t.same(lazy.lines().map(strip), eager.lines().map(strip));
  t.ok(lazy.lines().some((l) => l.message === 'from a grandchild'), 'the grandchild writes');
});
