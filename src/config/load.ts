/**
 * The public entry of src/config: read, parse, interpolate, validate.
 * Every failure is a ConfigError listing every problem, one line each.
 */
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { Config } from '../types';
import { interpolate, type Env } from './interpolate';
import { packageVersion } from './package-version';
import { emptyProvenance, Problems, type Provenance } from './problems';
import { validateDocument } from './schema';
import { zeroConfigDocument } from './zero';

/** A config that must not start the service. `message` is the problems joined by "\n". */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem: `<path>: <what was found and what is allowed>`. */
  readonly problems: readonly string[];
  /** The file path, or "environment". */
  readonly source: string;

  constructor(problems: readonly string[], source: string) {
    super(problems.join('\n'));
    this.problems = problems;
    this.source = source;
  }
}

/** Bigger than any sane config; refuses /dev/zero and accidents without reading them. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Aliases a config may expand; a "billion laughs" document needs far more. */
const MAX_ALIAS_COUNT = 100;

function validateOrThrow(doc: Record<string, unknown>, env: Env, source: string, provenance: Provenance, earlier: string[]): Config {
  const problems = new Problems(provenance);
  problems.lines.push(...earlier);
  const config = validateDocument(doc, { env, source, version: packageVersion() }, problems);
  if (!config || problems.lines.length > 0) throw new ConfigError(problems.lines, source);
  return config;
}

function describeYamlError(error: { message: string; pos: readonly [number, number] }, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  return `(root): not valid YAML at line ${line}, column ${col}: ${error.message.split('\n')[0]}`;
}

/** Parses YAML/JSON text into a Config. Throws ConfigError. `source` names it in Config.source. */
export function parseConfig(text: string, env: Env, source: string): Config {
  const fail = (line: string): never => {
    throw new ConfigError([line], source);
  };
  if (text.trim() === '') fail('(root): the file is empty (expected a mapping with a "checks" list)');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => describeYamlError(e, lines)), source);
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/excessive alias count/i.test(message)) {
      fail(`(root): too many alias expansions (more than ${MAX_ALIAS_COUNT}; a "billion laughs" document?)`);
    }
    fail(`(root): not valid YAML: ${message.split('\n')[0]}`);
  }
  if (tree === null || tree === undefined) fail('(root): the file is empty (expected a mapping with a "checks" list)');
  if (typeof tree !== 'object' || Array.isArray(tree)) {
    const found = Array.isArray(tree) ? 'a list' : JSON.stringify(typeof tree === 'string' ? tree.slice(0, 40) : tree);
    fail(`(root): ${found} is not a mapping (expected keys like service, server, checks)`);
  }
  const interpolated = interpolate(tree, env);
  const provenance = emptyProvenance();
  for (const path of interpolated.secret) provenance.hidden.add(path);
  for (const path of interpolated.failed) provenance.quiet.add(path);
  return validateOrThrow(interpolated.value as Record<string, unknown>, env, source, provenance, interpolated.problems);
}

/** Builds a Config from the environment alone (CONTRACT §3.4). Throws ConfigError. */
export function zeroConfig(env: Env): Config {
  const provenance = emptyProvenance();
  const { doc, problems } = zeroConfigDocument(env, provenance);
  return validateOrThrow(doc, env, 'environment', provenance, problems);
}

function readConfigFile(file: string): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ConfigError([`${file}: cannot read config file (not a regular file)`], file);
    if (stat.size > MAX_FILE_BYTES) throw new ConfigError([`${file}: config file is too large (over 1 MiB)`], file);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([`${file}: cannot read config file (${code})`], file);
  }
}

/**
 * Loads the config from `file` if given, else $HEALTH_CONFIG, else from the
 * environment alone (zero-config). Throws ConfigError.
 */
export function loadConfig(opts: { file?: string; env: Env }): Config {
  const file = opts.file ?? (opts.env.HEALTH_CONFIG || undefined);
  return file === undefined ? zeroConfig(opts.env) : parseConfig(readConfigFile(file), opts.env, file);
}
