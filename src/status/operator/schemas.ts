/** Response schemas of the operator API (CONTRACT §4.7): they pin the shapes and serialise them. */
import { IMPACTS, INCIDENT_STATUSES } from './types';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const strings = { type: 'array', items: str } as const;

export const incidentSchema = {
  type: 'object',
  properties: {
    id: str,
    title: str,
    status: { type: 'string', enum: [...INCIDENT_STATUSES] },
    impact: { type: 'string', enum: [...IMPACTS] },
    source: { type: 'string', enum: ['operator', 'probe'] },
    components: strings,
    created_at: str,
    updated_at: str,
    started_at: str,
    resolved_at: nullableStr,
    updates: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: str, status: { type: 'string', enum: [...INCIDENT_STATUSES] }, message: str, created_at: str },
        required: ['id', 'status', 'message', 'created_at'],
      },
    },
  },
  required: ['id', 'title', 'status', 'impact', 'source', 'components', 'created_at', 'updated_at', 'started_at', 'resolved_at', 'updates'],
} as const;

export const incidentListSchema = {
  type: 'object',
  properties: { incidents: { type: 'array', items: incidentSchema } },
  required: ['incidents'],
} as const;

export const windowSchema = {
  type: 'object',
  properties: {
    id: str,
    title: str,
    components: strings,
    starts_at: str,
    ends_at: str,
    status: { type: 'string', enum: ['upcoming', 'active', 'completed'] },
    source: { type: 'string', enum: ['operator', 'config'] },
    message: nullableStr,
  },
  required: ['id', 'title', 'components', 'starts_at', 'ends_at', 'status', 'source', 'message'],
} as const;

export const windowListSchema = {
  type: 'object',
  properties: { maintenances: { type: 'array', items: windowSchema } },
  required: ['maintenances'],
} as const;
