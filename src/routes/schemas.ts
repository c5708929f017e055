/** Response schemas: they document each route and let Fastify serialise objects fast. */
import { CHECK_STATUSES, CHECK_TYPES, ERROR_KINDS } from '../types';
import { errorSchema } from '../http/errors';

const nullableString = { type: ['string', 'null'] } as const;

export const checkEntrySchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: [...CHECK_TYPES] },
    status: { type: 'string', enum: [...CHECK_STATUSES] },
    critical: { type: 'boolean' },
    duration_ms: { type: ['number', 'null'] },
    checked_at: nullableString,
    last_success_at: nullableString,
    consecutive_failures: { type: 'integer' },
    error: nullableString,
    error_kind: { type: ['string', 'null'], enum: [...ERROR_KINDS, null] },
    caused_by: nullableString,
    details: { type: 'object', additionalProperties: true },
    maintenance: { type: 'boolean' },
    probed_by: { type: 'string' },
    observations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          location: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'degraded', 'error'] },
          checked_at: nullableString,
          error_kind: { type: ['string', 'null'], enum: [...ERROR_KINDS, null] },
        },
        required: ['location', 'status', 'checked_at', 'error_kind'],
      },
    },
  },
  required: ['type', 'status', 'critical', 'duration_ms', 'checked_at', 'error', 'error_kind', 'details'],
} as const;

export const summarySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    version: { type: 'string' },
    git_sha: { type: 'string' },
    database: { type: 'string', enum: ['connected', 'disconnected', 'unknown', 'not_configured'] },
    environment: { type: 'string' },
    node_version: { type: 'string' },
    timestamp: { type: 'string' },
  },
  required: ['status', 'version', 'git_sha', 'database', 'environment', 'node_version', 'timestamp'],
} as const;

export const detailedSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'error'] },
    service: { type: 'string' },
    version: { type: 'string' },
    git_sha: { type: 'string' },
    environment: { type: 'string' },
    timestamp: { type: 'string' },
    checks: { type: 'object', additionalProperties: checkEntrySchema },
  },
  required: ['status', 'service', 'version', 'git_sha', 'environment', 'timestamp', 'checks'],
} as const;

export const readinessSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    reason: { type: 'string', enum: ['starting', 'shutting_down', 'under_pressure'] },
    failing: { type: 'array', items: { type: 'string' } },
  },
  required: ['status'],
} as const;

export const livenessSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    uptime_s: { type: 'number' },
    reason: { type: 'string' },
  },
  required: ['status', 'uptime_s'],
} as const;

export { errorSchema };

/** A check name as accepted in paths and queries (same rule as config). */
export const checkNameSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' } as const;

export const clusterSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['shard', 'quorum'] },
    self: {
      type: 'object',
      properties: { id: { type: 'string' }, location: { type: 'string' }, started_at: { type: 'string' } },
      required: ['id', 'location', 'started_at'],
    },
    store: { type: 'string', enum: ['up', 'down'] },
    members: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, location: { type: 'string' }, last_seen: { type: 'string' }, owned_checks: { type: 'integer' } },
        required: ['id', 'location', 'last_seen', 'owned_checks'],
      },
    },
  },
  required: ['mode', 'self', 'store', 'members'],
} as const;
