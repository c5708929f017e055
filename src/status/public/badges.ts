/**
 * Status and uptime badges (CONTRACT §4.9), drawn by shields' own
 * `badge-maker` (it measures text and escapes it), and the shields.io
 * endpoint JSON so shields.io itself can draw one in any of its styles.
 */
import type * as BadgeMaker from 'badge-maker' with { 'resolution-mode': 'import' };
import type { CheckState } from '../../types';
import type { Uptime } from '../history/types';
import { componentStatus, type ComponentStatus } from './components';

// An ES module: Node >= 20.19 require()s it; TypeScript's CommonJS output may only name its types.
const { makeBadge } = require('badge-maker') as typeof BadgeMaker;

export type BadgeWord = 'operational' | 'degraded' | 'outage' | 'maintenance';

const COLORS: Readonly<Record<BadgeWord, string>> = { operational: 'brightgreen', degraded: 'yellow', outage: 'red', maintenance: 'blue' };

const WORD: Readonly<Record<ComponentStatus, BadgeWord>> = {
  operational: 'operational',
  degraded_performance: 'degraded',
  partial_outage: 'outage',
  major_outage: 'outage',
  under_maintenance: 'maintenance',
};

/** The v2 component status in a badge's words: unknown reads as degraded (no data to vouch for it). */
export function badgeWord(state: Pick<CheckState, 'status'>, inMaintenance: boolean): BadgeWord {
  return WORD[componentStatus({ status: state.status, critical: false }, inMaintenance)];
}

export function statusBadge(label: string, word: BadgeWord): string {
  return makeBadge({ label, message: word, color: COLORS[word], style: 'flat' });
}

export const UPTIME_WINDOWS = ['24h', '7d', '30d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

export function uptimeColor(percent: number | null): string {
  if (percent === null) return 'lightgrey';
  return percent >= 99.9 ? 'brightgreen' : percent >= 99 ? 'green' : percent >= 95 ? 'yellow' : 'red';
}

export function uptimeMessage(percent: number | null): string {
  return percent === null ? 'no data' : `${percent.toFixed(2)}%`;
}

export function uptimeBadge(label: string, uptime: Uptime, window: UptimeWindow): string {
  const percent = uptime[window];
  return makeBadge({ label: `${label} ${window}`, message: uptimeMessage(percent), color: uptimeColor(percent), style: 'flat' });
}

/** https://shields.io/badges/endpoint-badge */
export function shieldsEndpoint(label: string, word: BadgeWord) {
  return { schemaVersion: 1 as const, label, message: word, color: COLORS[word] };
}
