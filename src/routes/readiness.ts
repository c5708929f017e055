/**
 * Readiness decisions, kept pure so every case is a table row in a test.
 * Public route: reasons are error kinds, never error text.
 */
import type { Snapshot } from '../types';
import { awaitingFirstPing } from '../state/aggregate';

export type NotReadyReason = 'starting' | 'shutting_down' | 'under_pressure';

export interface ReadinessInput {
  readonly shuttingDown: boolean;
  readonly underPressure: boolean;
  /** Check names to ignore (`?exclude=`). */
  readonly exclude: ReadonlySet<string>;
}

export interface ReadinessResult {
  readonly ready: boolean;
  readonly body:
    | { status: 'ok' }
    | { status: 'error'; reason: NotReadyReason }
    | { status: 'error'; failing: string[] };
  /** `?verbose` lines, Kubernetes /readyz style. */
  readonly lines: string[];
}

export function decideReadiness(snap: Snapshot, input: ReadinessInput): ReadinessResult {
  const lines: string[] = [];
  const failing: string[] = [];
  let starting = false;
  for (const c of snap.checks) {
    if (input.exclude.has(c.name)) {
      lines.push(`[+]${c.name} excluded: ok`);
      continue;
    }
    if (!c.critical) {
      lines.push(`[+]${c.name} ok (not critical: ${c.status})`);
      continue;
    }
    if (awaitingFirstPing(c)) {
      lines.push(`[+]${c.name} ok (heartbeat: no ping due yet)`);
    } else if (c.checkedAt === null) {
      starting = true;
      lines.push(`[-]${c.name} failed: not checked yet`);
    } else if (c.status === 'error' || c.status === 'unknown') {
      failing.push(c.name);
      lines.push(`[-]${c.name} failed: ${c.status === 'unknown' ? 'stale' : (c.errorKind ?? 'other')}`);
    } else {
      lines.push(`[+]${c.name} ok`);
    }
  }
  if (input.shuttingDown) lines.push('[-]shutdown failed: shutting down');
  if (input.underPressure) lines.push('[-]pressure failed: under pressure');

  let body: ReadinessResult['body'];
  if (input.shuttingDown) body = { status: 'error', reason: 'shutting_down' };
  else if (input.underPressure) body = { status: 'error', reason: 'under_pressure' };
  else if (failing.length > 0) body = { status: 'error', failing };
  else if (starting) body = { status: 'error', reason: 'starting' };
  else body = { status: 'ok' };
  const ready = body.status === 'ok';
  lines.push(ready ? 'readyz check passed' : 'readyz check failed');
  return { ready, body, lines };
}

export interface SelfReadinessInput {
  readonly shuttingDown: boolean;
  readonly underPressure: boolean;
  /** In a cluster: the shared results were read (or the store is down and this replica probes alone). */
  readonly sharedLoaded: boolean;
}

/**
 * `?self` (CONTRACT §4.3): the replica itself, whatever its dependencies say.
 * Ready once it has results to serve (every critical check has a first
 * result, or the cluster's shared results are loaded), while it is neither
 * shutting down nor under pressure.
 */
export function decideSelfReadiness(snap: Snapshot, input: SelfReadinessInput): ReadinessResult {
  const hasResults = snap.started || input.sharedLoaded;
  const lines = [
    hasResults ? '[+]results ok' : '[-]results failed: no results yet',
    input.shuttingDown ? '[-]shutdown failed: shutting down' : '[+]shutdown ok',
    input.underPressure ? '[-]pressure failed: under pressure' : '[+]pressure ok',
  ];
  let body: ReadinessResult['body'];
  if (input.shuttingDown) body = { status: 'error', reason: 'shutting_down' };
  else if (input.underPressure) body = { status: 'error', reason: 'under_pressure' };
  else if (!hasResults) body = { status: 'error', reason: 'starting' };
  else body = { status: 'ok' };
  const ready = body.status === 'ok';
  lines.push(ready ? 'readyz check passed' : 'readyz check failed');
  return { ready, body, lines };
}
