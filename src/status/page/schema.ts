/** Response schema of GET /api/status (documentation and the route's contract: the body is sent pre-serialised). */
import { PAGE_STATES } from './state';

const nullableNumber = { type: ['number', 'null'] } as const;
const windows = (type: object) => ({ type: 'object', properties: { '24h': type, '7d': type, '30d': type } });
const stringList = { type: 'array', items: { type: 'string' } } as const;

const incident = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    source: { type: 'string', enum: ['probe', 'operator'] },
    title: { type: 'string' },
    status: { type: 'string', enum: ['investigating', 'identified', 'monitoring', 'resolved'] },
    impact: { type: 'string', enum: ['none', 'minor', 'major', 'critical'] },
    resolved: { type: 'boolean' },
    components: stringList,
    started_at: { type: 'string' },
    resolved_at: { type: ['string', 'null'] },
    duration_s: { type: 'number' },
    updates: {
      type: 'array',
      items: { type: 'object', properties: { status: { type: 'string' }, message: { type: 'string' }, created_at: { type: 'string' } } },
    },
  },
  required: ['id', 'source', 'title', 'status', 'impact', 'resolved', 'components', 'started_at', 'resolved_at', 'duration_s'],
} as const;

export const statusBodySchema = {
  type: 'object',
  properties: {
    page: { type: 'object', properties: { title: { type: 'string' }, description: { type: 'string' } } },
    state: { type: 'string', enum: PAGE_STATES },
    status: { type: 'string', enum: ['ok', 'degraded', 'error'] },
    updated_at: { type: 'string' },
    components: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          display_name: { type: 'string' },
          group: { type: 'string' },
          critical: { type: 'boolean' },
          status: { type: 'string', enum: ['ok', 'degraded', 'error', 'unknown'] },
          checked: { type: 'boolean' },
          maintenance: { type: 'boolean' },
          checked_at: { type: ['string', 'null'] },
          uptime: windows(nullableNumber),
          uptime_coverage: windows({ type: 'number' }),
          latency_ms: { type: 'object', properties: { p50: nullableNumber, p95: nullableNumber } },
        },
        required: ['name', 'display_name', 'group', 'status', 'checked', 'maintenance', 'uptime', 'uptime_coverage', 'latency_ms'],
      },
    },
    history: {
      type: 'object',
      description: 'One character per bar, oldest first: - no data, o ok, d degraded, e error, m maintenance; uptime only for bars neither 100 % nor empty, keyed by bar index.',
      properties: {
        bucket_s: { type: 'integer' },
        from: { type: 'string' },
        count: { type: 'integer' },
        components: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { bars: { type: 'string' }, uptime: { type: 'object', additionalProperties: { type: 'number' } } },
          },
        },
      },
    },
    ongoing: { type: 'array', items: incident },
    incidents: { type: 'array', items: incident },
    incidents_next: { type: ['string', 'null'] },
    maintenances: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          components: stringList,
          starts_at: { type: 'string' },
          ends_at: { type: 'string' },
          status: { type: 'string' },
          message: { type: ['string', 'null'] },
        },
      },
    },
  },
  required: ['page', 'state', 'status', 'updated_at', 'components', 'history', 'ongoing', 'incidents', 'incidents_next', 'maintenances'],
} as const;
