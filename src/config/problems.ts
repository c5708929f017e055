/**
 * How config problems read: one line each, `<path>: <what was found and what
 * is allowed>`. Found values are shown quoted, with URL passwords redacted,
 * and never at all when the key (or the variable it came from) looks secret.
 */
import { isSecretName, redactUrl } from '../observability/redact';
import { formatPath } from './path';

/** Placeholder in a message template for the value that was found. */
export const FOUND = '%v';

/** Where values came from, so problems can say so without leaking them. */
export interface Provenance {
  /** Formatted path -> the environment variable that supplied its value implicitly (zero-config, $PORT). */
  readonly fromEnv: Map<string, string>;
  /** Formatted paths whose value came from a secret-named variable: never echoed. */
  readonly hidden: Set<string>;
  /** Formatted paths already reported (a missing variable): the schema stays quiet about them. */
  readonly quiet: Set<string>;
}

export function emptyProvenance(): Provenance {
  return { fromEnv: new Map(), hidden: new Set(), quiet: new Set() };
}

const MAX_SHOWN = 80;

function isHidden(path: readonly PropertyKey[], provenance: Provenance): boolean {
  const last = [...path].reverse().find((s): s is string => typeof s === 'string');
  return (last !== undefined && isSecretName(last)) || provenance.hidden.has(formatPath(path));
}

/** Shows a found value in a message: JSON-quoted, redacted, shortened; secrets not at all. */
export function describeValue(value: unknown, hidden: boolean): string {
  if (hidden) return 'the value (secret, not shown)';
  if (typeof value === 'string') {
    const safe = redactUrl(value);
    return JSON.stringify(safe.length > MAX_SHOWN ? `${safe.slice(0, MAX_SHOWN)}...` : safe);
  }
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'a list';
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0 ? '{}' : 'a mapping';
  return String(value);
}

/** Builds the final line for a problem found at `path`. */
export function problemLine(
  path: readonly PropertyKey[],
  template: string,
  found: unknown,
  provenance: Provenance,
): string {
  const where = formatPath(path);
  const envVar = provenance.fromEnv.get(where);
  const label = envVar === undefined ? where : `${where} ($${envVar})`;
  const text = template.includes(FOUND)
    ? template.replace(FOUND, () => describeValue(found, isHidden(path, provenance)))
    : template;
  return `${label}: ${text}`;
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `word` (case, `-` and `_` ignored), if it is a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const target = normalise(word);
  // Short words are too easy to match by accident.
  const limit = target.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalise(candidate));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** The message for a key no schema allows. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = closest(key, allowed);
  return suggestion === undefined
    ? `unknown key (allowed: ${allowed.join(', ')})`
    : `unknown key (did you mean "${suggestion}"?)`;
}

/** Collects the problem lines of one validation run, skipping paths already reported. */
export class Problems {
  readonly lines: string[] = [];
  constructor(readonly provenance: Provenance) {}

  add(path: readonly PropertyKey[], template: string, found?: unknown): void {
    if (this.provenance.quiet.has(formatPath(path))) return;
    this.lines.push(problemLine(path, template, found, this.provenance));
  }
}
