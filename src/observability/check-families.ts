/**
 * The per-check gauges of the exposition, rendered from the snapshot as text
 * and kept per check state. Through prom-client each scrape reset and set
 * about eight series per check, each set hashing its labels, and the registry
 * formatted every value again: with 10,000 checks a scrape blocked the event
 * loop for 0.5-1 s, left 20-30 MB of garbage, and the series held about 18 MB.
 * Here a check's lines are rendered once per state object (the store replaces
 * only the states that change), so a scrape joins cached strings. The text is
 * exactly what prom-client wrote for the same values.
 */
import type { CheckState } from '../types';
import { CHECK_STATUSES } from '../types';

interface BullmqQueueDetails {
  counts?: Record<string, unknown>;
  workers?: unknown;
  oldest_waiting_age_s?: unknown;
}

function bullmqQueues(state: CheckState): Array<[string, BullmqQueueDetails]> {
  if (state.type !== 'bullmq') return [];
  const queues = (state.details as { queues?: Record<string, BullmqQueueDetails> }).queues;
  return queues && typeof queues === 'object' ? Object.entries(queues) : [];
}

/** A label value as the text format wants it (prom-client's escaping). */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A sample value as prom-client writes it. */
function value(v: number): string {
  if (Number.isNaN(v)) return 'Nan';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : '+Inf';
  return `${v}`;
}

interface Family {
  readonly name: string;
  readonly help: string;
  /** This check's sample lines, each ending in a newline ('' for none). */
  lines(c: CheckState, name: string): string;
}

const FAMILIES: readonly Family[] = [
  {
    name: 'health_check_up',
    help: 'Whether the check is up (1 = ok or degraded, 0 = error or unknown).',
    lines: (c, n) => `health_check_up{check="${n}",type="${label(c.type)}",critical="${c.critical}"} ${c.status === 'ok' || c.status === 'degraded' ? 1 : 0}\n`,
  },
  {
    name: 'health_check_status',
    help: 'Current status of the check: 1 for the current state, 0 for the others.',
    lines: (c, n) => CHECK_STATUSES.map((s) => `health_check_status{check="${n}",type="${label(c.type)}",status="${s}"} ${s === c.status ? 1 : 0}\n`).join(''),
  },
  {
    // The served state's last probe: in a cluster, whichever member probed it.
    name: 'health_check_duration_seconds',
    help: 'Duration of the last probe, in seconds.',
    lines: (c, n) => (c.durationMs === null ? '' : `health_check_duration_seconds{check="${n}",type="${label(c.type)}"} ${value(c.durationMs / 1000)}\n`),
  },
  {
    name: 'health_check_last_success_timestamp_seconds',
    help: 'Unix time of the last successful (ok or degraded) probe.',
    lines: (c, n) => (c.lastSuccessAt === null ? '' : `health_check_last_success_timestamp_seconds{check="${n}",type="${label(c.type)}"} ${value(c.lastSuccessAt / 1000)}\n`),
  },
  {
    name: 'health_check_consecutive_failures',
    help: 'Consecutive failed probes.',
    lines: (c, n) => `health_check_consecutive_failures{check="${n}",type="${label(c.type)}"} ${value(c.consecutiveFailures)}\n`,
  },
  {
    name: 'health_bullmq_queue_jobs',
    help: 'Jobs in a BullMQ queue, by state.',
    lines: (c, n) =>
      bullmqQueues(c)
        .flatMap(([queue, q]) =>
          Object.entries(q.counts ?? {})
            .filter((e): e is [string, number] => typeof e[1] === 'number')
            .map(([state, count]) => `health_bullmq_queue_jobs{check="${n}",queue="${label(queue)}",state="${label(state)}"} ${value(count)}\n`),
        )
        .join(''),
  },
  {
    name: 'health_bullmq_queue_workers',
    help: 'Workers connected to a BullMQ queue.',
    lines: (c, n) =>
      bullmqQueues(c)
        .filter(([, q]) => typeof q.workers === 'number')
        .map(([queue, q]) => `health_bullmq_queue_workers{check="${n}",queue="${label(queue)}"} ${value(q.workers as number)}\n`)
        .join(''),
  },
  {
    name: 'health_bullmq_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest waiting job in a BullMQ queue, in seconds (0 when none waits).',
    lines: (c, n) =>
      bullmqQueues(c)
        .map(([queue, q]) => `health_bullmq_queue_oldest_waiting_age_seconds{check="${n}",queue="${label(queue)}"} ${value(typeof q.oldest_waiting_age_s === 'number' ? q.oldest_waiting_age_s : 0)}\n`)
        .join(''),
  },
  {
    // CONTRACT §4.5: when the last ping of any kind arrived, from the served details.
    name: 'health_heartbeat_last_ping_timestamp_seconds',
    help: 'Unix time of the last ping a heartbeat check received (any kind: success, start, fail).',
    lines: (c, n) => {
      const at = c.type === 'heartbeat' ? Date.parse(String(c.details.last_ping_at ?? '')) : NaN;
      return Number.isFinite(at) ? `health_heartbeat_last_ping_timestamp_seconds{check="${n}"} ${value(at / 1000)}\n` : '';
    },
  },
];

const MAINTENANCE = {
  name: 'health_check_in_maintenance',
  help: 'Whether the check is inside a maintenance window (1) or not (0).',
};

const header = (f: { name: string; help: string }) => `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} gauge\n`;

export interface CheckFamilies {
  /** The families' text for these checks, each family preceded by a blank line (as the registry separates its own). */
  render(checks: readonly CheckState[]): string;
}

/** `inMaintenance` is asked at every scrape: a window opens and closes without any check's state changing. */
export function createCheckFamilies(opts: { inMaintenance?: ((check: string) => boolean) | undefined } = {}): CheckFamilies {
  const rendered = new WeakMap<CheckState, readonly string[]>();
  const names = new Map<string, string>();
  const nameOf = (c: CheckState) => {
    let n = names.get(c.name);
    if (n === undefined) names.set(c.name, (n = label(c.name)));
    return n;
  };
  return {
    render(checks) {
      const parts: string[][] = FAMILIES.map(() => []);
      const maintenance: string[] = [];
      for (const c of checks) {
        let lines = rendered.get(c);
        if (lines === undefined) {
          const n = nameOf(c);
          lines = FAMILIES.map((f) => f.lines(c, n));
          rendered.set(c, lines);
        }
        for (let i = 0; i < lines.length; i++) if (lines[i] !== '') parts[i]!.push(lines[i]!);
        if (opts.inMaintenance) maintenance.push(`health_check_in_maintenance{check="${nameOf(c)}"} ${opts.inMaintenance(c.name) ? 1 : 0}\n`);
      }
      let text = FAMILIES.map((f, i) => `\n${header(f)}${parts[i]!.join('')}`).join('');
      text += `\n${header(MAINTENANCE)}${maintenance.join('')}`;
      return text;
    },
  };
}

/**
 * `health_check_runs_total`, counted per probe of this process and rendered
 * as text: one series per check, result and reason, its labels rendered
 * once, an increment a map lookup (prom-client hashed four labels per probe
 * and formatted every series again at each scrape).
 */
export class ProbeRuns {
  private readonly series = new Map<string, { readonly labels: string; value: number }>();
  inc(check: string, type: string, result: string, reason: string): void {
    const key = `${check}\u0000${result}\u0000${reason}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: `check="${label(check)}",type="${label(type)}",result="${label(result)}",reason="${label(reason)}"`, value: 0 };
      this.series.set(key, s);
    }
    s.value++;
  }
  render(): string {
    let text = '\n# HELP health_check_runs_total Probes run, by result and failure reason (an error_kind, or none).\n# TYPE health_check_runs_total counter\n';
    for (const s of this.series.values()) text += `health_check_runs_total{${s.labels}} ${s.value}\n`;
    return text;
  }
}
