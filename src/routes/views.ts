/**
 * Pure functions from a Snapshot to response bodies. Bodies that only change
 * when the snapshot changes are serialised once per snapshot and cached; a
 * request then only splices in its timestamp. This keeps the hot path at about
 * the cost of sending a prepared string.
 */
import type { CheckState, CheckType, ServiceInfo, Snapshot } from '../types';
import { isoAt, roundMs } from '../units';

/** Summary status: only `ok` or `error` (a degraded service still answers 200 for Pingdom). */
export function summaryStatus(snap: Snapshot): 'ok' | 'error' {
  return snap.status === 'error' ? 'error' : 'ok';
}

export function httpStatusFor(snap: Snapshot): 200 | 503 {
  return snap.status === 'error' ? 503 : 200;
}

/** `connected` / `disconnected` / `unknown` / `not_configured` from the check named database, else the first postgres check. */
export function databaseField(snap: Snapshot): string {
  const db = snap.checks.find((c) => c.name === 'database') ?? snap.checks.find((c) => c.type === 'postgres');
  if (!db) return 'not_configured';
  if (db.status === 'ok' || db.status === 'degraded') return 'connected';
  if (db.status === 'error') return 'disconnected';
  return 'unknown';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const round2 = (n: number | null) => (n === null ? null : roundMs(n));

/** One check as served by `detailed` and `checks/:name`; `maintenance: true` only inside a window (CONTRACT §5.8). */
export function checkEntry(c: CheckState, maintenance = false) {
  return {
    type: c.type,
    status: c.status,
    critical: c.critical,
    duration_ms: round2(c.durationMs),
    checked_at: iso(c.checkedAt),
    last_success_at: iso(c.lastSuccessAt),
    consecutive_failures: c.consecutiveFailures,
    error: c.error,
    error_kind: c.errorKind,
    caused_by: c.causedBy,
    details: c.details,
    ...(maintenance ? { maintenance: true as const } : {}),
    // In a cluster only (CONTRACT §4.11): who probed it, and in quorum mode who saw what.
    ...(c.probedBy !== undefined ? { probed_by: c.probedBy } : {}),
    ...(c.observations !== undefined ? { observations: c.observations.map((o) => ({ location: o.location, status: o.status, checked_at: iso(o.checkedAt), error_kind: o.errorKind })) } : {}),
  };
}

const CHECKS_OPEN = Buffer.from(',"checks":{');
const CLOSE = Buffer.from('}');
const TIMESTAMP_MARK = '\u0000timestamp\u0000';

/**
 * A body serialised once, with the timestamp spliced in per request. The
 * timestamp has millisecond resolution, so requests in the same millisecond
 * get the same text or bytes, made once (never changed once made): at
 * thousands of requests a second most requests copy nothing.
 */
export interface Prepared {
  render(now: Date): string;
  /** The same body as bytes. */
  bytes(now: Date): Buffer;
  /** The body's length in bytes, whatever the time (the timestamp's length is fixed). */
  byteLength(): number;
  /**
   * The same body as encoded parts (before the timestamp, the timestamp, after
   * it, then any pre-encoded members), to be written without joining: a 3 MB
   * body then costs no allocation or copy per request at all.
   */
  parts(now: Date): readonly Buffer[];
}

/**
 * `extra` is raw JSON members appended after the timestamp (already
 * serialised, e.g. `,"checks":{...}`), as text or as buffers encoded ahead
 * (kept as they are: a large body is never joined).
 */
function prepare(body: Record<string, unknown>, indent?: number, extra: string | readonly Buffer[] = ''): Prepared {
  const text = JSON.stringify({ ...body, timestamp: TIMESTAMP_MARK }, null, indent);
  // The mark is text's last member; check details are appended after it (in `extra`), so they cannot be mistaken for it.
  const at = text.lastIndexOf(JSON.stringify(TIMESTAMP_MARK));
  const head = text.slice(0, at);
  const rest = text.slice(at + JSON.stringify(TIMESTAMP_MARK).length, -1);
  // One form for both kinds of extra: encoded parts for parts(), text (joined once, on first use) for render().
  const extraParts = typeof extra === 'string' ? (extra === '' ? [] : [Buffer.from(extra)]) : extra;
  let extraText = typeof extra === 'string' ? extra : null;
  let ends: [Buffer, Buffer] | null = null;
  let lastText: { ms: number; body: string } | null = null;
  let lastBytes: { ms: number; body: Buffer } | null = null;
  let length = -1;
  return {
    render(now) {
      const ms = now.getTime();
      if (lastText?.ms !== ms) lastText = { ms, body: `${head}"${isoAt(ms)}"${rest}${(extraText ??= Buffer.concat(extraParts).toString())}}` };
      return lastText.body;
    },
    bytes(now) {
      const ms = now.getTime();
      if (lastBytes?.ms !== ms) lastBytes = { ms, body: Buffer.concat(this.parts(now)) };
      return lastBytes.body;
    },
    byteLength() {
      if (length < 0) length = this.parts(new Date(0)).reduce((n, p) => n + p.length, 0);
      return length;
    },
    parts(now) {
      ends ??= [Buffer.from(`${head}"`), Buffer.from(`"${rest}`)];
      return [ends[0], Buffer.from(isoAt(now.getTime()), 'latin1'), ends[1], ...extraParts, CLOSE];
    },
  };
}

export function prepareSummary(snap: Snapshot, info: ServiceInfo): Prepared {
  // Key order matters to humans reading it; two-space indent keeps `"status": "ok"` literal for Pingdom.
  return prepare(
    {
      status: summaryStatus(snap),
      version: info.version,
      git_sha: info.gitSha,
      database: databaseField(snap),
      environment: info.environment,
      node_version: process.versions.node,
    },
    2,
  );
}

/** The detailed body with `checks` (the serialised `checks` object, as text or encoded parts) after the timestamp. */
export function prepareDetailedWith(snap: Snapshot, info: ServiceInfo, checks: string | readonly Buffer[]): Prepared {
  return prepare(
    {
      status: snap.status,
      service: info.name,
      version: info.version,
      git_sha: info.gitSha,
      environment: info.environment,
    },
    undefined,
    typeof checks === 'string' ? `,"checks":${checks}` : [CHECKS_OPEN, ...checks, CLOSE],
  );
}

export function prepareDetailed(snap: Snapshot, info: ServiceInfo, inMaintenance?: (check: string) => boolean): Prepared {
  const checks: Record<string, unknown> = {};
  for (const c of snap.checks) checks[c.name] = checkEntry(c, inMaintenance?.(c.name));
  return prepareDetailedWith(snap, info, JSON.stringify(checks));
}

const COMPONENT_TYPE: Readonly<Record<CheckType, string>> = {
  postgres: 'datastore',
  redis: 'datastore',
  s3: 'datastore',
  http: 'component',
  bullmq: 'component',
  tcp: 'system',
  heartbeat: 'component',
  disk: 'system',
};

const IETF_STATUS = { ok: 'pass', degraded: 'warn', error: 'fail', unknown: 'warn' } as const;

/** health+json's per-check members (`<name>:responseTime`, `<name>:connections` for postgres, `<name>:utilization` for disk). */
export function healthJsonChecks(c: CheckState, now: Date): Record<string, unknown[]> {
  const status = c.status === 'unknown' && c.critical ? 'fail' : IETF_STATUS[c.status];
  const base = {
    componentId: c.name,
    componentType: COMPONENT_TYPE[c.type],
    status,
    time: iso(c.checkedAt) ?? now.toISOString(),
    ...(c.error ? { output: c.causedBy ? `${c.error} (caused by ${c.causedBy})` : c.error } : {}),
  };
  const out: Record<string, unknown[]> = {};
  out[`${c.name}:responseTime`] = [{ ...base, observedValue: round2(c.durationMs), observedUnit: 'ms' }];
  const d = c.details as Record<string, unknown>;
  if (c.type === 'postgres' && typeof d.connections === 'number') {
    out[`${c.name}:connections`] = [{ ...base, observedValue: d.connections, observedUnit: 'connections' }];
  }
  if (c.type === 'disk' && typeof d.used_ratio === 'number') {
    out[`${c.name}:utilization`] = [{ ...base, observedValue: round2(d.used_ratio * 100), observedUnit: 'percent' }];
  }
  return out;
}

/** health+json's top-level members before `checks`. */
export function healthJsonHead(snap: Snapshot, info: ServiceInfo) {
  return {
    status: IETF_STATUS[snap.status],
    // The draft: "public version of the service" (its example "1" is a major, but a major is not what an operator
    // reading this during a rollout needs); releaseId adds the build.
    version: info.version,
    releaseId: info.gitSha ? `${info.version}+${info.gitSha}` : info.version,
    serviceId: info.name,
    description: `health of ${info.name} (${info.environment})`,
  };
}

/**
 * The IETF "Health Check Response Format for HTTP APIs" draft shape.
 * A critical unknown is `fail` (the service cannot vouch for it).
 */
export function healthJson(snap: Snapshot, info: ServiceInfo, now: Date) {
  const checks: Record<string, unknown[]> = {};
  for (const c of snap.checks) Object.assign(checks, healthJsonChecks(c, now));
  return { ...healthJsonHead(snap, info), checks };
}
