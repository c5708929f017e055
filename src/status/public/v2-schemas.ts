/** Response schemas of /api/v2/* (CONTRACT §4.8): Statuspage's fields and enums, pinned. */
import { IMPACTS, INCIDENT_STATUSES } from '../operator/types';
import { COMPONENT_STATUSES } from './components';
import { INDICATORS } from './statuspage';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

const page = {
  type: 'object',
  properties: { id: str, name: str, url: str, time_zone: str, updated_at: str },
  required: ['id', 'name', 'url', 'time_zone', 'updated_at'],
} as const;

const status = {
  type: 'object',
  properties: { indicator: { type: 'string', enum: [...INDICATORS] }, description: str },
  required: ['indicator', 'description'],
} as const;

const component = {
  type: 'object',
  properties: {
    id: str, name: str, status: { type: 'string', enum: [...COMPONENT_STATUSES] }, created_at: str, updated_at: str,
    position: { type: 'integer' }, description: nullableStr, showcase: { type: 'boolean' }, start_date: nullableStr,
    group_id: nullableStr, page_id: str, group: { type: 'boolean' }, only_show_if_degraded: { type: 'boolean' },
    components: { type: 'array', items: str },
  },
  required: ['id', 'name', 'status', 'created_at', 'updated_at', 'position', 'description', 'showcase', 'start_date', 'group_id', 'page_id', 'group', 'only_show_if_degraded'],
} as const;

const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;

function incidentLike(statuses: readonly string[], impacts: readonly string[], extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: {
      id: str, name: str, status: { type: 'string', enum: [...statuses] }, impact: { type: 'string', enum: [...impacts] },
      created_at: str, updated_at: str, started_at: str, monitoring_at: nullableStr, resolved_at: nullableStr,
      shortlink: str, page_id: str, components: { type: 'array', items: component },
      incident_updates: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: str, status: { type: 'string', enum: [...statuses] }, body: str, incident_id: str, created_at: str, updated_at: str,
            display_at: str, affected_components: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
          },
          required: ['id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at', 'affected_components'],
        },
      },
      ...extra,
    },
    required: ['id', 'name', 'status', 'impact', 'created_at', 'updated_at', 'started_at', 'monitoring_at', 'resolved_at', 'shortlink', 'page_id', 'components', 'incident_updates', ...Object.keys(extra)],
  } as const;
}

const incident = incidentLike(INCIDENT_STATUSES, IMPACTS);
const maintenance = incidentLike(MAINTENANCE_STATUSES, ['maintenance', ...IMPACTS], { scheduled_for: str, scheduled_until: str });

const body = (properties: Record<string, unknown>) => ({ type: 'object', properties: { page, ...properties }, required: ['page', ...Object.keys(properties)] });

export const V2_SCHEMAS = {
  status: body({ status }),
  components: body({ components: { type: 'array', items: component } }),
  incidents: body({ incidents: { type: 'array', items: incident } }),
  maintenances: body({ scheduled_maintenances: { type: 'array', items: maintenance } }),
  summary: body({
    components: { type: 'array', items: component },
    incidents: { type: 'array', items: incident },
    scheduled_maintenances: { type: 'array', items: maintenance },
    status,
  }),
} as const;
