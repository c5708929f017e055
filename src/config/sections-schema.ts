/** Schemas and static defaults of the top-level sections other than `checks`. */
import { z } from 'zod';
import { bool, bytes, duration, emptyAsNull, fail, int, optional, text, uniqueList, url, required, type Parser } from './fields';
import { FOUND } from './problems';

const basePath: Parser<string> = (value) => {
  if (typeof value !== 'string') return fail(`${FOUND} is not a path (like /api/health)`);
  const path = `/${value.trim().replace(/^\/+|\/+$/g, '')}`;
  return /^(\/[A-Za-z0-9._~-]+)+$/.test(path) ? path : fail(`${FOUND} is not a path below the root (like /api/health)`);
};

const origin: Parser<string> = (value) => {
  if (value === '*') return value;
  const bad = fail(`${FOUND} is not an origin (like https://status.example.com, or "*")`);
  if (typeof value !== 'string') return bad;
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value.replace(/\/$/, '')
      ? parsed.origin
      : bad;
  } catch {
    return bad;
  }
};

export function serviceSchema(version: string) {
  return z.strictObject({
    name: optional(text(), 'health-aggregator'),
    environment: optional(text({ numbers: true }), 'development'),
    version: optional(text({ numbers: true }), version),
    gitSha: optional(text({ numbers: true, allowEmpty: true }), ''),
  });
}

export const serverSchema = z.strictObject({
  host: optional(text(), '0.0.0.0'),
  port: optional(int(1, 65_535, 'a port number'), 8080),
  basePath: optional(basePath, '/api/health'),
  detailsToken: optional(text({ allowEmpty: true }), ''),
  shutdownDelay: optional(duration({ timer: true }), 5_000),
  corsOrigins: optional(uniqueList(origin), [] as string[]),
  adminToken: optional(text({ allowEmpty: true }), ''),
});

/** `title` is resolved to service.name when absent (see schema.ts); `hidden` names are checked against the checks. */
export const statusPageSchema = z.strictObject({
  enabled: optional(bool(), true),
  title: optional(text({ numbers: true }), null),
  description: optional(text({ numbers: true, allowEmpty: true }), ''),
  url: optional(emptyAsNull(url('http')), null),
  hidden: optional(uniqueList(text()), [] as string[]),
});

export const pressureSchema = z.strictObject({
  maxEventLoopDelay: optional(duration({ timer: true }), 1_000),
  maxHeapUsedBytes: optional(bytes(), 0),
  maxRssBytes: optional(bytes(), 0),
});

/** What every check inherits unless it sets its own. */
export const defaultsSchema = z.strictObject({
  interval: optional(duration({ positive: true, timer: true }), 15_000),
  timeout: optional(duration({ positive: true, timer: true }), 3_000),
  failureThreshold: optional(int(1), 2),
  successThreshold: optional(int(1), 1),
  critical: optional(bool(), true),
});
export type Defaults = z.output<typeof defaultsSchema>;

export const STORAGE_TYPES = ['memory', 'postgres'] as const;
export const storageSchemas = {
  memory: z.strictObject({ type: z.literal('memory') }),
  postgres: z.strictObject({
    type: z.literal('postgres'),
    url: required(url('postgres'), 'required for postgres storage'),
  }),
};
