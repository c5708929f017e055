/**
 * Field parsers for the config schema. Each turns a raw YAML value into its
 * normalised form or explains, as a message template, what was wrong; `%v`
 * in a template is where the found value is shown (see problems.ts).
 * `required`/`optional` wrap them as zod schemas so that zod handles the
 * structure (strict objects, paths) and these handle the values.
 */
import { z } from 'zod';
import { parseBytes } from './bytes';
import { parseDuration } from './duration';
import { FOUND } from './problems';
import type { PathSegment } from './path';

interface FailItem {
  readonly message: string;
  readonly at: readonly PathSegment[];
  readonly input?: unknown;
}

/** A value that did not parse; may hold several problems (one per bad list item). */
export class Fail {
  constructor(readonly items: readonly FailItem[]) {}
}

export const fail = (message: string): Fail => new Fail([{ message, at: [] }]);

export type Parser<T> = (value: unknown) => T | Fail;

function run<T>(parse: Parser<T>, value: unknown, ctx: z.core.$RefinementCtx): T {
  const out = parse(value);
  if (!(out instanceof Fail)) return out;
  for (const item of out.items) {
    ctx.issues.push({ code: 'custom', message: item.message, path: [...item.at], input: 'input' in item ? item.input : value });
  }
  return z.NEVER;
}

const absent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** A field that must be present (null counts as absent: `key:` with nothing after it). */
export function required<T>(parse: Parser<T>, why: string) {
  return z.unknown().optional().transform((value, ctx): T => {
    if (absent(value)) {
      ctx.issues.push({ code: 'custom', message: `missing (${why})`, input: value });
      return z.NEVER;
    }
    return run(parse, value, ctx);
  });
}

/** A field that falls back to `fallback` when absent or null. */
export function optional<T, D>(parse: Parser<T>, fallback: D) {
  return z.unknown().optional().transform((value, ctx): T | D => (absent(value) ? fallback : run(parse, value, ctx)));
}

export function text(opts: { numbers?: boolean; allowEmpty?: boolean } = {}): Parser<string> {
  return (value) => {
    // Bare versions and shas (`version: 1.4`, `gitSha: 1234567`) reach us as numbers.
    const string = opts.numbers && typeof value === 'number' ? String(value) : value;
    if (typeof string !== 'string') return fail(`${FOUND} is not a string`);
    if (!opts.allowEmpty && string.trim() === '') return fail(`${FOUND} is empty`);
    return string;
  };
}

/** Optional strings where "" (as `${VAR:-}` gives) means "not set". */
export function textOrNull(): Parser<string | null> {
  const parse = text({ allowEmpty: true });
  return (value) => {
    const out = parse(value);
    return out === '' ? null : out;
  };
}

/** "" (as `${VAR:-}` gives) means "not set" for an optional value. */
export function emptyAsNull<T>(parse: Parser<T>): Parser<T | null> {
  return (value) => (value === '' ? null : parse(value));
}

export function bool(): Parser<boolean> {
  return (value) => {
    if (typeof value === 'boolean') return value;
    // Interpolation yields strings: `${CRITICAL:-true}`.
    if (value === 'true' || value === 'false') return value === 'true';
    return fail(`${FOUND} is not a boolean (true or false)`);
  };
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A whole number in [min, max]; numeric strings accepted. `label` replaces the generic message. */
export function int(min: number, max = Number.MAX_SAFE_INTEGER, label?: string): Parser<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min}..${max}`;
  return (value) => {
    const n = toNumber(value);
    if (n === null || !Number.isInteger(n)) return fail(`${FOUND} is not ${label ?? 'a whole number'} (${range})`);
    if (n < min || n > max) return fail(`${FOUND} is out of range (${label ? `${label}, ` : ''}${range})`);
    return n;
  };
}

/** setTimeout's ceiling is 2^31-1 ms (~24.8 days); past it Node fires at once. */
export const MAX_TIMER_MS = 24 * 86_400_000;

export function duration(opts: { positive?: boolean; timer?: boolean } = {}): Parser<number> {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === null) return fail(`${FOUND} is not a duration (like 250ms, 3s, 5m)`);
    if (opts.positive && ms === 0) return fail(`${FOUND} is not allowed (must be more than 0)`);
    if (opts.timer && ms > MAX_TIMER_MS) return fail(`${FOUND} is too long (at most 24d)`);
    return ms;
  };
}

export function bytes(): Parser<number> {
  return (value) => parseBytes(value) ?? fail(`${FOUND} is not a size in bytes (like 0, 536870912 or 512MiB)`);
}

export function oneOf<const T extends string>(allowed: readonly T[], what: string): Parser<T> {
  return (value) =>
    typeof value === 'string' && (allowed as readonly string[]).includes(value)
      ? (value as T)
      : fail(`${FOUND} is not ${what} (${allowed.join(', ')})`);
}

const URL_KINDS = {
  postgres: { label: 'a PostgreSQL URL', schemes: ['postgres:', 'postgresql:'] },
  redis: { label: 'a Redis URL', schemes: ['redis:', 'rediss:'] },
  http: { label: 'an HTTP URL', schemes: ['http:', 'https:'] },
} as const;

/** An absolute URL of one family with a host; the found value is shown redacted. */
export function url(kind: keyof typeof URL_KINDS): Parser<string> {
  const { label, schemes } = URL_KINDS[kind];
  const problem = `${FOUND} is not ${label} (${schemes.map((s) => `${s}//`).join(' or ')})`;
  return (value) => {
    if (typeof value !== 'string') return fail(problem);
    let parsed: URL | null = null;
    try {
      parsed = new URL(value);
    } catch {
      // reported below
    }
    if (!parsed || !(schemes as readonly string[]).includes(parsed.protocol) || parsed.hostname === '') {
      return fail(problem);
    }
    return value;
  };
}

/** A list of items; item problems are reported at their own index. */
export function list<T>(item: Parser<T>, opts: { nonEmpty?: string } = {}): Parser<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return fail(`${FOUND} is not a list`);
    if (opts.nonEmpty !== undefined && value.length === 0) return fail(`${FOUND} is empty (${opts.nonEmpty})`);
    const out: T[] = [];
    const problems: FailItem[] = [];
    value.forEach((element, index) => {
      const parsed = item(element);
      if (!(parsed instanceof Fail)) out.push(parsed);
      else for (const p of parsed.items) problems.push({ ...p, at: [index, ...p.at], input: 'input' in p ? p.input : element });
    });
    return problems.length > 0 ? new Fail(problems) : out;
  };
}

/** Also rejects values that appear twice in the list. */
export function uniqueList<T extends string>(item: Parser<T>, opts: { nonEmpty?: string } = {}): Parser<T[]> {
  const parseList = list(item, opts);
  return (value) => {
    const out = parseList(value);
    if (out instanceof Fail) return out;
    const problems: FailItem[] = [];
    out.forEach((v, index) => {
      if (out.indexOf(v) !== index) problems.push({ message: `${FOUND} is listed twice`, at: [index], input: v });
    });
    return problems.length > 0 ? new Fail(problems) : out;
  };
}

/** A mapping of string keys to parsed values; problems at each key's path. */
export function record<T>(key: (k: string) => string | null, item: Parser<T>): Parser<Record<string, T>> {
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(`${FOUND} is not a mapping`);
    const out: Record<string, T> = {};
    const problems: FailItem[] = [];
    for (const [k, v] of Object.entries(value)) {
      const keyProblem = key(k);
      if (keyProblem !== null) problems.push({ message: keyProblem, at: [k] });
      const parsed = item(v);
      if (!(parsed instanceof Fail)) Object.defineProperty(out, k, { value: parsed, enumerable: true, writable: true });
      else for (const p of parsed.items) problems.push({ ...p, at: [k, ...p.at], input: 'input' in p ? p.input : v });
    }
    return problems.length > 0 ? new Fail(problems) : out;
  };
}
