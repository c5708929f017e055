/**
 * The schema of one entry of `checks`: keys every check has, and each type's
 * own options with their defaults. Common keys stay undefined when absent so
 * that schema.ts can apply `defaults` inheritance (and say where a value came
 * from when timeout and interval clash).
 */
import { z } from 'zod';
import { CHECK_TYPES, type CheckCommon, type CheckConfig, type CheckType } from '../types';
import { parseDuration } from './duration';
import {
  bool,
  bytes,
  duration,
  emptyAsNull,
  fail,
  int,
  list,
  oneOf,
  optional,
  record,
  required,
  text,
  textOrNull,
  uniqueList,
  url,
  type Parser,
} from './fields';
import { FOUND } from './problems';
import { heartbeatShape } from './heartbeat-schema';

export const CHECK_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const checkName: Parser<string> = (value) =>
  typeof value === 'string' && CHECK_NAME.test(value)
    ? value
    : fail(`${FOUND} is not a check name (lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters)`);

const commonShape = {
  name: required(checkName, 'every check needs a name'),
  type: z.unknown().optional(),
  interval: optional(duration({ positive: true, timer: true }), undefined),
  timeout: optional(duration({ positive: true, timer: true }), undefined),
  failureThreshold: optional(int(1), undefined),
  successThreshold: optional(int(1), undefined),
  critical: optional(bool(), undefined),
  degradedLatency: optional(duration({ positive: true }), null),
  displayName: optional(text(), undefined),
  group: optional(text(), 'Services'),
  dependsOn: optional(uniqueList(text()), [] as string[]),
};

const needed = (type: CheckType) => `required for ${type} checks`;

// S3's rules for new buckets: 3-63 chars, lowercase, digits, dots, hyphens; no "..", not an IP address.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const bucketName: Parser<string> = (value) =>
  typeof value === 'string' && BUCKET.test(value) && !value.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(value)
    ? value
    : fail(`${FOUND} is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`);

const region: Parser<string> = (value) =>
  typeof value === 'string' && /^[a-z0-9-]+$/.test(value) ? value : fail(`${FOUND} is not an AWS region (like us-east-1)`);

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'] as const;
const methodOf = oneOf(HTTP_METHODS, 'an HTTP method');
const method: Parser<(typeof HTTP_METHODS)[number]> = (value) => methodOf(typeof value === 'string' ? value.toUpperCase() : value);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerValue: Parser<string> = (value) => {
  const string = typeof value === 'number' ? String(value) : value;
  if (typeof string !== 'string') return fail(`${FOUND} is not a header value (a string)`);
  // A line break would let a config value inject headers of its own.
  return /[\r\n]/.test(string) ? fail(`${FOUND} is not a header value (no line breaks)`) : string;
};
const headerName = (key: string) =>
  HEADER_NAME.test(key) ? null : "not a valid header name (letters, digits and !#$%&'*+-.^_`|~)";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
export const DEFAULT_EXPECT_STATUS: readonly number[] = range(200, 299);

const statusItem: Parser<number[]> = (value) => {
  if (typeof value === 'string' && /^[1-5]xx$/i.test(value)) {
    const base = Number(value[0]) * 100;
    return range(base, base + 99);
  }
  const code = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599
    ? [code]
    : fail(`${FOUND} is not an HTTP status (a code 100..599 or a class like "2xx")`);
};
const statusList = list(statusItem, { nonEmpty: 'list at least one status' });
const expectStatus: Parser<number[]> = (value) => {
  const out = Array.isArray(value) ? statusList(value) : statusItem(value);
  return Array.isArray(out) ? [...new Set(out.flat())].sort((a, b) => a - b) : out;
};

/** Days; a plain number is days, a duration string ("14d", "336h") is converted. */
const days: Parser<number> = (value) => {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    return n >= 0 && Number.isFinite(n) ? n : fail(`${FOUND} is not a number of days (like 14)`);
  }
  const ms = parseDuration(value);
  return ms === null ? fail(`${FOUND} is not a number of days (like 14)`) : ms / 86_400_000;
};

const queueName: Parser<string> = (value) => {
  const name = text()(value);
  return typeof name === 'string' && name.includes(':') ? fail(`${FOUND} is not a queue name (no ":")`) : name;
};

const hostName: Parser<string> = (value) => {
  const host = text()(value);
  if (typeof host !== 'string') return host;
  if (/^[^:\s/]+:\d+$/.test(host)) return fail(`${FOUND} is not a host name (put the port under "port")`);
  return /[\s/]/.test(host) ? fail(`${FOUND} is not a host name (like ledger.internal or 10.0.0.7)`) : host;
};

const expectJson = z
  .strictObject({
    path: required(text(), 'the dotted path to compare'),
    // Not `required`: null is a value to compare with here.
    equals: z
      .unknown()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) ctx.issues.push({ code: 'custom', message: 'missing (the value the path must equal)', input: value });
        return value;
      }),
  })
  .nullish()
  .transform((v) => (v ? { path: v.path, equals: v.equals as unknown } : null));

/** A share of a whole: "85%" or a ratio like 0.85. */
const share: Parser<number> = (value) => {
  const percent = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
  const n = percent ? Number(percent[1]) / 100 : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : fail(`${FOUND} is not a share of the disk (a percentage like "85%", or a ratio like 0.85)`);
};

/** Each type's own options. Output types are checked against src/types.ts below. */
export function checkShapes() {
  return {
    postgres: {
      url: required(url('postgres'), needed('postgres')),
      query: optional(text(), 'SELECT 1'),
    },
    redis: {
      url: required(url('redis'), needed('redis')),
    },
    s3: {
      bucket: required(bucketName, needed('s3')),
      region: optional(region, 'us-east-1'),
      endpoint: optional(emptyAsNull(url('http')), null),
      forcePathStyle: optional(bool(), false),
      writeProbe: optional(bool(), false),
      probePrefix: optional(text(), 'health-aggregator/probe/'),
      accessKeyId: optional(textOrNull(), null),
      secretAccessKey: optional(textOrNull(), null),
      sessionToken: optional(textOrNull(), null),
    },
    http: {
      url: required(url('http'), needed('http')),
      method: optional(method, 'GET' as const),
      headers: optional(record(headerName, headerValue), {} as Record<string, string>),
      body: optional(textOrNull(), null),
      expectStatus: optional(expectStatus, DEFAULT_EXPECT_STATUS),
      expectBody: optional(textOrNull(), null),
      expectJson,
      followRedirects: optional(bool(), false),
      certExpiryWarning: optional(days, 14),
      caFile: optional(textOrNull(), null),
      insecureSkipVerify: optional(bool(), false),
      maxBodyBytes: optional(bytes(), 65_536),
    },
    bullmq: {
      redisUrl: required(url('redis'), needed('bullmq')),
      prefix: optional(text(), 'bull'),
      queues: required(uniqueList(queueName, { nonEmpty: 'list at least one queue name' }), needed('bullmq')),
      minWorkers: optional(int(0), 1),
      maxWaiting: optional(int(0), null),
      maxOldestWaitingAge: optional(duration({ positive: true }), null),
      growingFor: optional(duration({ positive: true }), null),
    },
    tcp: {
      host: required(hostName, needed('tcp')),
      port: required(int(1, 65_535, 'a port number'), needed('tcp')),
      send: optional(textOrNull(), null),
      expect: optional(textOrNull(), null),
      tls: optional(bool(), false),
    },
    heartbeat: heartbeatShape,
    disk: {
      path: required(text(), needed('disk')),
      maxUsage: optional(share, 0.85),
      degradedUsage: optional(share, 0.75),
    },
  } as const;
}

type Shapes = ReturnType<typeof checkShapes>;
type Own<T extends CheckType> = z.output<z.ZodObject<Shapes[T]>>;
type Spec<C extends CheckConfig> = Omit<C, keyof CheckCommon>;
// Compile-time guard: each shape produces what src/types.ts promises, with exactly its keys.
type Exact<A, B> = [A] extends [B] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never) : never;
export const SHAPES_MATCH_TYPES: {
  [T in CheckType]: Exact<Own<T>, Spec<Extract<CheckConfig, { type: T }>>>;
} = { postgres: true, redis: true, s3: true, http: true, bullmq: true, tcp: true, heartbeat: true, disk: true };

const schemas = new Map<CheckType, unknown>();

/**
 * The strict schema for a check of `type`: common keys plus the type's own.
 * Built once per type: building a zod schema costs ~5 ms, which made a config
 * of 10,000 checks take 90 s to load when it was built per check.
 */
export function checkSchema<T extends CheckType>(type: T) {
  let schema = schemas.get(type) as ReturnType<typeof buildCheckSchema<T>> | undefined;
  if (!schema) schemas.set(type, (schema = buildCheckSchema(type)));
  return schema;
}

function buildCheckSchema<T extends CheckType>(type: T) {
  return z.strictObject({ ...commonShape, ...checkShapes()[type] });
}

type CommonOut = Omit<z.output<z.ZodObject<typeof commonShape>>, 'type'>;
/** A check as parsed: common keys still undefined where `defaults` will fill them in. */
export type ParsedCheck = { [T in CheckType]: CommonOut & Own<T> & { readonly type: T } }[CheckType];

export const checkType = oneOf(CHECK_TYPES, 'a check type');
