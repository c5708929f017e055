#!/usr/bin/env node
/**
 * Writes the three dashboards (Operational Health, API Performance, Database
 * Performance) from one description, so their variables, datasource and
 * conventions cannot drift apart. Run `node deploy/grafana/build.mjs` after
 * editing; test/observability/dashboard.test.ts fails when a JSON file is not
 * what this script writes.
 *
 * Every panel and query uses the `datasource` template variable (no
 * `__inputs`/`${DS_PROMETHEUS}`), so file provisioning and the Grafana
 * sidecar load the files as they are. `job` defaults to health-aggregator,
 * the job the alert rules select.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DS = { type: 'prometheus', uid: '${datasource}' };
const J = 'job=~"$job"';
const JC = 'job=~"$job", check=~"$check"';
const RI = '$__rate_interval';

const STATUS_MAP = [{ type: 'value', options: { 3: { text: 'ok', color: 'green', index: 0 }, 2: { text: 'degraded', color: 'orange', index: 1 }, 1: { text: 'error', color: 'red', index: 2 }, 0: { text: 'unknown', color: 'text', index: 3 } } }];
const STATUS_EXPR = `min by (check) (3 * sum without (status) (health_check_status{${JC}, status="ok"}) + 2 * sum without (status) (health_check_status{${JC}, status="degraded"}) + sum without (status) (health_check_status{${JC}, status="error"}))`;

function variables(extra = []) {
  const query = (name, label, q, opts = {}) => ({
    name,
    label,
    type: 'query',
    datasource: DS,
    definition: q,
    query: { query: q, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    multi: false,
    includeAll: false,
    hide: 0,
    regex: '',
    options: [],
    ...opts,
  });
  return {
    list: [
      { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, regex: '', options: [], refresh: 1 },
      query('job', 'Job', 'label_values(health_check_up, job)', { current: { selected: true, text: 'health-aggregator', value: 'health-aggregator' } }),
      ...extra.map(([name, label, q]) =>
        query(name, label, q, { multi: true, includeAll: true, allValue: '.*', current: { selected: true, text: ['All'], value: ['$__all'] } }),
      ),
    ],
  };
}

let nextId = 1;
let y = 0;
let x = 0;
let rowHeight = 0;
function place(w, h) {
  if (x + w > 24) {
    y += rowHeight;
    x = 0;
    rowHeight = 0;
  }
  const pos = { h, w, x, y };
  x += w;
  rowHeight = Math.max(rowHeight, h);
  return pos;
}
function row(title) {
  if (x > 0) {
    y += rowHeight;
    x = 0;
    rowHeight = 0;
  }
  const p = { type: 'row', id: nextId++, title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] };
  y += 1;
  return p;
}
function target(expr, legend, i, opts = {}) {
  return { datasource: DS, refId: String.fromCharCode(65 + i), expr, legendFormat: legend, range: !opts.instant, instant: !!opts.instant, ...(opts.table ? { format: 'table' } : {}) };
}
function panel(type, title, description, queries, { w = 12, h = 8, unit, instant = false, table = false, fieldConfig, options } = {}) {
  return {
    type,
    id: nextId++,
    title,
    description,
    datasource: DS,
    gridPos: place(w, h),
    fieldConfig: fieldConfig ?? { defaults: unit ? { unit } : {}, overrides: [] },
    options:
      options ??
      (type === 'timeseries'
        ? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } }
        : type === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', justifyMode: 'auto', textMode: 'auto', orientation: 'auto' }
          : { showHeader: true }),
    targets: queries.map(([expr, legend], i) => target(expr, legend, i, { instant, table })),
  };
}
const thresholds = (steps) => ({ mode: 'absolute', steps: steps.map(([color, value]) => ({ color, value })) });

function dashboard({ uid, title, description, tags, vars, build }) {
  nextId = 1;
  y = 0;
  x = 0;
  rowHeight = 0;
  return {
    uid,
    title,
    description,
    tags: ['health-aggregator', ...tags],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 38,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    links: [{ type: 'dashboards', tags: ['health-aggregator'], asDropdown: true, title: 'health-aggregator', includeVars: true, keepTime: true }],
    annotations: { list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' }] },
    templating: variables(vars),
    panels: build(),
  };
}

const operational = dashboard({
  uid: 'health-aggregator',
  title: 'health-aggregator: operational health',
  description: 'Service uptime and dependency health, probes, job queues, disks, HTTP and process metrics of health-aggregator (deploy/README.md).',
  tags: ['health', 'operations'],
  vars: [['check', 'Check', 'label_values(health_check_up{job=~"$job"}, check)']],
  build: () => [
    row('Overview'),
    panel('stat', 'Overall health', 'health_status across replicas (worst wins): what GET /api/health answers. error = a critical check is in error or unknown.', [[`min(health_status{${J}})`, 'overall']], {
      w: 5, h: 4, instant: true,
      fieldConfig: { defaults: { mappings: [{ type: 'value', options: { 1: { text: 'ok', color: 'green', index: 0 }, 0.5: { text: 'degraded', color: 'orange', index: 1 }, 0: { text: 'error', color: 'red', index: 2 } } }], thresholds: thresholds([['red', null], ['orange', 0.5], ['green', 1]]) }, overrides: [] },
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'none', justifyMode: 'auto', textMode: 'value', orientation: 'auto' },
    }),
    panel('stat', 'Service uptime', 'Share of the dashboard range in which Prometheus could scrape the service (up), averaged over replicas.', [[`avg(avg_over_time(up{${J}}[$__range]))`, 'uptime']], {
      w: 5, h: 4, instant: true,
      fieldConfig: { defaults: { unit: 'percentunit', decimals: 3, thresholds: thresholds([['red', null], ['orange', 0.99], ['green', 0.999]]) }, overrides: [] },
    }),
    panel('stat', 'Checks up', 'Checks up (ok or degraded) on the worst replica, of those configured.', [[`min(sum by (instance) (health_check_up{${J}}))`, 'up'], [`max(health_checks_configured{${J}})`, 'configured']], { w: 5, h: 4, instant: true }),
    panel('stat', 'Critical checks down', 'Critical checks no replica can reach.', [[`count(max by (check) (health_check_up{${J}, critical="true"}) == 0) or vector(0)`, 'down']], {
      w: 5, h: 4, instant: true, fieldConfig: { defaults: { thresholds: thresholds([['green', null], ['red', 1]]) }, overrides: [] },
    }),
    panel('stat', 'Replicas scraped', 'Targets of the job Prometheus scrapes successfully.', [[`sum(up{${J}})`, 'replicas']], { w: 4, h: 4, instant: true }),
    row('Checks'),
    panel('state-timeline', 'Check status', 'Status per check over time (worst replica): ok, degraded, error, unknown.', [[STATUS_EXPR, '{{check}}']], {
      w: 24,
      fieldConfig: { defaults: { custom: { fillOpacity: 80, lineWidth: 0 }, mappings: STATUS_MAP, thresholds: thresholds([['text', null], ['red', 1], ['orange', 2], ['green', 3]]) }, overrides: [] },
      options: { showValue: 'never', mergeValues: true, alignValue: 'left', rowHeight: 0.9, legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
    }),
    panel('table', 'Check uptime', 'Share of the dashboard range each check was up (ok or degraded) on the best replica: the dependency\'s availability as this service saw it.', [[`max by (check) (avg_over_time(health_check_up{${JC}}[$__range]))`, '']], {
      w: 8, instant: true, table: true,
      fieldConfig: { defaults: { unit: 'percentunit', decimals: 2, thresholds: thresholds([['red', null], ['orange', 0.99], ['green', 0.999]]), custom: { cellOptions: { type: 'color-text' } } }, overrides: [] },
    }),
    panel('timeseries', 'Errors by check', 'Share of probes that failed, by check: the error rate of each dependency (0 while it answers; the panel below has the reasons).', [
      [`(sum by (check) (rate(health_check_runs_total{${JC}, result="error"}[${RI}])) or 0 * sum by (check) (rate(health_check_runs_total{${JC}}[${RI}]))) / sum by (check) (rate(health_check_runs_total{${JC}}[${RI}]))`, '{{check}}'],
    ], { w: 16, unit: 'percentunit' }),
    panel('timeseries', 'Probe duration', 'Duration of the last probe per check (slowest replica).', [[`max by (check) (health_check_duration_seconds{${JC}})`, '{{check}}']], { unit: 's' }),
    panel('timeseries', 'Probes by result and reason', 'Probes per second by check, result and reason.', [[`sum by (check, result, reason) (rate(health_check_runs_total{${JC}}[${RI}]))`, '{{check}} {{result}} {{reason}}']], { unit: 'ops' }),
    panel('timeseries', 'Database query rate and latency', 'Probe queries per second and their p95, per postgres check (Database Performance has the detail).', [
      [`sum by (check) (rate(db_query_duration_seconds_count{${JC}}[${RI}]))`, '{{check}} queries/s'],
      [`histogram_quantile(0.95, sum by (check, le) (rate(db_query_duration_seconds_bucket{${JC}}[${RI}])))`, '{{check}} p95 (s)'],
    ]),
    panel('timeseries', 'Time since last success', 'Seconds since the last ok or degraded probe (best replica).', [[`time() - max by (check) (health_check_last_success_timestamp_seconds{${JC}})`, '{{check}}']], { unit: 's' }),
    row('Job queues (BullMQ) and disks'),
    panel('timeseries', 'Jobs by state', 'Queue size: jobs per queue and state.', [[`max by (check, queue, state) (health_bullmq_queue_jobs{${JC}})`, '{{queue}} {{state}}']], { w: 8 }),
    panel('timeseries', 'Queue throughput', 'Jobs completed and failed per second, from the change in those counts (deriv over 5m). Reads 0 when jobs are removed on completion (removeOnComplete); workers then show the processing rate better.', [
      [`clamp_min(sum by (check, queue) (deriv(health_bullmq_queue_jobs{${JC}, state="completed"}[5m])), 0)`, '{{queue}} completed/s'],
      [`clamp_min(sum by (check, queue) (deriv(health_bullmq_queue_jobs{${JC}, state="failed"}[5m])), 0)`, '{{queue}} failed/s'],
    ], { w: 8, unit: 'ops' }),
    panel('timeseries', 'Workers and oldest waiting job', 'Connected workers per queue, and the age of its oldest waiting job (right axis).', [
      [`max by (check, queue) (health_bullmq_queue_workers{${JC}})`, '{{queue}} workers'],
      [`max by (check, queue) (health_bullmq_queue_oldest_waiting_age_seconds{${JC}})`, '{{queue}} oldest waiting (s)'],
    ], { w: 8 }),
    panel('bargauge', 'Disk space', 'Used share of each filesystem a disk check watches. DiskSpace fires over 85% for 5m.', [[`max by (check) (health_disk_used_ratio{${JC}})`, '{{check}}']], {
      w: 24, h: 5, instant: true,
      fieldConfig: { defaults: { unit: 'percentunit', min: 0, max: 1, thresholds: thresholds([['green', null], ['orange', 0.75], ['red', 0.85]]) }, overrides: [] },
      options: { orientation: 'horizontal', displayMode: 'gradient', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, showUnfilled: true },
    }),
    row('HTTP'),
    panel('timeseries', 'API request rate', 'Requests per second by route and status (API Performance has the detail).', [[`sum by (route, status_code) (rate(http_requests_total{${J}}[${RI}]))`, '{{route}} {{status_code}}']], { w: 8, unit: 'reqps' }),
    panel('timeseries', 'API latency p95', 'p95 response time by route.', [[`histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{${J}}[${RI}])))`, '{{route}}']], { w: 8, unit: 's' }),
    panel('timeseries', 'Error rate', 'Unexpected 5xx (HighErrorRate fires over 5% for 5m) and the documented 503s (dependency down, shedding, shutdown), as a share of all responses.', [
      [`(sum(rate(http_status_codes_total{${J}, status_code=~"5..", status_code!="503"}[${RI}])) or vector(0)) / sum(rate(http_status_codes_total{${J}}[${RI}]))`, 'unexpected 5xx'],
      [`(sum(rate(http_status_codes_total{${J}, status_code="503"}[${RI}])) or vector(0)) / sum(rate(http_status_codes_total{${J}}[${RI}]))`, '503 (documented)'],
    ], { w: 8, unit: 'percentunit' }),
    row('Process'),
    panel('timeseries', 'Memory', 'Resident memory and heap per replica, against the container limit when there is one (MemoryUsageHigh fires over 80% of it for 15m).', [
      [`process_resident_memory_bytes{${J}}`, '{{instance}} rss'],
      [`nodejs_heap_size_used_bytes{${J}}`, '{{instance}} heap used'],
      [`health_process_memory_limit_bytes{${J}}`, '{{instance}} limit'],
    ], { w: 8, unit: 'bytes' }),
    panel('timeseries', 'CPU', 'CPU per replica, in cores. Node runs JavaScript on one core: CPUUsageHigh fires over 80% of it for 15m.', [[`rate(process_cpu_seconds_total{${J}}[${RI}])`, '{{instance}}']], { w: 8, unit: 'percentunit' }),
    panel('timeseries', 'Event loop lag', 'p99 and mean event loop lag; at pressure.maxEventLoopDelay (1 s by default) requests are shed.', [
      [`nodejs_eventloop_lag_p99_seconds{${J}}`, '{{instance}} p99'],
      [`nodejs_eventloop_lag_mean_seconds{${J}}`, '{{instance}} mean'],
    ], { w: 8, unit: 's' }),
  ],
});

const api = dashboard({
  uid: 'health-aggregator-api',
  title: 'health-aggregator: API performance',
  description: 'Latency, throughput, errors, authentication failures and load shedding of health-aggregator\'s HTTP routes.',
  tags: ['api', 'performance'],
  vars: [['route', 'Route', 'label_values(http_requests_total{job=~"$job"}, route)']],
  build: () => {
    const JR = 'job=~"$job", route=~"$route"';
    const q = (p) => `histogram_quantile(${p}, sum by (le, route) (rate(http_request_duration_seconds_bucket{${JR}}[${RI}])))`;
    return [
      row('Throughput'),
      panel('timeseries', 'Request rate by endpoint', 'Requests per second by route (the route pattern, never the raw URL).', [[`sum by (route) (rate(http_requests_total{${JR}}[${RI}]))`, '{{route}}']], { unit: 'reqps' }),
      panel('table', 'Top callers by request volume', 'Requests per second by route, method and status over the range. The guide\'s "top users by request volume" does not apply here: health-aggregator has no users or tenants (its callers are load balancers, Kubernetes probes, Prometheus, a status page and uptime monitors, mostly unauthenticated), and a per-client label (IP, user agent, token) would be unbounded metric cardinality. The access log carries each request\'s user agent for that question.', [
        [`sort_desc(sum by (route, method, status_code) (rate(http_requests_total{${JR}}[$__range])))`, ''],
      ], { instant: true, table: true, unit: 'reqps' }),
      row('Latency'),
      panel('timeseries', 'Latency percentiles by endpoint', 'p50, p95 and p99 response time by route.', [[q(0.5), '{{route}} p50'], [q(0.95), '{{route}} p95'], [q(0.99), '{{route}} p99']], { unit: 's' }),
      panel('table', 'Slow endpoints (p95 > 500 ms)', 'p95 response time by route over the range, slowest first; red over 500 ms. refresh runs every check on request and may legitimately be slow.', [
        [`sort_desc(histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{${JR}}[$__range]))))`, ''],
      ], {
        instant: true, table: true,
        fieldConfig: { defaults: { unit: 's', thresholds: thresholds([['green', null], ['red', 0.5]]), custom: { cellOptions: { type: 'color-background' } } }, overrides: [] },
      }),
      row('Errors'),
      panel('timeseries', 'Error rate by endpoint', 'Share of responses that were 5xx, by route (503 included: health routes answer it while a critical dependency is down), and 4xx.', [
        [`sum by (route) (rate(http_requests_total{${JR}, status_code=~"5.."}[${RI}])) / sum by (route) (rate(http_requests_total{${JR}}[${RI}]))`, '{{route}} 5xx'],
        [`sum by (route) (rate(http_requests_total{${JR}, status_code=~"4.."}[${RI}])) / sum by (route) (rate(http_requests_total{${JR}}[${RI}]))`, '{{route}} 4xx'],
      ], { w: 8, unit: 'percentunit' }),
      panel('timeseries', 'Authentication failures', '401 responses per second (detail routes with detailsToken, the operator API with adminToken). A burst is someone guessing tokens, or a client with a stale one.', [
        [`sum(rate(http_status_codes_total{${J}, status_code="401"}[${RI}])) or vector(0)`, '401/s'],
        [`sum(rate(http_status_codes_total{${J}, status_code="403"}[${RI}])) or vector(0)`, '403/s'],
      ], { w: 8, unit: 'reqps' }),
      panel('timeseries', 'Shed requests (rate limiting)', 'Requests answered 503 + Retry-After because a pressure limit was over, by limit. This service has no per-client rate limit; shedding is its only one.', [
        [`sum by (reason) (rate(http_requests_shed_total{${J}}[${RI}])) or vector(0)`, '{{reason}}'],
      ], { w: 8, unit: 'reqps' }),
      row('Sizes and concurrency'),
      panel('timeseries', 'Response size p95 by endpoint', 'p95 of the response body size by route.', [[`histogram_quantile(0.95, sum by (le, route) (rate(http_response_size_bytes_bucket{${JR}}[${RI}])))`, '{{route}}']], { w: 8, unit: 'bytes' }),
      panel('timeseries', 'Request size p95 by endpoint', 'p95 of the request body size by route (0 without a body).', [[`histogram_quantile(0.95, sum by (le, route) (rate(http_request_size_bytes_bucket{${JR}}[${RI}])))`, '{{route}}']], { w: 8, unit: 'bytes' }),
      panel('timeseries', 'Requests in progress', 'Concurrent requests per replica, open status streams included (the guide alerts over 100).', [[`http_requests_in_progress{${J}}`, '{{instance}}']], { w: 8 }),
    ];
  },
});

const database = dashboard({
  uid: 'health-aggregator-database',
  title: 'health-aggregator: database performance',
  description: 'What the postgres and redis probes read from their servers: query time, connections against max_connections, deadlocks, replication lag, connection errors, and Redis memory, hits and evictions.',
  tags: ['database', 'performance'],
  vars: [['check', 'Check', 'label_values(db_connections_max{job=~"$job"}, check)']],
  build: () => {
    const dq = (p) => `histogram_quantile(${p}, sum by (le, check) (rate(db_query_duration_seconds_bucket{${JC}}[${RI}])))`;
    const JR = 'job=~"$job"';
    return [
      row('PostgreSQL'),
      panel('timeseries', 'Query duration', 'p50, p95 and p99 of the probe\'s query per check. SlowQueries fires when p95 is over 1 s for 5m.', [[dq(0.5), '{{check}} p50'], [dq(0.95), '{{check}} p95'], [dq(0.99), '{{check}} p99']], { unit: 's' }),
      panel('timeseries', 'Connections vs max', 'Client connections on the server against its max_connections. DatabaseConnectionPool fires over 90% for 5m.', [
        [`max by (check) (db_connections_used{${JC}})`, '{{check}} used'],
        [`max by (check) (db_connections_max{${JC}})`, '{{check}} max'],
      ]),
      panel('stat', 'Connection usage', 'Share of max_connections in use now.', [[`max by (check) (db_connections_used{${JC}} / db_connections_max{${JC}})`, '{{check}}']], {
        w: 6, instant: true, fieldConfig: { defaults: { unit: 'percentunit', thresholds: thresholds([['green', null], ['orange', 0.8], ['red', 0.9]]) }, overrides: [] },
      }),
      panel('timeseries', 'Deadlocks', 'Deadlocks the server resolved in the probed database, per 5 minutes (its own pg_stat_database count).', [[`sum by (check) (increase(db_deadlocks_total{${JC}}[5m]))`, '{{check}}']], { w: 6 }),
      panel('timeseries', 'Replication lag', 'A replica\'s replay lag, or a primary\'s worst replica. Empty for a primary without replicas.', [[`max by (check) (db_replication_lag_seconds{${JC}})`, '{{check}}']], { w: 6, unit: 's' }),
      panel('timeseries', 'Connection errors', 'Failed connection attempts of the probe, per 5 minutes (the guide: over 5 in 5m is a problem).', [[`sum by (check) (increase(db_connection_errors_total{${JC}}[5m]))`, '{{check}}']], { w: 6 }),
      row('Redis'),
      panel('timeseries', 'Redis memory', 'Memory Redis has allocated, against maxmemory when one is set.', [
        [`max by (check) (health_redis_memory_used_bytes{${JR}})`, '{{check}} used'],
        [`max by (check) (health_redis_memory_max_bytes{${JR}})`, '{{check}} max'],
      ], { w: 8, unit: 'bytes' }),
      panel('timeseries', 'Redis hit ratio', 'Keyspace hits over hits and misses, over 5 minutes.', [
        [`sum by (check) (rate(health_redis_keyspace_hits_total{${JR}}[5m])) / (sum by (check) (rate(health_redis_keyspace_hits_total{${JR}}[5m])) + sum by (check) (rate(health_redis_keyspace_misses_total{${JR}}[5m])))`, '{{check}}'],
      ], { w: 8, unit: 'percentunit' }),
      panel('timeseries', 'Redis evictions, fragmentation, clients', 'Keys evicted per second for maxmemory, mem_fragmentation_ratio, and connected clients.', [
        [`sum by (check) (rate(health_redis_evicted_keys_total{${JR}}[${RI}]))`, '{{check}} evicted/s'],
        [`max by (check) (health_redis_mem_fragmentation_ratio{${JR}})`, '{{check}} fragmentation'],
        [`max by (check) (health_redis_connected_clients{${JR}})`, '{{check}} clients'],
      ], { w: 8 }),
    ];
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const files = {
  'health-aggregator.dashboard.json': operational,
  'api-performance.dashboard.json': api,
  'database-performance.dashboard.json': database,
};
if (process.argv[2] === '--print') {
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(files).map(([f, d]) => [f, JSON.stringify(d, null, 2) + '\n']))));
} else {
  for (const [file, d] of Object.entries(files)) writeFileSync(path.join(here, file), JSON.stringify(d, null, 2) + '\n');
}
