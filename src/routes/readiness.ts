/**
 * Readiness decisions, kept pure so every case is a table row in a test.
 * Public route: reasons are error kinds, never error text.
 */
import type { CheckState, Snapshot } from '../types';
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

/** How one check counts for readiness; the verbose line is only written when asked for. */
type Verdict = 'excluded' | 'optional' | 'waiting' | 'starting' | 'failing' | 'ok';

function verdictOf(c: CheckState, exclude: ReadonlySet<string>): Verdict {
  if (exclude.size > 0 && exclude.has(c.name)) return 'excluded';
  if (!c.critical) return 'optional';
  if (awaitingFirstPing(c)) return 'waiting';
  if (c.checkedAt === null) return 'starting';
  if (c.status === 'error' || c.status === 'unknown') return 'failing';
  return 'ok';
}

function lineOf(c: CheckState, v: Verdict): string {
  switch (v) {
    case 'excluded':
      return `[+]${c.name} excluded: ok`;
    case 'optional':
      return `[+]${c.name} ok (not critical: ${c.status})`;
    case 'waiting':
      return `[+]${c.name} ok (heartbeat: no ping due yet)`;
    case 'starting':
      return `[-]${c.name} failed: not checked yet`;
    case 'failing':
      return `[-]${c.name} failed: ${c.status === 'unknown' ? 'stale' : (c.errorKind ?? 'other')}`;
    case 'ok':
      return `[+]${c.name} ok`;
  }
}

export function decideReadiness(snap: Snapshot, input: ReadinessInput): ReadinessResult {
  const failing: string[] = [];
  let starting = false;
  for (const c of snap.checks) {
    const v = verdictOf(c, input.exclude);
    if (v === 'failing') failing.push(c.name);
    else if (v === 'starting') starting = true;
  }

  let body: ReadinessResult['body'];
  if (input.shuttingDown) body = { status: 'error', reason: 'shutting_down' };
  else if (input.underPressure) body = { status: 'error', reason: 'under_pressure' };
  else if (failing.length > 0) body = { status: 'error', failing };
  else if (starting) body = { status: 'error', reason: 'starting' };
  else body = { status: 'ok' };
  const ready = body.status === 'ok';
  return {
    ready,
    body,
    // Kubernetes probes never ask for ?verbose: the per-check text is built only for whoever does.
    get lines() {
      const lines = snap.checks.map((c) => lineOf(c, verdictOf(c, input.exclude)));
      if (input.shuttingDown) lines.push('[-]shutdown failed: shutting down');
      if (input.underPressure) lines.push('[-]pressure failed: under pressure');
      lines.push(ready ? 'readyz check passed' : 'readyz check failed');
      return lines;
    },
  };
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
