/**
 * The public status document (GET /api/status) from a snapshot and the
 * history. Public: names, display names, groups and statuses only — never an
 * error text, details, a host or a URL.
 */
import type { CheckConfig, Snapshot } from '../../types';
import { HOUR, type HistoryBucket, type HistoryStore, type Latency, type Uptime } from './types';

/** Bars per component on the page, and the width of each (90 hours). */
export const HISTORY_BARS = 90;
export const HISTORY_BAR_MS = HOUR;
/** Incidents listed at most. */
export const INCIDENT_LIMIT = 20;

export interface StatusComponent {
  name: string;
  display_name: string;
  group: string;
  status: string;
  uptime: Uptime;
  latency_ms: Latency;
}

export interface StatusBody {
  status: string;
  updated_at: string;
  components: StatusComponent[];
  history: { bucket_s: number; components: Record<string, Array<{ start: string; status: HistoryBucket['status']; uptime: number | null }>> };
  incidents: Array<{ name: string; display_name: string; status: string; start: string; end: string | null; duration_s: number }>;
}

export function buildStatusBody(snap: Snapshot, checks: readonly CheckConfig[], history: HistoryStore, now: number): StatusBody {
  const byName = new Map(checks.map((c) => [c.name, c]));
  const components = snap.checks.map((s) => {
    const c = byName.get(s.name);
    return {
      name: s.name,
      display_name: c?.displayName ?? s.name,
      group: c?.group ?? 'Services',
      status: s.status,
      uptime: history.uptime(s.name),
      latency_ms: history.latency(s.name),
    };
  });
  const bars: StatusBody['history']['components'] = {};
  for (const s of snap.checks) {
    bars[s.name] = history
      .buckets(s.name, HISTORY_BARS, HISTORY_BAR_MS)
      .map((b) => ({ start: new Date(b.start).toISOString(), status: b.status, uptime: b.uptime }));
  }
  const incidents = history.incidents(INCIDENT_LIMIT).map((i) => ({
    name: i.check,
    display_name: byName.get(i.check)?.displayName ?? i.check,
    status: i.status,
    start: new Date(i.start).toISOString(),
    end: i.end === null ? null : new Date(i.end).toISOString(),
    duration_s: Math.max(0, Math.round(((i.end ?? now) - i.start) / 1000)),
  }));
  return {
    status: snap.status,
    updated_at: new Date(now).toISOString(),
    components,
    history: { bucket_s: HISTORY_BAR_MS / 1000, components: bars },
    incidents,
  };
}

const nullableNumber = { type: ['number', 'null'] } as const;
const statusEnum = { type: 'string', enum: ['ok', 'degraded', 'error', 'unknown'] } as const;

/** Response schema of GET /api/status (documentation: the body is sent pre-serialised). */
export const statusBodySchema = {
  type: 'object',
  properties: {
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
          status: statusEnum,
          uptime: { type: 'object', properties: { '24h': nullableNumber, '7d': nullableNumber, '30d': nullableNumber } },
          latency_ms: { type: 'object', properties: { p50: nullableNumber, p95: nullableNumber } },
        },
        required: ['name', 'display_name', 'group', 'status', 'uptime', 'latency_ms'],
      },
    },
    history: {
      type: 'object',
      properties: {
        bucket_s: { type: 'integer' },
        components: {
          type: 'object',
          additionalProperties: {
            type: 'array',
            items: {
              type: 'object',
              properties: { start: { type: 'string' }, status: { type: ['string', 'null'] }, uptime: nullableNumber },
            },
          },
        },
      },
    },
    incidents: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          display_name: { type: 'string' },
          status: { type: 'string', enum: ['error', 'degraded'] },
          start: { type: 'string' },
          end: { type: ['string', 'null'] },
          duration_s: { type: 'number' },
        },
      },
    },
  },
  required: ['status', 'updated_at', 'components', 'history', 'incidents'],
} as const;
