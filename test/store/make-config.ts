import type { CheckConfig, CheckState, ProbeResult, ProbeStatus, TcpCheckConfig } from '../../src/types';

/** A normalised check config with test-friendly defaults (tcp: the smallest config shape). */
export function makeConfig(name: string, over: Partial<TcpCheckConfig> = {}): CheckConfig {
  return {
    name,
    type: 'tcp',
    interval: 1000,
    timeout: 500,
    failureThreshold: 2,
    successThreshold: 1,
    critical: true,
    degradedLatency: null,
    displayName: name,
    group: 'Services',
    dependsOn: [],
    host: '127.0.0.1',
    port: 1,
    send: null,
    expect: null,
    tls: false,
    ...over,
  };
}

/** One probe result; `at` is its checkedAt (epoch ms). */
export function probe(status: ProbeStatus, at = 1_000_000, over: Partial<ProbeResult> = {}): ProbeResult {
  const failed = status === 'error';
  return {
    status,
    error: failed ? 'connection refused' : null,
    errorKind: failed ? 'refused' : null,
    details: {},
    durationMs: 1.5,
    checkedAt: at,
    ...over,
  };
}

/** A served check state with defaults, for aggregation tables. */
export function state(name: string, over: Partial<CheckState> = {}): CheckState {
  return {
    name,
    type: 'tcp',
    critical: true,
    status: 'ok',
    durationMs: 1,
    checkedAt: 1,
    lastSuccessAt: 1,
    consecutiveFailures: 0,
    consecutiveSuccesses: 1,
    error: null,
    errorKind: null,
    details: {},
    causedBy: null,
    ...over,
  };
}
