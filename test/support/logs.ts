import { PassThrough } from 'node:stream';
import type { Logger as PinoLogger } from 'pino';
import { createLogger } from '../../src/observability/logging';

/** The service's real logger at debug, writing into memory. */
export function captureLogs(scrub?: (text: string) => string): { logger: PinoLogger; raw(): string; lines(): Array<Record<string, any>> } {
  let raw = '';
  const stream = new PassThrough();
  stream.on('data', (b: Buffer) => (raw += b.toString()));
  const logger = createLogger({ service: 'test', environment: 'test', level: 'debug', destination: stream, ...(scrub ? { scrub } : {}) });
  return {
    logger,
    raw: () => raw,
    lines: () => raw.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, any>),
  };
}
