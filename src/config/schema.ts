/**
 * From a parsed, interpolated document to the normalised Config: every
 * default (static ones in the section and check schemas, environment-derived
 * ones here), every rule, every problem reported at once.
 *
 * Environment-derived defaults (a file's value always wins; empty counts as unset):
 * - service.environment: $ENVIRONMENT, else $NODE_ENV, else "development"
 * - service.version: $APP_VERSION, else package.json's version
 * - service.gitSha: $GIT_SHA, else ""
 * - server.port: $PORT, else 8080
 * - server.detailsToken: $HEALTH_DETAILS_TOKEN, else "" (so setting the variable always protects the detail routes)
 * - server.adminToken: $HEALTH_ADMIN_TOKEN, else "" (the operator API stays disabled)
 * - an s3 check's region: $AWS_REGION, else "us-east-1"
 * - cluster.url: $HEALTH_CLUSTER_URL (setting it alone turns clustering on)
 * These values are validated like file values, and problems name the variable.
 */
import { CHECK_TYPES, type CheckConfig, type Config, type StorageConfig } from '../types';
import { CHECK_NAME, checkSchema, checkType, type ParsedCheck } from './checks-schema';
import { Fail } from './fields';
import type { Env } from './interpolate';
import { runSchema } from './issues';
import { FOUND, type Problems } from './problems';
import { checkDependencies, checkNames, checkOptionPairs, checkTimeouts, type DependencyEdges, type Located } from './rules';
import {
  defaultsSchema,
  pressureSchema,
  serverSchema,
  serviceSchema,
  statusPageSchema,
  STORAGE_TYPES,
  storageSchemas,
  type Defaults,
} from './sections-schema';
import { z } from 'zod';
import { parseCluster } from './cluster-schema';
import { parseMaintenance } from './maintenance-schema';
import { parseNotifications } from './notifications-schema';
import { checkHeartbeats, heartbeatTiming } from './heartbeat-schema';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const ENV_DEFAULTS: readonly (readonly [section: string, key: string, vars: readonly string[]])[] = [
  ['service', 'environment', ['ENVIRONMENT', 'NODE_ENV']],
  ['service', 'version', ['APP_VERSION']],
  ['service', 'gitSha', ['GIT_SHA']],
  ['server', 'port', ['PORT']],
  ['server', 'detailsToken', ['HEALTH_DETAILS_TOKEN']],
  ['server', 'adminToken', ['HEALTH_ADMIN_TOKEN']],
  ['cluster', 'url', ['HEALTH_CLUSTER_URL']],
];

/** A copy of `doc` with absent sections as {} and environment defaults filled in (recorded in provenance). */
function withEnvDefaults(doc: Mapping, env: Env, problems: Problems): Mapping {
  const out: Mapping = { ...doc };
  for (const section of ['service', 'server', 'pressure', 'defaults', 'statusPage']) {
    if (out[section] === undefined || out[section] === null) out[section] = {};
    else if (isMapping(out[section])) out[section] = { ...out[section] };
  }
  if (env.HEALTH_CLUSTER_URL && (out.cluster === undefined || out.cluster === null)) out.cluster = {};
  else if (isMapping(out.cluster)) out.cluster = { ...out.cluster };
  for (const [section, key, vars] of ENV_DEFAULTS) {
    const target = out[section];
    if (!isMapping(target) || (target[key] !== undefined && target[key] !== null)) continue;
    const name = vars.find((v) => env[v] !== undefined && env[v] !== '');
    if (name === undefined) continue;
    target[key] = env[name];
    problems.provenance.fromEnv.set(`${section}.${key}`, name);
  }
  const region = env.AWS_REGION;
  if (Array.isArray(out.checks) && region) {
    out.checks = out.checks.map((check: unknown, index) => {
      if (!isMapping(check) || check.type !== 's3' || (check.region !== undefined && check.region !== null)) return check;
      problems.provenance.fromEnv.set(`checks[${index}].region`, 'AWS_REGION');
      return { ...check, region };
    });
  }
  return out;
}

function parseStorage(raw: unknown, problems: Problems): StorageConfig | undefined {
  if (raw === undefined || raw === null) return { type: 'memory' };
  if (!isMapping(raw)) {
    problems.add(['storage'], `${FOUND} is not a mapping (like {type: memory} or {type: postgres, url: ...})`, raw);
    return undefined;
  }
  const type = raw.type;
  if (type !== 'memory' && type !== 'postgres') {
    const template = type === undefined || type === null ? 'missing' : `${FOUND} is not a storage type`;
    problems.add(['storage', 'type'], `${template} (allowed: ${STORAGE_TYPES.join(', ')})`, type);
    return undefined;
  }
  return runSchema(storageSchemas[type], raw, ['storage'], problems);
}

interface ParsedChecks {
  readonly parsed: Located[];
  /** Index -> name, for every check whose name is valid, even if the check has other problems. */
  readonly names: Map<number, string>;
  /** Every check with a valid name and a readable dependsOn, even if it has other problems (§3.2: all problems at once). */
  readonly edges: DependencyEdges[];
}

function parseChecks(raw: unknown, problems: Problems): ParsedChecks {
  const parsed: Located[] = [];
  const names = new Map<number, string>();
  const edges: DependencyEdges[] = [];
  if (raw === undefined || raw === null) return { parsed, names, edges };
  if (!Array.isArray(raw)) {
    problems.add(['checks'], `${FOUND} is not a list of checks`, raw);
    return { parsed, names, edges };
  }
  raw.forEach((item: unknown, index) => {
    const at = ['checks', index];
    if (!isMapping(item)) {
      problems.add(at, `${FOUND} is not a mapping (a check needs at least name and type)`, item);
      return;
    }
    if (typeof item.name === 'string' && CHECK_NAME.test(item.name)) {
      names.set(index, item.name);
      const deps = item.dependsOn ?? [];
      if (Array.isArray(deps) && deps.every((d) => typeof d === 'string' && d.trim() !== '')) edges.push({ index, name: item.name, dependsOn: [...new Set(deps)] });
    }
    if (item.type === undefined || item.type === null) {
      problems.add([...at, 'type'], `missing (allowed: ${CHECK_TYPES.join(', ')})`);
      return;
    }
    const type = checkType(item.type);
    if (type instanceof Fail) {
      for (const issue of type.items) problems.add([...at, 'type'], issue.message, item.type);
      return;
    }
    const check = runSchema(checkSchema(type), item, at, problems);
    if (check) parsed.push({ index, check: { ...check, type } as ParsedCheck });
  });
  return { parsed, names, edges };
}

/** Applies `defaults` to a parsed check: the normalised form routes and checkers read. */
function resolveCheck(check: ParsedCheck, defaults: Defaults): CheckConfig {
  // A heartbeat is judged, not probed: its own timing defaults, not the probes' (see heartbeat-schema.ts).
  const timing = check.type === 'heartbeat' ? heartbeatTiming(check) : {};
  return {
    ...check,
    interval: check.interval ?? defaults.interval,
    timeout: check.timeout ?? defaults.timeout,
    failureThreshold: check.failureThreshold ?? defaults.failureThreshold,
    successThreshold: check.successThreshold ?? defaults.successThreshold,
    critical: check.critical ?? defaults.critical,
    displayName: check.displayName ?? check.name,
    ...timing,
  } as CheckConfig;
}

const rootSchema = (version: string) =>
  z.strictObject({
    service: serviceSchema(version),
    server: serverSchema,
    pressure: pressureSchema,
    defaults: defaultsSchema,
    storage: z.unknown().optional(),
    cluster: z.unknown().optional(),
    statusPage: statusPageSchema,
    maintenance: z.unknown().optional(),
    notifications: z.unknown().optional(),
    checks: z.unknown().optional(),
  });

export interface ValidateOptions {
  readonly env: Env;
  /** Where the document came from: goes to `Config.source`. */
  readonly source: string;
  /** The package version, the last fallback for service.version. */
  readonly version: string;
}

/**
 * Validates a document (top level already known to be a mapping). Returns
 * the Config, or undefined with every problem added to `problems`.
 */
export function validateDocument(doc: Mapping, opts: ValidateOptions, problems: Problems): Config | undefined {
  const raw = withEnvDefaults(doc, opts.env, problems);
  const sections = runSchema(rootSchema(opts.version), raw, [], problems);
  const parsedStorage = parseStorage(raw.storage, problems);
  const { parsed, names, edges } = parseChecks(raw.checks, problems);
  const known = checkNames(names, problems);
  checkDependencies(edges, known, problems);
  checkTimeouts(parsed, sections?.defaults, problems);
  checkOptionPairs(parsed, problems);
  checkHeartbeats(parsed, problems);
  const cluster = parseCluster(raw.cluster, problems);
  // A cluster shares history too: without a storage section it lives in the cluster's database.
  const storage = cluster && (raw.storage === undefined || raw.storage === null) ? { type: 'postgres' as const, url: cluster.url } : parsedStorage;
  const checkSet = new Set(known.keys());
  const maintenance = parseMaintenance(raw.maintenance, checkSet, problems);
  const notifications = parseNotifications(raw.notifications, checkSet, problems);
  checkHidden(sections?.statusPage.hidden ?? [], checkSet, problems);
  if (problems.lines.length > 0 || !sections || !storage || cluster === undefined || !maintenance || !notifications) return undefined;
  const { defaults } = sections;
  return {
    service: sections.service,
    server: sections.server,
    pressure: sections.pressure,
    storage,
    cluster,
    statusPage: { ...sections.statusPage, title: sections.statusPage.title ?? sections.service.name, url: sections.statusPage.url ?? '' },
    maintenance,
    notifications,
    checks: parsed.map(({ check }) => resolveCheck(check, defaults)),
    source: opts.source,
  };
}

/** statusPage.hidden must name configured checks: a typo would silently publish the check it meant to hide. */
function checkHidden(hidden: readonly string[], known: ReadonlySet<string>, problems: Problems): void {
  hidden.forEach((name, i) => {
    if (!known.has(name)) problems.add(['statusPage', 'hidden', i], `${FOUND} is not the name of a check`, name);
  });
}
