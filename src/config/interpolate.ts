/**
 * `${VAR}` and `${VAR:-default}` in every string of a parsed config tree.
 *
 * - A variable that is unset or empty uses its default; with no default it is
 *   an error naming the variable and the path where it stands.
 * - `$${` is a literal `${` (so `$${HOME}` stays `${HOME}`); any other `$` is
 *   left alone.
 * - Defaults are literal text up to the first `}`; they are not interpolated
 *   again, and neither are substituted values.
 * - Only values are interpolated, never keys.
 */
import { isSecretName, redactUrl } from '../observability/redact';
import { formatPath, type PathSegment } from './path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Interpolated {
  readonly value: unknown;
  /** One line per problem, all of them. */
  readonly problems: string[];
  /** Formatted paths whose string failed to interpolate (the schema stays quiet about them). */
  readonly failed: Set<string>;
  /** Formatted paths whose value came from a secret-named variable. */
  readonly secret: Set<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface StringResult {
  readonly text: string;
  readonly problems: string[];
  readonly secret: boolean;
}

function interpolateString(input: string, env: Env, where: string): StringResult {
  const problems: string[] = [];
  let secret = false;
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!input.startsWith('${', i)) {
      out += input[i];
      i += 1;
      continue;
    }
    const close = input.indexOf('}', i + 2);
    if (close === -1) {
      problems.push(`${where}: "\${" is not closed by "}" (write $\${ for a literal "\${")`);
      break;
    }
    const body = input.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    const fallback = sep === -1 ? undefined : body.slice(sep + 2);
    i = close + 1;
    if (!NAME.test(name)) {
      const shown = JSON.stringify(redactUrl(`\${${body}}`));
      problems.push(`${where}: ${shown} is not a variable reference (like \${NAME} or \${NAME:-default})`);
      continue;
    }
    if (isSecretName(name)) secret = true;
    const value = env[name];
    if (value !== undefined && value !== '') out += value;
    else if (fallback !== undefined) out += fallback;
    else problems.push(`${where}: environment variable ${name} is not set (use \${${name}:-default} for a fallback)`);
  }
  return { text: out, problems, secret };
}

/** Replaces variables in every string of `tree`; collects every problem instead of stopping. */
export function interpolate(tree: unknown, env: Env): Interpolated {
  const problems: string[] = [];
  const failed = new Set<string>();
  const secret = new Set<string>();
  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value;
      const where = formatPath(path);
      const result = interpolateString(value, env, where);
      if (result.secret) secret.add(where);
      if (result.problems.length > 0) {
        problems.push(...result.problems);
        failed.add(where);
      }
      return result.text;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (value !== null && typeof value === 'object') {
      // fromEntries defines own properties, so a "__proto__" key stays a plain (unknown) key.
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return value;
  };
  return { value: walk(tree, []), problems, failed, secret };
}
