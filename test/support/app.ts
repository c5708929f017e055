import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logging';
import { createScrubber, secretsOf } from '../../src/observability/redact';
import type { Config } from '../../src/types';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  /** Every log line written so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** Raw log text (for secret scans). */
  rawLogs(): string;
  close(): Promise<void>;
}

/** Builds the real app from YAML (as an operator would write it) with logs captured in memory. */
export async function startApp(yaml: string, env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const config = parseConfig(yaml, env, 'test.yml');
  let raw = '';
  const stream = new PassThrough();
  stream.on('data', (b: Buffer) => (raw += b.toString()));
  const logger = createLogger({
    service: config.service.name,
    environment: config.service.environment,
    level: 'debug',
    destination: stream,
    // The same scrubber production uses (src/app.ts), so log assertions see what operators see.
    scrub: createScrubber(secretsOf(config)),
  });
  const app = await buildApp(config, { logger, defaultMetrics: false });
  await app.ready();
  return {
    app,
    config,
    rawLogs: () => raw,
    logs: () =>
      raw
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => app.close(),
  };
}

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 15_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
