/**
 * PII masking for log text: emails, card numbers, US SSNs, phone numbers and
 * URL credentials. Every log message and context string passes through here,
 * so the patterns are precompiled and a string with no digit, '@' or '=' is
 * returned untouched at the cost of one scan.
 *
 * The patterns err towards NOT masking things logs are full of (timestamps,
 * epoch seconds and milliseconds, durations, versions, UUIDs, SHAs, ids, byte
 * counts): a masker that garbles every number gets turned off by the first
 * engineer who needs to read the logs during an outage.
 * test/mask.test.ts pins both sides with a table.
 */
import { isSecretName, REDACTED, URL_CREDENTIALS } from './redact';

/** Characters that may not touch a number on its left: it would be part of a larger token (an id, a version, a UUID). */
const NUM_START = String.raw`(?<![\w+-]|\d\.)`;
/** ...nor on its right; a sentence-ending period is fine, a decimal point is not. */
const NUM_END = String.raw`(?![\w-]|\.\d)`;

/** Secret-named parameters in a query string or key=value text (`?token=...`, `password=...`). */
const QUERY_PARAM = /(^|[?&;,\s])([^=&;#\s?]+)=([^&;#\s]*)/g;

/**
 * An email address. Not inside a URL's userinfo (`postgres://app@db`): that is
 * a database role, which operators need to see when authentication fails.
 */
const EMAIL =
  /(?<![\w.%+-]|:\/\/)([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;

/** `ssn: 123456789` and the like: with that word in front, the bare form is an SSN too. */
const SSN_LABELLED = new RegExp(
  String.raw`\b(ssn|social[ _-]?security(?:[ _-]?(?:number|no))?)(\W{1,4})(\d{3})([- ]?)(\d{2})\4(\d{4})` + NUM_END,
  'gi',
);

/** 123-45-6789 or 123 45 6789 (one separator throughout); a bare nine-digit number is an order id, not an SSN. */
const SSN = new RegExp(NUM_START + String.raw`\d{3}([- ])\d{2}\1(\d{4})` + NUM_END, 'g');

/**
 * 13 to 19 digits, either in one run or grouped by one kind of separator
 * (4-4-4-4, 4-6-5, 4-4-4-4-3). Matches are then checked by `isCardNumber`.
 */
const CARD = new RegExp(
  NUM_START + String.raw`(?:\d{4}([ -])\d{3,6}(?:\1\d{3,6}){1,3}|\d{13,19})` + NUM_END,
  'g',
);

/**
 * Phone numbers in forms people write them: `(555) 123-4567`, `555-123-4567`,
 * `555.123.4567`, `1-555-123-4567`, and anything starting with `+` and a
 * country code (`+1 555 123 4567`, `+44 20 7946 0958`, `+15551234567`). A bare
 * run of ten digits is an epoch timestamp far more often than a phone number,
 * and `555 123 4567` without a `+` or parentheses reads as three counts, so
 * neither is masked.
 */
const PHONE = new RegExp(
  [
    String.raw`(?<![\w+-]|\d\.)\(\d{3}\) ?\d{3}[-. ]\d{4}` + NUM_END,
    NUM_START + String.raw`(?:1[-.])?\d{3}([-.])\d{3}\1\d{4}` + NUM_END,
    String.raw`(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,4}` + NUM_END,
  ].join('|'),
  'g',
);

/** Nothing below can match a string without one of these. */
const MAYBE_PII = /[0-9@=]/;

/** Luhn checksum, as every card number carries. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Whether a run of digits is plausibly a payment card: a Luhn-valid number
 * whose first digit is one card networks issue (2 Mastercard, 3 Amex/Diners/
 * JCB, 4 Visa, 5 Mastercard/Maestro, 6 Discover/UnionPay). The prefix rule is
 * what keeps epoch milliseconds (13 digits starting with 1 until 2033),
 * microseconds and nanoseconds out; only Visa issued 13-digit numbers, so a
 * 13-digit number must start with 4 (which also covers epoch ms after 2033).
 * About one random 16-digit id in ten starting with 2-6 still passes Luhn and
 * is masked: over-masking an id is the cheaper mistake.
 */
function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits[0]!;
  if (first < '2' || first > '6') return false;
  if (digits.length === 13 && first !== '4') return false;
  return luhnValid(digits);
}

function maskQueryParam(match: string, sep: string, key: string, value: string): string {
  return value !== '' && value !== REDACTED && isSecretName(key) ? `${sep}${key}=${REDACTED}` : match;
}

/**
 * A grouped match may run on into a following number (`4111 1111 1111 1111 123`,
 * a CVV): then the card is the longest run of leading groups that is one.
 */
function maskCard(match: string, separator: string | undefined): string {
  const groups = separator ? match.split(separator) : [match];
  for (let n = groups.length; n >= (separator ? 3 : 1); n--) {
    const digits = groups.slice(0, n).join('');
    if (isCardNumber(digits)) {
      const rest = groups.slice(n);
      return `****-****-****-${digits.slice(-4)}` + (rest.length > 0 ? separator! + rest.join(separator) : '');
    }
  }
  return match;
}

function maskPhone(match: string): string {
  const digits = match.replace(/\D/g, '');
  // E.164 allows at most 15 digits; fewer than 8 is an extension or a count.
  if (match.startsWith('+') && (digits.length < 8 || digits.length > 15)) return match;
  return `(***) ***-${digits.slice(-4)}`;
}

/**
 * Masks personal data in free text:
 * - emails keep their first letter and domain: `john.doe@example.com` -> `j*****@example.com`;
 * - card numbers keep their last four: `4111 1111 1111 1111` -> `****-****-****-1111`;
 * - SSNs keep their last four: `123-45-6789` -> `***-**-6789`;
 * - phone numbers keep their last four: `(555) 123-4567` -> `(***) ***-4567`;
 * - URL passwords and secret-named query values become `***`.
 * Returns the same string when there was nothing to mask.
 */
export function maskPii(text: string): string {
  if (!MAYBE_PII.test(text)) return text;
  let out = text;
  if (out.includes('@')) {
    if (out.includes('://')) out = out.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`);
    out = out.replace(EMAIL, '$1*****@$2');
  }
  if (out.includes('=')) out = out.replace(QUERY_PARAM, maskQueryParam);
  // Cards before SSNs and phones: a grouped card number contains shorter groups that could look like either.
  out = out.replace(CARD, maskCard);
  out = out.replace(SSN_LABELLED, '$1$2***-**-$6');
  out = out.replace(SSN, '***-**-$2');
  out = out.replace(PHONE, maskPhone);
  return out;
}

/** Keys whose values are SSNs whatever their form (`{ ssn: "123456789" }`). */
const SSN_KEY = /^(ssn|social[ _-]?security(?:[ _-]?(?:number|no))?)$/i;
const BARE_SSN = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/;

/** Options for `maskDeep`. */
export interface MaskDeepOptions {
  /** Applied to every string; default `maskPii`. */
  readonly text?: (text: string) => string;
  /** Objects nested deeper than this become `"[Object]"` / `"[Array]"`; default 10. */
  readonly maxDepth?: number;
}

/**
 * A copy of `value` with every string inside it (object values and array
 * items, at any depth) masked. Object keys are kept as they are. A reference
 * back to an enclosing object becomes `"[Circular]"`; Errors become
 * `{ type, message, stack }` plus their own fields; Dates and binary data are
 * returned as they are; other objects are copied as plain objects of their own
 * enumerable fields.
 */
export function maskDeep(value: unknown, options: MaskDeepOptions = {}): unknown {
  const text = options.text ?? maskPii;
  const maxDepth = options.maxDepth ?? 10;
  const ancestors = new Set<object>();

  const walk = (v: unknown, key: string, depth: number): unknown => {
    if (typeof v === 'string') {
      const bare = SSN_KEY.test(key) ? BARE_SSN.exec(v) : null;
      return bare ? `***-**-${bare[3]}` : text(v);
    }
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
    if (ancestors.has(v)) return '[Circular]';
    if (depth >= maxDepth) return Array.isArray(v) ? '[Array]' : '[Object]';
    ancestors.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, key, depth + 1));
      const out: Record<string, unknown> = {};
      if (v instanceof Error) {
        out.type = v.name;
        out.message = text(v.message);
        if (v.stack) out.stack = text(v.stack);
      }
      for (const [k, child] of Object.entries(v)) out[k] = walk(child, k, depth + 1);
      return out;
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, '', 0);
}
