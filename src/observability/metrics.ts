/**
 * Every metric the service exports, defined once, on a registry per app (no
 * global registry, so tests can build many apps in one process).
 * Per-check state gauges are filled at scrape time from the store's snapshot:
 * scraping is cheap and never probes, and staleness shows up as `unknown`.
 * They are rendered as text cached per check state (check-families.ts), the
 * per-request series are plain numbers (request-series.ts); the rest is
 * prom-client.
 * Labels are bounded: check names and types come from config, never a URL,
 * host or error text.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProbeResult, Snapshot } from '../types';
import { createCheckFamilies, ProbeRuns } from './check-families';
import { createDependencyMetrics } from './dependency-metrics';
import { type CounterSeries, FastCounter, FastHistogram, type HistogramSeries } from './request-series';
import { registerProcessMetrics } from './process-metrics';

export interface Metrics {
  readonly registry: Registry;
  /** The exposition text, with every snapshot-derived gauge current. */
  render(): Promise<string>;
  /** Counts a finished probe and records its duration. */
  observeProbe(name: string, type: string, result: ProbeResult): void;
  /** A request has started (in-progress gauge). */
  requestStarted(): void;
  /**
   * A request ended (answered, or abandoned by its client), `seconds` after it
   * arrived, with its body sizes in bytes (null when unknown: a streamed reply).
   */
  requestFinished(method: string, route: string, statusCode: number, seconds: number, requestBytes: number, responseBytes: number | null): void;
  /** A request was shed with 503 by under-pressure; `reason` is its limit (eventLoopDelay, heapUsedBytes...). */
  requestShed(reason: string): void;
  /** A notification ended `sent`, `failed` or `dropped` (n = 0 creates the series at zero). */
  countNotification(notifier: string, result: 'sent' | 'failed' | 'dropped', n?: number): void;
}

const REQUEST_LABELS = ['method', 'route', 'status_code'] as const;

const STATE_VALUE: Readonly<Record<string, number>> = { ok: 1, degraded: 0.5, error: 0, unknown: 0 };

export interface ClusterGauges {
  readonly members: number;
  readonly storeUp: boolean;
  readonly ownedChecks: number;
}

export function createMetrics(opts: { snapshot: () => Snapshot; defaultMetrics?: boolean; inMaintenance?: (check: string) => boolean; cluster?: (() => ClusterGauges) | undefined; cgroupRoot?: string }): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  registerProcessMetrics(registers, opts.cgroupRoot === undefined ? {} : { cgroupRoot: opts.cgroupRoot, procSelfCgroup: null });
  const dependencies = createDependencyMetrics(registers);

  const runs = new ProbeRuns();
  const overall = new Gauge({
    name: 'health_status',
    help: 'Overall health: 1 ok, 0.5 degraded, 0 error.',
    registers,
  });
  // The five per-request series are plain numbers (request-series.ts): prom-client's children re-hash their labels per call.
  const requests = new FastCounter('http_requests_total', 'HTTP requests answered.', REQUEST_LABELS, registers);
  const requestDuration = new FastHistogram(
    'http_request_duration_seconds',
    'HTTP request duration, in seconds.',
    REQUEST_LABELS,
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  );
  // Sizes from Content-Length: the bytes of the body, as the guide's metric means (headers excluded).
  const SIZE_BUCKETS = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576];
  const requestSize = new FastHistogram('http_request_size_bytes', 'HTTP request body size, in bytes (0 without a body).', REQUEST_LABELS, SIZE_BUCKETS, registers);
  const responseSize = new FastHistogram(
    'http_response_size_bytes',
    'HTTP response body size, in bytes (streamed responses without a length are not observed).',
    REQUEST_LABELS,
    SIZE_BUCKETS,
    registers,
  );
  const statusCodes = new FastCounter('http_status_codes_total', 'HTTP responses by status code (499: the client went away before an answer).', ['status_code'], registers);
  interface RequestChildren {
    labels: { method: string; route: string; status_code: string };
    duration: HistogramSeries;
    requestSize: HistogramSeries;
    responseSize: HistogramSeries | null;
    count: CounterSeries;
    status: CounterSeries;
  }
  const requestChildren = new Map<string, Map<string, Map<number, RequestChildren>>>();
  const shed = new Counter({
    name: 'http_requests_shed_total',
    help: 'Requests answered 503 by load shedding, by the limit that was over (the 503s of health routes are not shedding).',
    labelNames: ['reason'] as const,
    registers,
  });
  let inFlight = 0;
  new Gauge({
    name: 'http_requests_in_progress',
    help: 'HTTP requests being handled now.',
    registers,
    collect() {
      this.set(inFlight);
    },
  });

  // Notifications (CONTRACT §5.7): the notifier's name only, never its URL.
  const notifications = new Counter({
    name: 'health_notifications_total',
    help: 'Notifications by how they ended: sent, failed (refused, or retries exhausted) or dropped (queue full).',
    labelNames: ['notifier', 'result'] as const,
    registers,
  });

  const configured = new Gauge({
    name: 'health_checks_configured',
    help: 'Number of configured dependency checks.',
    registers,
  });

  // Cluster (CONTRACT §4.5): exported only by a replica in a cluster.
  const clusterGauges = opts.cluster;
  if (clusterGauges) {
    const gauge = (name: string, help: string, value: (g: ClusterGauges) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(value(clusterGauges())); } });
    gauge('health_cluster_members', 'Live cluster members this replica sees (itself included).', (g) => g.members);
    gauge('health_cluster_store_up', 'Whether the cluster database answers (1) or not (0).', (g) => (g.storeUp ? 1 : 0));
    gauge('health_cluster_owned_checks', 'Checks this replica probes.', (g) => g.ownedChecks);
  }

  // Snapshot-derived gauges are refreshed right before each scrape is rendered
  // (not in a collect() hook: prom-client reads metrics in registration order,
  // so a hook on one metric would leave the ones before it a scrape behind).
  const refreshFromSnapshot = (snap: Snapshot) => {
    configured.set(snap.checks.length);
    overall.set(STATE_VALUE[snap.status] ?? 0);
    dependencies.refresh(snap.checks);
  };
  // Per-check gauges (up, status, duration, failures, last success, heartbeats, queues, maintenance): cached text per state.
  const perCheck = createCheckFamilies({ inMaintenance: opts.inMaintenance });

  return {
    registry,
    async render() {
      const snap = opts.snapshot();
      refreshFromSnapshot(snap);
      return (await registry.metrics()) + perCheck.render(snap.checks) + runs.render();
    },
    observeProbe(name, type, result) {
      runs.inc(name, type, result.status, result.errorKind ?? 'none');
      dependencies.observeProbe(name, type, result);
    },
    requestStarted() {
      inFlight++;
    },
    requestFinished(method, route, statusCode, seconds, requestBytes, responseBytes) {
      inFlight--;
      // Routes and codes are few: each combination's five series are found once, then kept,
      // by route, method and code in turn (no key string to build and hash per request).
      let byMethod = requestChildren.get(route);
      if (!byMethod) requestChildren.set(route, (byMethod = new Map()));
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let child = byStatus.get(statusCode);
      if (!child) {
        const labels = { method, route, status_code: String(statusCode) };
        child = {
          labels,
          duration: requestDuration.child(labels),
          requestSize: requestSize.child(labels),
          responseSize: null,
          count: requests.child(labels),
          status: statusCodes.child(labels),
        };
        byStatus.set(statusCode, child);
      }
      child.duration.observe(seconds);
      child.requestSize.observe(requestBytes);
      // Created on the first length seen: a stream's route has no response-size series at all.
      if (responseBytes !== null) (child.responseSize ??= responseSize.child(child.labels)).observe(responseBytes);
      child.count.inc();
      child.status.inc();
    },
    requestShed(reason) {
      shed.inc({ reason });
    },
    countNotification(notifier, result, n = 1) {
      notifications.inc({ notifier, result }, n);
    },
  };
}
