/**
 * The `cluster` section (CONTRACT §3.1, §5.6): replicas sharing one
 * PostgreSQL database share the work and the results.
 */
import os from 'node:os';
import { z } from 'zod';
import type { ClusterConfig } from '../types';
import { duration, emptyAsNull, fail, int, oneOf, optional, required, text, url, type Parser } from './fields';
import { runSchema } from './issues';
import { FOUND, type Problems } from './problems';

/** Below this a lease renewed every leaseTime/3 leaves too little room for one slow query. */
export const MIN_LEASE_MS = 3_000;

const leaseTime: Parser<number> = (value) => {
  const ms = duration({ positive: true, timer: true })(value);
  if (typeof ms === 'number' && ms < MIN_LEASE_MS) return fail(`${FOUND} is too short (at least 3s)`);
  return ms;
};

const clusterSchema = z.strictObject({
  url: required(url('postgres'), 'required for a cluster: its shared PostgreSQL database'),
  mode: optional(oneOf(['shard', 'quorum'] as const, 'a cluster mode'), 'shard' as const),
  // `${QUORUM:-}` gives "": the default (a majority of live members).
  quorum: optional(emptyAsNull(int(1)), null),
  location: optional(emptyAsNull(text()), null),
  leaseTime: optional(leaseTime, 10_000),
});

/** null when absent (not clustered); undefined when it has problems (each added to `problems`). */
export function parseCluster(raw: unknown, problems: Problems, hostname: () => string = os.hostname): ClusterConfig | null | undefined {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.add(['cluster'], `${FOUND} is not a mapping (like {url: postgres://...})`, raw);
    return undefined;
  }
  const parsed = runSchema(clusterSchema, raw, ['cluster'], problems);
  if (!parsed) return undefined;
  return { ...parsed, location: parsed.location ?? hostname() };
}
