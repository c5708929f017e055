/**
 * `health-aggregator check`: every check once, a table or JSON, exit 0 when no
 * critical check fails and 1 when one does. Uses the real scheduler (same
 * timeouts and error text as the service) without any HTTP server.
 */
import { createLogger } from './observability/logging';
import { createScrubber, secretsOf } from './observability/redact';
import { createProbing } from './scheduler/probing';
import type { CheckState, Config } from './types';
import { checkEntry } from './routes/views';
import { loadPingsOnce } from './heartbeat';

/** A heartbeat is pushed to the running service: this command only reads what is stored. */
const NOT_PROBED = 'heartbeat: pushed, not probed; no ping known here';

export interface CheckReport {
  readonly exitCode: 0 | 1;
  readonly text: string;
}

function table(rows: readonly CheckState[]): string {
  const head = ['CHECK', 'TYPE', 'CRITICAL', 'STATUS', 'DURATION', 'ERROR'];
  const body = rows.map((c) => [
    c.name,
    c.type,
    c.critical ? 'yes' : 'no',
    c.status,
    c.durationMs === null ? '-' : `${c.durationMs.toFixed(1)} ms`,
    c.error ? `${c.error} (${c.errorKind})${c.causedBy ? ` caused by ${c.causedBy}` : ''}` : c.type === 'heartbeat' && c.status === 'unknown' ? NOT_PROBED : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export async function runChecksOnce(config: Config, opts: { json: boolean }): Promise<CheckReport> {
  const scrub = createScrubber(secretsOf(config));
  // Driver chatter goes to stderr at warn so stdout stays a clean table or JSON document.
  const logger = createLogger({
    service: config.service.name,
    environment: config.service.environment,
    level: process.env.LOG_LEVEL ?? 'warn',
    destination: process.stderr,
    scrub,
  });
  const pings = await loadPingsOnce(config, logger);
  const { store, scheduler, close } = createProbing(config.checks, logger, { heartbeats: pings });
  try {
    await scheduler.refresh();
  } finally {
    await close();
    await pings.close();
  }
  const snap = store.snapshot();
  // A heartbeat with no known ping has not failed: it is the running service's to judge.
  const failed = snap.checks.some((c) => c.critical && c.status !== 'ok' && c.status !== 'degraded' && !(c.type === 'heartbeat' && c.status === 'unknown'));
  const text = opts.json
    ? JSON.stringify(
        { status: snap.status, checks: Object.fromEntries(snap.checks.map((c) => [c.name, checkEntry(c)])) },
        null,
        2,
      )
    : config.checks.length === 0
      ? 'no dependency checks are configured'
      : table(snap.checks);
  return { exitCode: failed ? 1 : 0, text: scrub(text) };
}
